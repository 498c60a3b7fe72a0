"""The site as it runs in production, for tests that need real concurrency: gunicorn with
two sync workers, DEBUG off, on its own SQLite file (or DATABASE_URL), on loopback."""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "production-like-test-key-" + "x" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL", "REDIS_URL")
    }
    return base | {
        "DJANGO_SETTINGS_MODULE": "adda_site.settings",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }


@dataclass
class Site:
    port: int
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@contextlib.contextmanager
def production_site(tmp_path: Path, **extra_env: str) -> Iterator[Site]:
    """Migrate a fresh database, publish one article ("nyhet") and serve it with gunicorn."""
    site = Site(port=free_port(), env=environment(tmp_path, **extra_env))
    site.manage("migrate", "--noinput")
    site.manage("collectstatic", "--noinput")
    site.manage(
        "shell",
        "-c",
        "from news.models import Article; "
        "Article.objects.create(title='Nyhet', slug='nyhet', lead='Ingress.', status='published')",
    )
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "adda_site.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{site.port}",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if Browser(site.port).get("/robots.txt").status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.2)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


class Browser:
    """A visitor from one loopback address, keeping the site's cookies itself: the
    production cookies are Secure and plain HTTP clients would not send them back."""

    def __init__(self, port: int, address: str = "127.0.0.1", timeout: float = 60) -> None:
        self.port = port
        self.address = address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.address, 0)
        )
        headers = {"Host": "127.0.0.1", "Referer": f"http://127.0.0.1:{self.port}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Answer(response.status, text, dict(response.headers))
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict) -> Answer:
        return self.request("POST", path, fields)


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, time stamp) of the form posting to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}[^"]*"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[1]))
