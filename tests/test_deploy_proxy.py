"""The production topology behind deploy/nginx.conf: nginx terminating TLS on loopback in
front of two gunicorn app servers that share one PostgreSQL database, Redis and an object
storage bucket (moto). Visitors talk HTTPS to nginx only; a few checks go to one app
server directly, as an editor's request to that server would.

Needs nginx (apt-get install nginx), openssl, PostgreSQL and Redis on 127.0.0.1: skipped without
them, failed instead with REQUIRE_PROXY=1 (CI)."""

import contextlib
import gzip
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import reverse_proxy
from faults import postgres_database, postgres_rows
from reverse_proxy import AppServer, Proxy, Reply, Visitor, form_values

from loadtest.production import form_fields, free_port, manage, production_environment
from tests import object_storage

ARTICLE = "/nyheter/nyhet/"
COMMENT_ACTION = "/nyheter/nyhet/kommentarer/"
CONSENT_ACTION = "/cookies/val/"
EDITOR_PASSWORD = "ett-langt-losenord-123"
REDIS_URL = "redis://127.0.0.1:6379/12"
HSTS = "max-age=31536000; includeSubDomains"
# What the app's rate limit and 400 pages say.
TOO_MANY_CHOICES = "Du har ändrat dina cookieval många gånger på kort tid."
BAD_REQUEST_HEADING = "<h1>Vi kunde inte ta emot din förfrågan</h1>"


