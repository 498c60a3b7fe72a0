"""`make bench`: how fast the site serves anonymous pages in production mode.

    python -m loadtest.bench

Builds a SQLite database with BENCH_ARTICLES articles (2,000) and 200 published comments
and 5 categories on the measured article, serves it with gunicorn (two sync workers, DEBUG
off) on 127.0.0.1 twice, with the page cache and without (PAGE_CACHE_SECONDS=0), and
measures with wrk at 16 connections, asking for gzip as browsers do, in interleaved rounds
so that the ratios hold on a noisy machine: the article from the cache and rendered,
/nyheter/ page 1 and page 50 and a search (rendered), and /robots.txt as the floor (a small
fixed answer from a Django view through the whole middleware stack). It prints requests/s,
p50, p99 and errors for each, each one's ratio to the floor, the memory (RSS) of the
workers after 10,000 and 20,000 more rendered article requests, and whether the targets of
issue 11 are met.
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

ARTICLE = "/nyheter/nyhet-0/"
# (server, path): "cached" runs with the page cache, "rendered" with it off.
PAGES = {
    "article, cached": ("cached", ARTICLE),
    "article, rendered": ("rendered", ARTICLE),
    "list page 1": ("rendered", "/nyheter/"),
    "list page 50": ("rendered", "/nyheter/?sida=50"),
    "search": ("rendered", "/nyheter/sok/?q=samarbete"),
    "floor (robots.txt)": ("cached", "/robots.txt"),
}
FLOOR = "floor (robots.txt)"
# Wagtail 8 serving an article on this kind of machine (issue 11).
WAGTAIL_ARTICLE_RATE = 200


def wrk(url: str, seconds: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
        + ["-H", "Accept-Encoding: gzip, deflate, br", url],
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
        cached_port, rendered_port = free_port(), free_port()
        with (
            gunicorn(env, port=cached_port, log_path=directory / "cached.log"),
            gunicorn(
                env | {"PAGE_CACHE_SECONDS": "0"},
                port=rendered_port,
                log_path=directory / "rendered.log",
            ) as rendered_server,
        ):
            bases = {
                "cached": f"http://{HOST}:{cached_port}",
                "rendered": f"http://{HOST}:{rendered_port}",
            }
            urls = {name: bases[server] + path for name, (server, path) in PAGES.items()}
            for url in urls.values():  # warm up: caches, imports, connections
                wrk(url, 1)
            results = {name: [] for name in PAGES}
            for _round in range(ROUNDS):
                for name, url in urls.items():
                    results[name].append(wrk(url, SECONDS))
            best = {name: max(runs, key=lambda r: r["rate"]) for name, runs in results.items()}
            errors = {name: sum(run["errors"] for run in runs) for name, runs in results.items()}
            floor = best[FLOOR]["rate"] or 1.0
            print(f"\nwrk, {CONNECTIONS} connections, best of {ROUNDS} rounds of {SECONDS} s:")
            header = ("page", "req/s", "p50 ms", "p99 ms", "errors", "of floor")
            print("{:<20} {:>9} {:>8} {:>8} {:>7} {:>9}".format(*header))
            for name, result in best.items():
                print(
                    f"{name:<20} {result['rate']:>9.1f} {result['p50']:>8.2f} "
                    f"{result['p99']:>8.2f} {errors[name]:>7} {result['rate'] / floor:>8.0%}"
                )
            served, memory = 0, []
            for _half in range(2):
                # About 10,000 more rendered article requests (wrk stops on time, not
                # count), bounded to a minute each while the article is slow.
                rate = max(best["article, rendered"]["rate"], 1)
                seconds = min(60, max(2, round(10_000 / rate)))
                served += round(wrk(urls["article, rendered"], seconds)["rate"] * seconds)
                memory.append(worker_rss_mb(rendered_server.pid))
                sizes = ", ".join(f"{size:.0f}" for size in memory[-1])
                print(f"worker RSS after about {served:,} more rendered articles: {sizes} MB")

            list_ratio = best["list page 50"]["rate"] / (best["list page 1"]["rate"] or 1.0)
            growth = max(b - a for a, b in zip(*memory, strict=True))
            targets = [
                (
                    "cached article >= 50 % of the floor",
                    best["article, cached"]["rate"] / floor >= 0.5,
                ),
                (
                    f"rendered article >= 2 x Wagtail ({2 * WAGTAIL_ARTICLE_RATE} req/s)",
                    best["article, rendered"]["rate"] >= 2 * WAGTAIL_ARTICLE_RATE,
                ),
                (f"list page 50 within 20 % of page 1 ({list_ratio:.0%})", list_ratio >= 0.8),
                ("no errors", not any(errors.values())),
                (
                    f"worker RSS under 120 MB and flat (grew {growth:.1f} MB)",
                    max(memory[-1]) < 120 and growth < 5,
                ),
            ]
            print("\nTargets (issue 11):")
            for label, met in targets:
                print(f"  {'met    ' if met else 'NOT MET'}  {label}")
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
