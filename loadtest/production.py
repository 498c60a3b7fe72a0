"""The site as it runs in production, on loopback: gunicorn with sync workers and DEBUG
off, and a visitor's browser to talk to it over plain HTTP.

Shared by the load test (loadtest/run.py) and the tests that need real concurrency
(tests/production_site.py). Standard library only, so that nothing here depends on the
site's settings being loaded.
"""

import contextlib
import html.parser
import http.client
import importlib.metadata
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# Variables of the operator's shell that would make the site something else than the
# one-machine production site these tools start.
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL", "REDIS_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_environment(
    directory: Path, *, secret_key: str, database_url: str, **extra: str
) -> dict[str, str]:
    """The environment of a production site served over plain HTTP on loopback, with its
    database (unless ``database_url`` says otherwise), cache, media and static files in
    ``directory``."""
    base = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return base | {
        "DJANGO_SETTINGS_MODULE": "adda_site.settings",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://{HOST}",
        "DATABASE_URL": database_url,
        "CACHE_DIR": str(directory / "cache"),
        "MEDIA_ROOT": str(directory / "media"),
        "STATIC_ROOT": str(directory / "static"),
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run a management command of the site; its output, or RuntimeError with its errors."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def _gunicorn_options() -> list[str]:
    major, minor = re.match(r"(\d+)\.(\d+)", importlib.metadata.version("gunicorn")).groups()
    # gunicorn 25.1+ opens a control socket in the home directory, one path for every
    # instance: servers of runs side by side would take it from each other.
    return ["--no-control-socket"] if (int(major), int(minor)) >= (25, 1) else []


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    # TERM lets gunicorn finish the requests in flight and stop its workers.
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        # The workers notice that their master is gone and exit too.
        server.kill()
        server.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], *, port: int, log_path: Path, workers: int = 2, start_seconds: float = 60
) -> Iterator[subprocess.Popen]:
    """Serve the site with gunicorn on loopback until the block ends, then stop it,
    whatever happened in the block. RuntimeError if it does not answer in time."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "adda_site.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{port}",
                "--timeout",
                "60",
                *_gunicorn_options(),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + start_seconds
            while True:
                try:
                    if Browser(port, timeout=5).get("/robots.txt").status == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer within {start_seconds:.0f} s:\n"
                        f"{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.2)
            yield server
        finally:
            _stop(server)


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float = 0.0


class Browser:
    """A visitor from one loopback address, keeping the site's cookies itself: the
    production cookies are Secure and plain HTTP clients would not send them back."""

    def __init__(self, port: int, address: str = HOST, timeout: float = 60) -> None:
        self.port = port
        self.address = address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> Answer:
        """One request on a new connection (sync workers close it after each answer);
        OSError or http.client.HTTPException if no answer comes in time."""
        connection = http.client.HTTPConnection(
            HOST, self.port, timeout=self.timeout, source_address=(self.address, 0)
        )
        headers = {"Host": HOST, "Referer": f"http://{HOST}:{self.port}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            seconds = time.perf_counter() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return Answer(response.status, text, dict(response.headers), seconds)
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        try:
            cookie = SimpleCookie(header)
        except CookieError:
            return
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0":  # how Django deletes a cookie
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict) -> Answer:
        return self.request("POST", path, fields)


class _Forms(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = {}
            self.forms.append((attributes.get("action", ""), self._current))
        elif tag == "input" and self._current is not None and attributes.get("type") == "hidden":
            self._current[attributes.get("name", "")] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, time stamp) of the form posting to ``action``;
    LookupError if the page has no such form."""
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if form_action.split("?")[0].split("#")[0] == action:
            return fields
    raise LookupError(f"no form posting to {action}")
