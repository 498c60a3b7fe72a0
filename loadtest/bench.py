"""`make bench`: how fast the site serves anonymous pages in production mode.

    python -m loadtest.bench

Builds a SQLite database with BENCH_ARTICLES articles (2,000) and 200 published comments
on the measured article, serves it with gunicorn (two sync workers, DEBUG off) on
127.0.0.1, and measures with wrk at 16 connections, in interleaved rounds so that the
ratios hold on a noisy machine: an article, /nyheter/ page 1 and page 50, a search, and
/robots.txt as the floor (a small fixed answer through the whole middleware stack). It
prints requests/s, p50, p99 and errors for each, each one's ratio to the floor, and then
the memory (RSS) of a worker after 10,000 and 20,000 more requests.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .production import HOST, free_port, gunicorn, manage, production_environment

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "2000"))
CONNECTIONS = 16

FILL = """
from datetime import timedelta
from django.utils import timezone
from comments.models import Comment
from news.models import Article, Category

now = timezone.now()
categories = [Category.objects.create(name=f"Kategori {n}", slug=f"kategori-{n}") for n in range(5)]
Article.objects.bulk_create(
    Article(
        title=f"Nyhet nummer {n}",
        slug=f"nyhet-{n}",
        lead=f"Ingress till nyhet nummer {n} om kommunernas samarbete.",
        body="<p>Brödtext.</p>" * 20,
        body_html="<p>Brödtext.</p>" * 20,
        status="published",
        published_at=now - timedelta(hours=n + 1),
    )
    for n in range(ARTICLE_COUNT)
)
measured = Article.objects.get(slug="nyhet-0")
measured.categories.set(categories)
Comment.objects.bulk_create(
    Comment(
        article=measured,
        name=f"Besökare {n}",
        email=f"besokare{n}@example.se",
        text=f"Kommentar nummer {n}.",
        status="published",
    )
    for n in range(200)
)
"""

PAGES = {
    "article": "/nyheter/nyhet-0/",
    "list page 1": "/nyheter/",
    "list page 50": "/nyheter/?sida=50",
    "search": "/nyheter/sok/?q=samarbete",
    "floor (robots.txt)": "/robots.txt",
}


def wrk(url: str, seconds: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    out = result.stdout

    def milliseconds(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rate": float(rate[1]) if rate else 0.0,
        "p50": milliseconds("50%"),
        "p99": milliseconds("99%"),
        "errors": (int(non_2xx[1]) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def worker_rss_mb(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024)
    return sizes


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    directory = Path(tempfile.mkdtemp(prefix="adda-bench-"))
    env = production_environment(
        directory,
        secret_key=secrets.token_urlsafe(50),
        database_url=f"sqlite:///{directory / 'db.sqlite3'}",
        CONSENT_RECORD_KEY=secrets.token_urlsafe(50),
    )
    try:
        print(f"Building {ARTICLES} articles and 200 comments in {directory}…", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "shell", "-c", FILL.replace("ARTICLE_COUNT", str(ARTICLES)))
        port = free_port()
        with gunicorn(env, port=port, log_path=directory / "gunicorn.log") as server:
            base = f"http://{HOST}:{port}"
            for path in PAGES.values():  # warm up: caches, imports, connections
                wrk(base + path, 1)
            results = {name: [] for name in PAGES}
            for _round in range(ROUNDS):
                for name, path in PAGES.items():
                    results[name].append(wrk(base + path, SECONDS))
            best = {name: max(runs, key=lambda r: r["rate"]) for name, runs in results.items()}
            floor = best["floor (robots.txt)"]["rate"] or 1.0
            print(f"\nwrk, {CONNECTIONS} connections, best of {ROUNDS} rounds of {SECONDS} s:")
            header = ("page", "req/s", "p50 ms", "p99 ms", "errors", "of floor")
            print("{:<20} {:>9} {:>8} {:>8} {:>7} {:>9}".format(*header))
            for name, result in best.items():
                errors = sum(run["errors"] for run in results[name])
                print(
                    f"{name:<20} {result['rate']:>9.1f} {result['p50']:>8.2f} "
                    f"{result['p99']:>8.2f} {errors:>7} {result['rate'] / floor:>8.0%}"
                )
            article = base + PAGES["article"]
            served = 0
            for _half in range(2):
                # About 10,000 more requests to the article (wrk stops on time, not count),
                # bounded to a minute while the article is slow.
                seconds = min(60, max(2, round(10_000 / max(best["article"]["rate"], 1))))
                served += round(wrk(article, seconds)["rate"] * seconds)
                sizes = ", ".join(f"{size:.0f}" for size in worker_rss_mb(server.pid))
                print(f"worker RSS after about {served:,} more article requests: {sizes} MB")
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
