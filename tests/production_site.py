"""The site as it runs in production, for tests that need real concurrency: gunicorn with
two sync workers, DEBUG off, on its own SQLite file (or DATABASE_URL), on loopback.

The server and the browser are the load test's (loadtest/production.py)."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loadtest.production import (
    Answer,
    Browser,
    form_fields,
    free_port,
    gunicorn,
    manage,
    production_environment,
)

__all__ = ["Answer", "Browser", "Site", "environment", "form_fields", "production_site"]

SECRET_KEY = "production-like-test-key-" + "x" * 40


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return production_environment(
        tmp_path,
        secret_key=SECRET_KEY,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )


@dataclass
class Site:
    port: int
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        return manage(self.env, *args, timeout=120)


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
    with gunicorn(site.env, port=site.port, log_path=tmp_path / "gunicorn.log", start_seconds=30):
        yield site
