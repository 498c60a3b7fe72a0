"""`make loadtest`: the site in production mode under concurrent visitors, then a count
through the database that every write answered with success was stored exactly once.

    python -m loadtest.run

It builds the demo content in a database of its own (a SQLite file in a temporary
directory, or with DATABASE_URL a new database on that PostgreSQL server, dropped at the
end), serves it with gunicorn (two sync workers, DEBUG off) on 127.0.0.1 and lets
LOADTEST_VISITORS visitors (20) browse for LOADTEST_SECONDS (60), or until
LOADTEST_MAX_REQUESTS (20000) requests: 80 % reads of articles, lists and search, 10 %
cookie choices, 10 % comments written in a fresh form. Each visitor comes from its own
loopback address, 127.0.0.2 and up, and moves to a new one after a few writes, so that
the per-address rate limits see many visitors. It exits 1 if a write answered with
success was lost or stored twice, or if any answer was a 5xx, missing or unexpected.
"""

import contextlib
import http.client
import ipaddress
import itertools
import math
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from .production import (
    HOST,
    NOT_INHERITED,
    ROOT,
    Answer,
    Browser,
    form_fields,
    free_port,
    gunicorn,
    manage,
    production_environment,
)

WORKERS = 2
# Every request gives up after this long; a visitor that got no answer starts afresh.
REQUEST_TIMEOUT = 30
# A new address (and a new browser) after this many writes: under the comment limit
# (5 per address and 10 minutes) and far under the consent limit (30).
WRITES_PER_ADDRESS = 4
SEARCH_TERMS = [
    "upphandling",
    "digitalisering",
    "kommuner",
    "klimat",
    "tillgänglighet",
    "innovation",
    "AI",
    "öppen källkod",
    "molntjänster",
    "ingenting-matchar-detta",
]
# The log lines of a server in trouble.
LOG_ALARMS = ("Traceback", "[ERROR]", "[CRITICAL]", "Internal Server Error", "database is locked")


class Finished(Exception):
    """The load is over: the time is up or the request budget is spent."""


@dataclass(frozen=True)
class Config:
    seconds: int
    visitors: int
    max_requests: int
    server_url: str  # a PostgreSQL server to create our database on, or "" for SQLite


def _positive(name: str, default: int, highest: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) <= highest:
        raise ValueError(f"{name} must be a whole number from 1 to {highest}, not {value!r}.")
    return int(value)