def require(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("REQUIRE_PROXY") == "1":
        pytest.fail(f"REQUIRE_PROXY=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class ProxiedSite:
    proxy: Proxy
    servers: tuple[AppServer, AppServer]
    database: str
    static_root: Path
    article_id: int
    certificate: Path

    def visitor(self, address: str = "127.0.0.1", **headers: str) -> Visitor:
        """A visitor of the site, through nginx over HTTPS."""
        return Visitor(
            "https",
            self.proxy.https_port,
            address=address,
            certificate=self.certificate,
            headers=headers,
        )

    def direct(self, server: AppServer) -> Visitor:
        """A visitor's browser on the site whose requests reach one app server, with the
        headers nginx would set."""
        return Visitor(
            "http",
            server.port,
            headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
            origin=f"https://127.0.0.1:{self.proxy.https_port}",
        )


@contextlib.contextmanager
def own_cache_keys() -> Iterator[str]:
    """A prefix for the cache keys of this run (pages, rate counters) in the shared Redis
    database; they are deleted afterwards."""
    prefix = f"adda-proxy-{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        with redis.Redis.from_url(REDIS_URL) as cache:
            for key in cache.scan_iter(f"{prefix}:*"):
                cache.delete(key)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require(
        reverse_proxy.nginx_executable() is not None,
        "nginx is not installed (apt-get install nginx)",
    )
    require(
        shutil.which("openssl") is not None, "openssl is not installed (apt-get install openssl)"
    )
    require(reverse_proxy.port_is_open(5432), "PostgreSQL is not running on 127.0.0.1:5432")
    require(reverse_proxy.port_is_open(6379), "Redis is not running on 127.0.0.1:6379")
    directory = tmp_path_factory.mktemp("proxy")
    http_port, https_port = free_port(), free_port()
    app_ports = (free_port(), free_port())
    config = reverse_proxy.nginx_config(
        directory,
        http_port=http_port,
        https_port=https_port,
        app_ports=app_ports,
        static_root=directory / "static",
    )
    with (
        postgres_database("adda_proxy") as database,
        own_cache_keys() as cache_prefix,
        object_storage.running(log_path=directory / "moto.log") as storage,
    ):
        bucket = storage.create_bucket("adda-proxy-media")
        env = (
            production_environment(
                directory,
                secret_key="proxy-test-key-" + "x" * 50,
                database_url=f"postgres://postgres@127.0.0.1:5432/{database}",
                SECURE_SSL_REDIRECT="1",
                SECURE_PROXY_SSL_HEADER="1",
                TRUSTED_PROXIES="127.0.0.1",
                SITE_URL=f"https://127.0.0.1:{https_port}",
                CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{https_port}",
                REDIS_URL=REDIS_URL,
                CACHE_KEY_PREFIX=cache_prefix,
                CONSENT_RATE_LIMIT="3/600",
            )
            | bucket.env
        )
        manage(env, "migrate", "--noinput", timeout=180)
        reverse_proxy.collectstatic(env)
        created = manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; from news.models import Article; "
            f"User.objects.create_superuser('redaktor', 'r@example.se', {EDITOR_PASSWORD!r}); "
            "print(Article.objects.create(title='Nyhet', slug='nyhet', lead='Ingress.', "
            "status='published').pk)",
        )
        servers = tuple(
            AppServer(env, port, directory / f"gunicorn-{name}.log")
            for name, port in zip("ab", app_ports, strict=True)
        )
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_until_ready()
            with reverse_proxy.nginx(config, http_port=http_port, https_port=https_port) as proxy:
                yield ProxiedSite(
                    proxy,
                    servers,
                    database,
                    directory / "static",
                    int(created.split()[-1]),
                    directory / "certificate.pem",
                )
        finally:
            for server in servers:
                server.stop()


def test_the_rendered_config_passes_nginx_own_check(site):
    result = reverse_proxy.check_config(site.proxy.directory / "nginx.conf")

    assert result.returncode == 0, result.stderr


def test_plain_http_is_redirected_to_https(site):
    visitor = Visitor("http", site.proxy.http_port)

    answer = visitor.get(f"{ARTICLE}?sida=1")

    assert answer.status == 301
    assert (
        answer.headers["Location"] == f"https://127.0.0.1:{site.proxy.https_port}{ARTICLE}?sida=1"
    )


def test_https_pages_carry_hsts_once(site):
    answer = site.visitor().get(ARTICLE)

    assert answer.status == 200
    assert answer.headers.get_all("Strict-Transport-Security") == [HSTS]


def test_a_visitors_own_forwarded_proto_is_replaced_by_the_proxys(site):
    # Were it passed on, the app would think the connection plain and redirect for ever.
    answer = site.visitor(**{"X-Forwarded-Proto": "http"}).get(ARTICLE)

    assert answer.status == 200


def spoofed_choices(visitor: Visitor) -> list[Reply]:
    """Four cookie choices, each claiming a new made-up address in X-Forwarded-For, as a
    script would send them to escape the limit (3)."""
    fields = form_fields(visitor.get("/").text, CONSENT_ACTION) | {"choice": "alla"}
    return [
        visitor.post(CONSENT_ACTION, fields, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(1, 5)
    ]


def test_rate_limit_counts_the_connecting_address_whatever_x_forwarded_for_says(site):
    answers = spoofed_choices(site.visitor("127.0.0.2"))

    assert [answer.status for answer in answers] == [302, 302, 302, 429]
    assert TOO_MANY_CHOICES in answers[-1].text


def test_rate_limit_holds_for_a_visitor_inside_the_trusted_proxies_too(site):
    # A visitor whose own address TRUSTED_PROXIES names (here the proxy's machine; in
    # production an office network inside a trusted range). Had nginx appended to their
    # X-Forwarded-For ($proxy_add_x_forwarded_for), the app would skip their trusted
    # address and believe the made-up one before it.
    answers = spoofed_choices(site.visitor("127.0.0.1"))

    assert [answer.status for answer in answers] == [302, 302, 302, 429]


def test_two_visitors_addresses_are_counted_separately(site):
    first, second = site.visitor("127.0.0.3"), site.visitor("127.0.0.4")
    fields = {
        visitor.address: form_fields(visitor.get("/").text, CONSENT_ACTION) | {"choice": "alla"}
        for visitor in (first, second)
    }
    assert [first.post(CONSENT_ACTION, fields[first.address]).status for _ in range(4)] == [
        302,
        302,
        302,
        429,
    ]

    # Behind one proxy: were the proxy's address counted, this visitor would be refused too.
    assert second.post(CONSENT_ACTION, fields[second.address]).status == 302


def test_an_edit_in_admin_on_one_server_is_seen_at_once_on_the_other(site):
    server_a, server_b = site.servers
    reader = site.direct(server_b)
    # Enough requests for both of server B's workers to have the page cached.
    assert {"<h1>Nyhet</h1>" in reader.get(ARTICLE).text for _ in range(4)} == {True}
    editor = site.direct(server_a)
    login = form_fields(editor.get("/admin/login/").text, "/admin/login/")
    answer = editor.post(
        "/admin/login/",
        login | {"username": "redaktor", "password": EDITOR_PASSWORD, "next": "/admin/"},
    )
    assert answer.status == 302
    change = f"/admin/news/article/{site.article_id}/change/"
    fields = form_values(editor.get(change).text, "article_form") | {"title": ["Rättad rubrik"]}

    assert editor.post(change, fields).status == 302

    for _ in range(4):
        assert "<h1>Rättad rubrik</h1>" in reader.get(ARTICLE).text
    assert "<h1>Rättad rubrik</h1>" in site.visitor().get(ARTICLE).text


def test_a_comment_posted_through_the_proxy_is_stored_once(site):
    visitor = site.visitor("127.0.0.5")
    fields = form_fields(visitor.get(ARTICLE).text, COMMENT_ACTION)
    text = f"Bra att kommunerna samarbetar ({secrets.token_hex(4)})."
    # The form is refused when sent sooner than FORM_MIN_SECONDS (3) after it was shown.
    time.sleep(3.5)

    answer = visitor.post(
        COMMENT_ACTION,
        fields | {"name": "Anna", "email": "anna@example.se", "text": text, "hp_kontroll": ""},
    )

    assert answer.status == 302
    assert "kommentar=tack" in answer.headers["Location"]
    rows = postgres_rows(
        site.database, "SELECT count(*) FROM comments_comment WHERE text = %s", (text,)
    )
    assert rows == [(1,)]


def test_killing_an_app_server_loses_no_get_request(site):
    server_a, server_b = site.servers
    visitor = site.visitor()
    assert {visitor.get(ARTICLE).status for _ in range(4)} == {200}
    logged = len(site.proxy.log_lines())
    server_a.kill()
    try:
        statuses = [visitor.get(ARTICLE).status for _ in range(30)]

        assert statuses == [200] * 30
        # nginx noticed: a request that found server A dead was answered by server B.
        after = site.proxy.log_lines()[logged:]
        a, b = f"127.0.0.1:{server_a.port}", f"127.0.0.1:{server_b.port}"
        assert any(f"upstream={a}, {b} status=502, 200" in line for line in after), after
    finally:
        server_a.start()
        server_a.wait_until_ready()


def test_pages_come_gzipped_once(site):
    answer = site.visitor(**{"Accept-Encoding": "gzip"}).get(ARTICLE)

    assert answer.status == 200
    assert answer.headers.get_all("Content-Encoding") == ["gzip"]
    assert gzip.decompress(answer.body).startswith(b"<!doctype html>")


def test_static_css_comes_from_its_gz_file_with_far_future_caching(site):
    page = site.visitor().get("/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)[1]

    answer = site.visitor(**{"Accept-Encoding": "gzip"}).get(stylesheet)

    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    file = site.static_root / stylesheet.removeprefix("/static/")
    assert answer.body == file.with_name(file.name + ".gz").read_bytes()
    assert answer.headers["Cache-Control"] == "public, max-age=315360000, immutable"


def test_healthz_answers_through_the_proxy_and_is_not_logged(site):
    visitor = site.visitor()

    assert visitor.get("/healthz").text == '{"database": "ok", "cache": "ok"}'

    visitor.get("/robots.txt")
    deadline = time.monotonic() + 5
    while not any("/robots.txt" in line for line in site.proxy.log_lines()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert not any("/healthz" in line for line in site.proxy.log_lines())


def test_a_body_over_the_apps_limit_reaches_the_app_and_a_larger_one_is_refused(site):
    visitor = site.visitor("127.0.0.6")
    fields = form_fields(visitor.get("/").text, CONSENT_ACTION)

    # Over the app's DATA_UPLOAD_MAX_MEMORY_SIZE (5 MiB), under nginx's 6 MB.
    too_large_for_the_app = visitor.post(CONSENT_ACTION, fields | {"next": "x" * 5_500_000})
    too_large_for_nginx = visitor.post(CONSENT_ACTION, fields | {"next": "x" * 7_000_000})

    assert too_large_for_the_app.status == 400
    assert BAD_REQUEST_HEADING in too_large_for_the_app.text
    assert too_large_for_nginx.status == 413


def test_admin_takes_bodies_as_large_as_an_image_upload(site):
    editor = site.visitor("127.0.0.6")
    fields = form_fields(editor.get("/admin/login/").text, "/admin/login/")

    # An image of up to NEWS_IMAGE_MAX_BYTES (10 MB) and the form's text: the app judges.
    answer = editor.post("/admin/login/", fields | {"username": "x" * 12_000_000})

    assert answer.status == 400
    assert BAD_REQUEST_HEADING in answer.text
