import importlib
import os
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connections

# Playwright's sync API runs an event loop in the test thread, which makes Django
# refuse ORM calls from fixtures and tests unless told this is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The system Chromium is used; Playwright must never fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import sync_playwright  # noqa: E402

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser(django_db_setup):
    executable = chromium_path()
    if executable is None:
        reason = f"Chromium is not installed ({CHROMIUM}): apt-get install chromium (README.md)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Playwright's event loop makes Django see this thread as async, and it opens
        # other connections for it than before; closed here, while still reachable,
        # so that the test database can be dropped.
        connections.close_all()


@pytest.fixture
def new_context(browser):
    """Fresh browser contexts (cookies, cache) for one test, closed after it."""
    contexts = []

    def factory(**options):
        context = browser.new_context(locale="sv-SE", **options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def csp_violations():
    """What the browser reports in the console about Content Security Policy violations
    on the `page` of the test, from its first request on."""
    return []


@pytest.fixture
def page(new_context, live_server, csp_violations):
    """A page in a fresh context that enforces the site's Content Security Policy."""
    page = new_context(base_url=live_server.url).new_page()

    def record(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            csp_violations.append(message.text)

    page.on("console", record)
    return page


@pytest.fixture
def editors_group(transactional_db):
    """The editors' group of the data migration: the database flush after each live
    server test removes it, while the permissions come back after every flush."""
    migration = importlib.import_module("news.migrations.0002_editors_group")
    # Editors also publish, which a later migration gives them.
    publishing = importlib.import_module("news.migrations.0009_writers_and_first_versions")
    group, _created = Group.objects.get_or_create(name=migration.EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="news",
            codename__in=[*migration.NEWS_PERMISSIONS, *publishing.EDITOR_PERMISSIONS],
        )
    )
    return group


@pytest.fixture
def editor(editors_group, editor):
    return editor


AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
})"""


@pytest.fixture
def axe_violations(new_context, live_server):
    """Audit a page with axe-core: a line per WCAG 2.0/2.1 A/AA violation found."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS}): run `npm ci` in the project root")
    # The site's Content Security Policy would block the injected axe script.
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()

    def audit(path: str) -> list[str]:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        page.add_script_tag(path=AXE_JS)
        results = page.evaluate(AXE_RUN)
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']]}"
            for violation in results["violations"]
        ]

    return audit


# Consent

CONSENT_DEFAULTS = importlib.import_module("consent.migrations.0002_default_categories")
# What Matomo's matomo.js does that matters here: a tracking request to the tracker URL
# the page's snippet configured, and two first-party cookies set from the page.
FAKE_MATOMO_JS = """(function () {
  var tracker = "", site = "";
  (window._paq || []).forEach(function (call) {
    if (call[0] === "setTrackerUrl") tracker = call[1];
    if (call[0] === "setSiteId") site = call[1];
  });
  document.cookie =
    "_pk_id.1.abcd=0123456789abcdef.1700000000.; path=/; max-age=33696000; SameSite=Lax";
  document.cookie = "_pk_ses.1.abcd=1; path=/; max-age=1800; SameSite=Lax";
  new Image().src = tracker + "?idsite=" + site + "&rec=1&url=" + encodeURIComponent(location.href);
})();
"""


@pytest.fixture
def consent_categories(transactional_db):
    """The cookie categories and declared cookies of the data migration, which the
    database flush after each live server test removes."""
    from consent.models import Cookie, CookieCategory

    for data in CONSENT_DEFAULTS.CATEGORIES:
        fields = {key: value for key, value in data.items() if key != "cookies"}
        category, _created = CookieCategory.objects.get_or_create(
            slug=fields["slug"], defaults=fields
        )
        for name, provider, purpose, duration in data["cookies"]:
            Cookie.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "provider": provider,
                    "purpose": purpose,
                    "duration": duration,
                },
            )
    cache.clear()  # the policy is cached
    return CookieCategory.objects.all()


class FakeAnalyticsHost:
    """A stand-in for a Matomo server on another port: another host for the browser."""

    def __init__(self):
        self.paths: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.paths.append(self.path)
                if urlsplit(self.path).path == "/matomo.js":
                    body, content_type = FAKE_MATOMO_JS.encode(), "text/javascript"
                else:
                    body, content_type = b"", "image/gif"
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.netloc = urlsplit(self.url).netloc
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def requested(self, path: str) -> bool:
        return any(urlsplit(p).path == path for p in self.paths)

    def wait_for(self, path: str, timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.requested(path):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.url} got no request for {path}, only {self.paths}")
            time.sleep(0.02)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def fake_matomo(settings, consent_categories):
    """Matomo configured to a fake analytics host the test controls."""
    host = FakeAnalyticsHost()
    settings.MATOMO_URL = host.url
    settings.MATOMO_SITE_ID = "1"
    cache.clear()  # the policy, Matomo's snippet included, is cached
    yield host
    host.close()
    cache.clear()


@pytest.fixture
def visitor(new_context, live_server, consent_categories):
    """A page in a fresh context with the given options (``java_script_enabled``,
    ``extra_http_headers``, ``viewport``…) that enforces the site's CSP."""

    def factory(**options):
        return new_context(base_url=live_server.url, **options).new_page()

    return factory


@pytest.fixture
def other_hosts_requested(live_server):
    """Start recording what a page requests from any host but the site's own."""
    own = urlsplit(live_server.url).netloc

    def start(page) -> list[str]:
        urls = []

        def record(request):
            url = urlsplit(request.url)
            if url.scheme not in ("data", "blob") and url.netloc != own:
                urls.append(request.url)

        page.on("request", record)
        return urls

    return start


@pytest.fixture
def axe_audit():
    """Audit a page as it is now (after clicks, without reloading) with axe-core; its
    context must be opened with ``bypass_csp=True``. A line per WCAG 2.0/2.1 A/AA
    violation."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS}): run `npm ci` in the project root")

    def audit(page) -> list[str]:
        page.add_script_tag(path=AXE_JS)
        results = page.evaluate(AXE_RUN)
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']]}"
            for violation in results["violations"]
        ]

    return audit
