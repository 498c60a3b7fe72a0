import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "x7#kP2!vQ9zL4mN8rT1wY6uE3oI5aS0dF-gH_jK=lZ+xC*vB&n%Wq^eR"


def manage(*args, **env):
    # As a production shell would: none of the development or browser-test variables.
    unset = (
        "DEBUG",
        "SECRET_KEY",
        "SITE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
    )
    base = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_stops_the_site_with_a_clear_message():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_site_url_stops_the_site_with_a_clear_message():
    result = manage("check", SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: SITE_URL must be set when DEBUG is off, "
        "to the site's address such as https://nyheter.example.se."
    )


@pytest.mark.parametrize("site_url", ["nyheter.example.se", "ftp://nyheter.example.se", "https://"])
def test_site_url_that_is_not_an_absolute_web_address_stops_the_site(site_url):
    result = manage("check", SECRET_KEY=PRODUCTION_KEY, SITE_URL=site_url)
    assert result.returncode != 0
    assert "SITE_URL must be an absolute http or https address" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_needs_no_site_url():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


# The one-machine default, and the shared topology of several app servers (nothing here
# connects to them: the check reads the settings). The CI's own DATABASE_URL and REDIS_URL
# are replaced, so that each case is the same everywhere.
ONE_MACHINE = {
    "DATABASE_URL": "sqlite:////srv/adda/db.sqlite3",
    "REDIS_URL": "",
    "AWS_STORAGE_BUCKET_NAME": "",
}
SHARED = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/adda",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "adda-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.se",
}


@pytest.mark.parametrize("topology", [ONE_MACHINE, SHARED], ids=["one machine", "shared"])
def test_production_settings_pass_the_deployment_check(topology):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="nyheter.example.se",
        SITE_URL="https://nyheter.example.se",
        SECURE_HSTS_PRELOAD="1",
        CONSENT_RECORD_KEY="k3#vP9!qL2zX7mN4rT8wY1uE6oI0aS5dF-gH_jK=lZ+xC*vB&n%Wq^eR",
        **topology,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert busy_timeout == 5000
    # 2 is FULL: every commit reaches the disk before it returns.
    assert synchronous == 2
    # The test database lives in memory, where SQLite keeps its own journal mode.
    assert journal_mode in ("wal", "memory")


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    settings_source = (ROOT / "adda_site" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r'(?:environ\.get|env_list)\("([A-Z_]+)"', settings_source))
    assert len(names) > 20
    assert {name for name in names if f"`{name}`" not in readme} == set()


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite only")
def test_sqlite_file_database_syncs_every_commit_to_disk(tmp_path):
    # The test database lives in memory: a real file shows the journal mode too.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])\n"
        "    cursor.execute('PRAGMA synchronous')\n"
        "    print(cursor.fetchone()[0])",
        SECRET_KEY=PRODUCTION_KEY,
        SITE_URL="https://nyheter.example.se",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "2"]


@pytest.mark.parametrize(
    "database_url", ["sqlite:////tmp/adda-settings-check.sqlite3", "postgres://db.example.se/adda"]
)
def test_workers_keep_their_database_connection_and_check_it_before_reuse(
    monkeypatch, database_url
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    database = runpy.run_path(str(ROOT / "adda_site" / "settings.py"))["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True