def read_config() -> Config:
    server_url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(server_url)
    if parts.scheme in ("postgres", "postgresql"):
        host = parts.hostname or ""
        # Empty: a Unix socket, on this machine too.
        if host not in ("", "localhost") and not _is_loopback(host):
            raise ValueError(
                f"DATABASE_URL must name a PostgreSQL server on this machine "
                f"(127.0.0.0/8), not {host!r}: the load test creates a database on it."
            )
    elif server_url and not server_url.startswith("sqlite:"):
        raise ValueError("DATABASE_URL must be a postgres:// server address (or unset: SQLite).")
    else:
        server_url = ""  # SQLite: always a new file of our own, never the one named
    return Config(
        seconds=_positive("LOADTEST_SECONDS", 60, 3600),
        visitors=_positive("LOADTEST_VISITORS", 20, 500),
        max_requests=_positive("LOADTEST_MAX_REQUESTS", 20_000, 1_000_000),
        server_url=server_url,
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def say(text: str) -> None:
    print(text, flush=True)


# The database


@contextlib.contextmanager
def database(config: Config, directory: Path) -> Iterator[str]:
    """The address of a new, empty database for this run, removed afterwards."""
    if not config.server_url:
        yield f"sqlite:///{directory / 'db.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    # libpq reads postgres:// and postgresql:// addresses itself.
    server = config.server_url
    name = f"adda_loadtest_{os.getpid()}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise RuntimeError(f"Could not create the database {name}: {error}") from error
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        from django.apps import apps
        from django.db import connections

        if apps.ready:  # the count's connection, if it got that far
            connections.close_all()
        try:
            with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
                # FORCE: a worker killed mid-request may leave its session behind.
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        except psycopg.Error as error:
            say(f"Could not drop the database {name}, drop it by hand: {error}")


def build(env: dict[str, str]) -> None:
    """Migrate, load the demo content and collect the static files (compressing them
    takes longest, so beside the rest)."""
    static = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo_content", "--verbosity", "0")
        _, errors = static.communicate(timeout=600)
    finally:
        if static.poll() is None:
            static.kill()
            static.wait()
    if static.returncode != 0:
        raise RuntimeError(f"manage.py collectstatic failed:\n{errors}")


def use_site_settings(env: dict[str, str]) -> None:
    """Load the site's settings in this process, on the same database, for the count."""
    for key in NOT_INHERITED:
        os.environ.pop(key, None)
    os.environ.update(env)
    import django

    django.setup()


# What the visitors do


@dataclass(frozen=True)
class SiteMap:
    """The addresses the visitors use, read from the demo content before the load."""

    reads: list[str]
    banner_pages: list[str]
    comment_forms: list[tuple[str, str]]  # article page, address the form posts to
    banner_action: str
    settings_action: str
    optional_categories: list[str]
    accept_all: str
    only_necessary: str
    cookie_name: str
    form_min_seconds: float


def site_map() -> SiteMap:
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from comments.submission import comments_open
    from consent.forms import BannerChoiceForm
    from consent.models import CookieCategory
    from news.models import Article, Category

    articles = list(Article.objects.published())
    categories = list(Category.objects.having_published_news())
    optional = list(CookieCategory.objects.filter(is_required=False).values_list("slug", flat=True))
    connections.close_all()
    if not articles:
        raise RuntimeError("The demo content has no published article.")
    article_pages = [article.get_absolute_url() for article in articles]
    list_pages = [
        reverse("news:list") + (f"?sida={number}" if number > 1 else "")
        for number in range(1, math.ceil(len(articles) / settings.NEWS_PAGE_SIZE) + 1)
    ]
    category_pages = [category.get_absolute_url() for category in categories]
    search = reverse("news:search")
    searches = [f"{search}?{urlencode({'q': term})}" for term in SEARCH_TERMS]
    # Weighted by repetition: half article pages, then search, the lists and the start.
    reads = (
        article_pages * 4
        + searches * max(1, len(article_pages) // 4)
        + (list_pages + category_pages) * max(1, len(article_pages) // 8)
        + [reverse("home")] * max(1, len(article_pages) // 4)
    )
    return SiteMap(
        reads=reads,
        banner_pages=[reverse("home"), *article_pages],
        comment_forms=[
            (article.get_absolute_url(), reverse("comments:post", args=[article.slug]))
            for article in articles
            if comments_open(article)
        ],
        banner_action=reverse("consent:choice"),
        settings_action=reverse("consent:settings"),
        optional_categories=optional,
        accept_all=BannerChoiceForm.ACCEPT_ALL,
        only_necessary=BannerChoiceForm.ONLY_NECESSARY,
        cookie_name=settings.CONSENT_COOKIE_NAME,
        form_min_seconds=settings.FORM_MIN_SECONDS,
    )


@dataclass
class Load:
    """What the visitors did and were answered, shared by their threads."""

    max_requests: int
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    # (kind, status, seconds); status 0: no answer (timeout, connection refused or reset)
    samples: list[tuple[str, int, float]] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)
    comments_ok: list[str] = field(default_factory=list)
    comments_refused: int = 0
    consent_ok: int = 0
    # Per consent id, how many choices were answered with success and a new cookie.
    consent_expected: Counter = field(default_factory=Counter)
    # Answered with success, but no new choice came back in the cookie.
    consent_unsaved: int = 0
    consent_refused: int = 0
    # Consent ids with a choice that got no answer: it may or may not have been recorded.
    consent_unanswered: set = field(default_factory=set)
    crashes: list[str] = field(default_factory=list)
    last_answer_at: float = 0.0
    seconds: float = 0.0
    stuck_visitors: int = 0

    def take(self, *, finishing: bool = False) -> None:
        """Count a request against the budget; Finished if the load is over. A post
        ``finishing`` a form the visitor already has may still go after the time is up."""
        with self.lock:
            if self.sent >= self.max_requests:
                self.stop.set()
            if self.stop.is_set() and not (finishing and self.sent < self.max_requests):
                raise Finished
            self.sent += 1

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.samples.append((kind, status, seconds))
            self.last_answer_at = time.monotonic()

    def note(self, problem: str) -> None:
        with self.lock:
            self.unexpected[problem] += 1


_addresses = itertools.count(2)
_addresses_lock = threading.Lock()


def next_address() -> str:
    """127.0.0.2, 127.0.0.3, …: loopback is a whole /8 on Linux, no set-up needed."""
    with _addresses_lock:
        number = next(_addresses)
    return str(ipaddress.IPv4Address("127.0.0.0") + number)


class Visitor:
    def __init__(self, load: Load, site: SiteMap, port: int) -> None:
        self.load = load
        self.site = site
        self.port = port
        self.random = random.Random()
        self.arrive()

    def arrive(self) -> None:
        """A new visitor: another address, no cookies, no choice made."""
        self.browser = Browser(self.port, next_address(), timeout=REQUEST_TIMEOUT)
        self.writes = 0
        self.consent_id: str | None = None
        self.allowed: frozenset[str] | None = None

    def run(self) -> None:
        try:
            while not self.load.stop.is_set():
                roll = self.random.random()
                if roll < 0.8:
                    self.send("read", "GET", self.random.choice(self.site.reads))
                elif roll < 0.9:
                    self.choose_cookies()
                else:
                    self.comment()
                if self.writes >= WRITES_PER_ADDRESS:
                    self.arrive()
        except Finished:
            pass
        except Exception:
            with self.load.lock:
                self.load.crashes.append(traceback.format_exc())

    def send(self, kind: str, method: str, path: str, fields: dict | None = None) -> Answer | None:
        self.load.take(finishing=method == "POST")
        started = time.perf_counter()
        try:
            answer = self.browser.request(method, path, fields)
        except (OSError, http.client.HTTPException) as error:
            self.load.record(kind, 0, time.perf_counter() - started)
            self.load.note(f"{kind}: no answer to {method} {path.split('?')[0]}: {error!r}")
            return None
        self.load.record(kind, answer.status, time.perf_counter() - started)
        expected = {200} if method == "GET" else {302, 429}
        if answer.status not in expected:
            self.load.note(f"{kind}: {answer.status} for {method} {path.split('?')[0]}")
        return answer

    def form(self, page: str, action: str, *, missing: str = "") -> dict[str, str] | None:
        """The hidden fields of the form on ``page`` posting to ``action``; None if the
        page did not come (already noted) or has no such form (noted as ``missing``)."""
        answer = self.send("read", "GET", page)
        if answer is None or answer.status != 200:
            return None
        try:
            return form_fields(answer.body, action)
        except LookupError:
            if missing:
                self.load.note(missing)
            return None

    def choose_cookies(self) -> None:
        """Accept or reject on the banner first, then change their mind on the settings
        page: every choice differs from the one before, so each is recorded."""
        site = self.site
        fields = None
        if self.allowed is None:
            fields = self.form(self.random.choice(site.banner_pages), site.banner_action)
            action = site.banner_action
            if fields is not None:
                accept = self.random.random() < 0.5
                fields["choice"] = site.accept_all if accept else site.only_necessary
        if fields is None:
            action = site.settings_action
            fields = self.form(action, action, missing="consent: no form on the settings page")
            if fields is None:
                return
            all_allowed = self.allowed is not None and set(site.optional_categories) <= self.allowed
            fields["categories"] = [] if all_allowed else site.optional_categories
        before = self.browser.cookies.get(site.cookie_name)
        answer = self.send("consent", "POST", action, fields)
        self.writes += 1
        if answer is None:
            # It may have been recorded or not: this id is not counted exactly.
            if self.consent_id:
                with self.load.lock:
                    self.load.consent_unanswered.add(self.consent_id)
            self.arrive()
            return
        if answer.status == 429:
            with self.load.lock:
                self.load.consent_refused += 1
            return
        if answer.status != 302:
            return
        after = self.browser.cookies.get(site.cookie_name)
        with self.load.lock:
            self.load.consent_ok += 1
            if not after or after == before:
                self.load.consent_unsaved += 1
                return
            self.consent_id, self.allowed = read_choice(after)
            self.load.consent_expected[self.consent_id] += 1

    def comment(self) -> None:
        page, action = self.random.choice(self.site.comment_forms)
        fields = self.form(page, action, missing="comment: no comment form on an article page")
        if fields is None:
            return
        # A person takes longer than the form's minimum time; this visitor waits, the
        # others go on.
        time.sleep(self.site.form_min_seconds + self.random.uniform(0.3, 2.0))
        marker = uuid.uuid4().hex
        text = f"Lasttest {marker}: en kommentar skriven under belastning."
        fields |= {
            "name": "Lasttestare",
            "email": f"lasttest-{marker}@example.se",
            "text": text,
            "hp_kontroll": "",
        }
        answer = self.send("comment", "POST", action, fields)
        self.writes += 1
        if answer is None:
            self.arrive()
        elif answer.status == 302:
            # Success sends the visitor back to the article with a thank-you.
            if "kommentar=" not in answer.headers.get("Location", ""):
                self.load.note(f"comment: 302 to {answer.headers.get('Location')}")
                return
            with self.load.lock:
                self.load.comments_ok.append(text)
        elif answer.status == 429:
            with self.load.lock:
                self.load.comments_refused += 1


def read_choice(value: str) -> tuple[str, frozenset[str]]:
    """The consent id and the allowed categories in the site's signed consent cookie."""
    from django.core import signing

    from consent.cookie import SALT

    data = signing.loads(value, salt=SALT)
    return str(data["id"]), frozenset(data["allowed"])


def run_load(config: Config, site: SiteMap, port: int) -> Load:
    load = Load(max_requests=config.max_requests)
    threads = [
        threading.Thread(target=Visitor(load, site, port).run, name=f"visitor-{n}", daemon=True)
        for n in range(config.visitors)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    load.stop.wait(config.seconds)  # set early when the request budget is spent
    load.stop.set()
    # Visitors finish what they are doing: at most a comment form's wait and a request.
    deadline = time.monotonic() + site.form_min_seconds + 2 + REQUEST_TIMEOUT + 5
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    load.seconds = (load.last_answer_at or time.monotonic()) - started
    load.stuck_visitors = sum(thread.is_alive() for thread in threads)
    return load


# The count


@dataclass
class WriteCount:
    ok: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    refused: int = 0


def count_comments(load: Load) -> WriteCount:
    from comments.models import Comment

    rows = Counter(Comment.objects.values_list("text", flat=True))
    result = WriteCount(ok=len(load.comments_ok), refused=load.comments_refused)
    for text in load.comments_ok:
        stored = rows[text]
        result.stored += min(stored, 1)
        result.lost += stored == 0
        result.duplicated += max(0, stored - 1)
    return result


def count_consent(load: Load) -> WriteCount:
    from consent.models import ConsentRecord

    rows = Counter(ConsentRecord.objects.values_list("consent_id", flat=True))
    result = WriteCount(ok=load.consent_ok, refused=load.consent_refused)
    result.lost = load.consent_unsaved
    for consent_id, expected in load.consent_expected.items():
        recorded = rows[consent_id]
        # A choice that got no answer may have been recorded as well.
        allowance = 1 if consent_id in load.consent_unanswered else 0
        result.stored += min(recorded, expected)
        result.lost += max(0, expected - recorded)
        result.duplicated += max(0, recorded - expected - allowance)
    return result


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000


def latency(samples: list[tuple[str, int, float]]) -> str:
    seconds = [s for _kind, _status, s in samples]
    if not seconds:
        return "-"
    return f"p50 {percentile(seconds, 0.5):6.1f} ms  p99 {percentile(seconds, 0.99):7.1f} ms"


def report(
    load: Load,
    comments: WriteCount,
    consent: WriteCount,
    chain: str,
    log_lines: list[str],
) -> bool:
    """Print the outcome; whether the site passed."""
    samples = load.samples
    statuses = Counter(status for _kind, status, _seconds in samples)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    no_answer = statuses.get(0, 0)
    say("")
    rate = len(samples) / load.seconds
    say(f"requests        {len(samples)} in {load.seconds:.1f} s: {rate:.1f}/s")
    say(f"latency         {latency(samples)}")
    for kind, label in (("read", "reads"), ("consent", "cookie choices"), ("comment", "comments")):
        ours = [sample for sample in samples if sample[0] == kind]
        say(f"  {label:<14}{len(ours):6}  {latency(ours)}")
    say(
        "statuses        "
        + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items()))
    )
    for label, count in (("comments", comments), ("cookie choices", consent)):
        say(
            f"{label:<16}ok {count.ok}, stored {count.stored}, lost {count.lost}, "
            f"duplicated {count.duplicated} (refused with 429: {count.refused})"
        )
    say(f"consent chain   {chain}")
    say(f"5xx             {server_errors}")
    unexpected = sum(load.unexpected.values()) - server_errors - no_answer
    if load.unexpected:
        say("unexpected answers:")
        for problem, times in load.unexpected.most_common(10):
            say(f"  {times:5} x {problem}")
    alarms = [line for line in log_lines if any(alarm in line for alarm in LOG_ALARMS)]
    say(f"server log      {len(alarms)} error lines")
    for line in list(dict.fromkeys(alarms))[:10]:
        say(f"  {line}")
    for crash in load.crashes[:3]:
        say(f"visitor crashed:\n{crash}")
    failures = [
        (comments.lost + consent.lost, "writes answered with success were lost"),
        (comments.duplicated + consent.duplicated, "writes were stored twice"),
        (server_errors, "answers were 5xx"),
        (no_answer, "requests got no answer"),
        (unexpected, "answers were unexpected"),
        (len(alarms), "error lines in the server log"),
        (load.stuck_visitors, "visitors did not finish"),
        (len(load.crashes), "visitors crashed"),
    ]
    failed = [f"{number} {what}" for number, what in failures if number]
    if not chain.startswith("intact"):
        failed.append("the consent record chain is broken")
    if not samples:
        failed.append("no requests were made")
    say("")
    if failed:
        say("FAILED: " + "; ".join(failed) + ".")
        return False
    say("OK: every write answered with success is stored exactly once, and no answer was a 5xx.")
    return True


def verify_chain(env: dict[str, str]) -> str:
    try:
        output = manage(env, "verify_consent_chain")
    except RuntimeError as error:
        return f"BROKEN: {str(error).strip().splitlines()[-1]}"
    count = next(
        (
            line.split(":", 1)[1].strip()
            for line in output.splitlines()
            if line.startswith("Count:")
        ),
        "?",
    )
    return f"intact ({count} records)"


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    try:
        config = read_config()
    except ValueError as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2
    # Stopped from outside (a CI time limit): stop the server and drop the database too.
    signal.signal(signal.SIGTERM, _interrupt)
    directory = Path(tempfile.mkdtemp(prefix="adda-loadtest-"))
    passed = False
    try:
        with database(config, directory) as database_url:
            engine = "PostgreSQL" if config.server_url else "SQLite"
            where = urlsplit(database_url).path[1:]  # the database's name, or the file
            say(f"Building the demo content in a new {engine} database, {where}…")
            env = production_environment(
                directory,
                secret_key=secrets.token_urlsafe(50),
                database_url=database_url,
                CONSENT_RECORD_KEY=secrets.token_urlsafe(50),
            )
            started = time.monotonic()
            build(env)
            say(f"Built in {time.monotonic() - started:.0f} s.")
            use_site_settings(env)
            site = site_map()
            port = free_port()
            log_path = directory / "gunicorn.log"
            with gunicorn(env, port=port, log_path=log_path, workers=WORKERS):
                say(
                    f"gunicorn ({WORKERS} sync workers, DEBUG off, {engine}) on {HOST}:{port}: "
                    f"{config.visitors} visitors for {config.seconds} s "
                    f"(at most {config.max_requests} requests)…"
                )
                load = run_load(config, site, port)
            comments = count_comments(load)
            consent = count_consent(load)
            chain = verify_chain(env)
            passed = report(load, comments, consent, chain, log_path.read_text().splitlines())
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        say(f"FAILED: {error}")
    except KeyboardInterrupt:
        say("Interrupted.")
    finally:
        # What a failed run leaves (the server log, a SQLite database) stays for a look.
        kept = sorted(str(path) for path in directory.glob("*.*"))
        if passed or not kept:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            say("Kept: " + ", ".join(kept))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
