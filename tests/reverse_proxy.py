"""The production topology on loopback, for tests/test_deploy_proxy.py: nginx with
deploy/nginx.conf (rendered with loopback ports, temporary paths and a throwaway
certificate) in front of two gunicorn app servers, and an HTTPS client to talk to it.

Every process is started with subprocess and stopped by its pid; nothing of the machine's
own nginx, PostgreSQL or Redis is touched beyond a database and cache keys of the test's own.
"""

import contextlib
import gzip
import html.parser
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

# The options loadtest's gunicorn runs with (no shared control socket).
from loadtest.production import ROOT, _gunicorn_options

HOST = "127.0.0.1"
CONFIG = ROOT / "deploy" / "nginx.conf"


def nginx_executable() -> str | None:
    if Path("/usr/sbin/nginx").is_file():
        return "/usr/sbin/nginx"
    return shutil.which("nginx")


def port_is_open(port: int, host: str = HOST) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


# Processes


def collectstatic(env: dict[str, str]) -> None:
    """collectstatic, as a deploy runs it, but without whitenoise's brotli files: nginx
    from Debian cannot serve them, and they are 40 of the 45 seconds it takes here."""
    code = (
        "import whitenoise.compress; whitenoise.compress.brotli_installed = False; "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'collectstatic', '--noinput'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr}")


def _stop_group(process: subprocess.Popen, *, seconds: float = 30) -> None:
    """TERM to the process group the process leads (its master waits for its workers),
    then KILL to the group if it has not ended in time."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        # Not reaped yet, so the group's id is still this process's.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class AppServer:
    """gunicorn (2 sync workers, DEBUG off) on a loopback port, in a process group of its
    own, so that the master and its workers can be killed at once, as a crash would."""

    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "adda_site.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--timeout",
                    "60",
                    *_gunicorn_options(),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                # /healthz is answered over plain HTTP (SECURE_REDIRECT_EXEMPT).
                if Visitor("http", self.port, timeout=5).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{self.log()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the master and its workers: connections in flight are cut, new ones
        are refused."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


# nginx


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, valid for a day, and its key."""
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def render(config: str, replacements: dict[str, str]) -> str:
    """``config`` with each text replaced; ValueError if one is not there, so that a change
    to deploy/nginx.conf that the test would silently miss fails instead."""
    for old, new in replacements.items():
        if old not in config:
            raise ValueError(f"deploy/nginx.conf no longer has {old!r}")
        config = config.replace(old, new)
    return config


@dataclass
class Proxy:
    http_port: int
    https_port: int
    directory: Path
    process: subprocess.Popen

    @property
    def access_log(self) -> Path:
        return self.directory / "access.log"

    def log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines()


def nginx_config(
    directory: Path,
    *,
    http_port: int,
    https_port: int,
    app_ports: tuple[int, int],
    static_root: Path,
) -> Path:
    """deploy/nginx.conf with loopback ports, paths in ``directory`` and a throwaway
    certificate; every other line as an operator would install it."""
    certificate, key = self_signed_certificate(directory)
    temporary = "".join(
        f"    {kind}_temp_path {directory / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx switches its workers to `user`; they read files of the test's
    # own (mode 700 directories). Otherwise the directive is ignored: left out.
    user = "user root;" if os.geteuid() == 0 else ""
    config = render(
        CONFIG.read_text(),
        {
            "user www-data;": user,
            "worker_processes auto;": "worker_processes 2;",
            "pid /run/nginx.pid;": f"pid {directory / 'nginx.pid'};",
            "error_log /var/log/nginx/error.log warn;": (
                f"error_log {directory / 'error.log'} warn;"
            ),
            "access_log /var/log/nginx/adda.access.log adda;": (
                f"access_log {directory / 'access.log'} adda;"
            ),
            "http {\n": "http {\n" + temporary,
            "listen 80;": f"listen {HOST}:{http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen {HOST}:{https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server_name nyheter.example.se;": f"server_name {HOST};",
            # The visitor's port is not the standard one here.
            "return 301 https://$host$request_uri;": (
                f"return 301 https://$host:{https_port}$request_uri;"
            ),
            "/etc/ssl/adda/CHANGE-ME-fullchain.pem": str(certificate),
            "/etc/ssl/adda/CHANGE-ME-privkey.pem": str(key),
            "server 10.0.0.11:8000 ": f"server {HOST}:{app_ports[0]} ",
            "server 10.0.0.12:8000 ": f"server {HOST}:{app_ports[1]} ",
            "alias /srv/adda/staticfiles/;": f"alias {static_root}/;",
        },
    )
    path = directory / "nginx.conf"
    path.write_text(config)
    return path


def check_config(config: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the rendered file."""
    return subprocess.run(
        [nginx_executable(), "-t", "-p", str(config.parent), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@contextlib.contextmanager
def nginx(config: Path, *, http_port: int, https_port: int) -> Iterator[Proxy]:
    """nginx in the foreground with ``config`` until the block ends, then stopped by pid."""
    directory = config.parent
    with open(directory / "nginx.out", "w") as out:
        process = subprocess.Popen(
            [nginx_executable(), "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 15
        while not (port_is_open(http_port) and port_is_open(https_port)):
            if process.poll() is not None or time.monotonic() > deadline:
                errors = (directory / "nginx.out").read_text()
                with contextlib.suppress(FileNotFoundError):
                    errors += (directory / "error.log").read_text()
                raise RuntimeError(f"nginx did not start:\n{errors[-3000:]}")
            time.sleep(0.1)
        yield Proxy(http_port, https_port, directory, process)
    finally:
        # TERM is nginx's fast shutdown; the master stops its workers.
        _stop_group(process, seconds=10)


# The visitor


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        body = self.body
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", "replace")


@dataclass
class Visitor:
    """A browser on one loopback address, over HTTP or HTTPS, keeping the site's cookies
    itself (they are Secure, and it may talk plain HTTP to an app server directly).
    ``certificate``: the certificate an HTTPS server must present; ``origin``: the site's
    address as the browser shows it (its Referer), by default the server it talks to."""

    scheme: str
    port: int
    address: str = HOST
    certificate: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    timeout: float = 60
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.origin = self.origin or f"{self.scheme}://{HOST}:{self.port}"

    def _connection(self) -> http.client.HTTPConnection:
        source = (self.address, 0)
        if self.scheme == "http":
            return http.client.HTTPConnection(
                HOST, self.port, timeout=self.timeout, source_address=source
            )
        context = ssl.create_default_context(cafile=self.certificate)
        return http.client.HTTPSConnection(
            HOST, self.port, timeout=self.timeout, source_address=source, context=context
        )

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request on a new connection."""
        sent = {"Referer": f"{self.origin}{path}"} | self.headers | (headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            body = urlencode(fields, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            self._keep(header)
        return reply

    def _keep(self, header: str) -> None:
        try:
            cookie = SimpleCookie(header)
        except CookieError:
            return
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **options) -> Reply:
        return self.request("GET", path, **options)

    def post(self, path: str, fields: dict, **options) -> Reply:
        return self.request("POST", path, fields, **options)


class _Form(html.parser.HTMLParser):
    """What a browser would send from the form with ``form_id``: every named input, checked
    box, selected option and textarea, but no file and no button."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._inside = a.get("id") == self.form_id
        if not self._inside or (not a.get("name") and tag != "option"):
            return
        kind = a.get("type", "text")
        if tag == "input" and kind not in ("file", "submit", "button", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_values(page: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form with ``form_id`` as a browser would send them unchanged."""
    parser = _Form(form_id)
    parser.feed(page)
    if not parser.fields:
        raise LookupError(f"no form with id {form_id!r}")
    values: dict[str, list[str]] = {}
    for name, value in parser.fields:
        values.setdefault(name, []).append(value)
    return values
