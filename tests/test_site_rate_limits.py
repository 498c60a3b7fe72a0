"""Anonymous writes are bounded per client address, and the bounds hold for every worker:
consent choices, comments and accessibility reports."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from pytest_django.asserts import assertContains

from adda_site import clients
from adda_site.models import RateCounter
from consent.models import ConsentRecord

ROOT = Path(__file__).resolve().parent.parent
TOO_MANY_CHOICES = (
    "Du har ändrat dina cookieval många gånger på kort tid. Vänta några minuter och spara "
    "igen: ditt val finns kvar nedan."
)
STATISTIK_CHECKED = (
    '<input type="checkbox" name="categories" value="statistik" id="kategori-statistik" '
    'checked aria-describedby="kategori-statistik-beskrivning">'
)


@pytest.fixture
def consent_limit(settings):
    settings.CONSENT_RATE_LIMIT = (3, 600)
    settings.TRUSTED_PROXIES = []


def save_settings(client, address, categories=("statistik",)):
    # A new browser each time, so that every choice differs from the one before.
    return Client().post(
        "/cookies/",
        {"categories": list(categories), "next": "/cookies/"},
        REMOTE_ADDR=address,
    )


# Consent choices


def test_choices_past_the_limit_are_refused_politely_keeping_the_choice(db, consent_limit):
    for _ in range(3):
        assert save_settings(Client(), "192.0.2.30").status_code == 302

    response = save_settings(Client(), "192.0.2.30")

    assert response.status_code == 429
    assertContains(response, TOO_MANY_CHOICES, status_code=429)
    assertContains(response, STATISTIK_CHECKED, html=True, status_code=429)
    assert 0 < int(response["Retry-After"]) <= 600
    assert ConsentRecord.objects.count() == 3


def test_banner_choices_past_the_limit_are_refused_too(db, consent_limit):
    for _ in range(3):
        Client().post("/cookies/val/", {"choice": "alla", "next": "/"}, REMOTE_ADDR="192.0.2.31")

    response = Client().post(
        "/cookies/val/", {"choice": "alla", "next": "/"}, REMOTE_ADDR="192.0.2.31"
    )

    assertContains(response, TOO_MANY_CHOICES, status_code=429)
    assert "samtycke" not in response.cookies


def test_another_address_is_not_held_back_by_the_first(db, consent_limit):
    for _ in range(4):
        save_settings(Client(), "192.0.2.32")

    assert save_settings(Client(), "192.0.2.33").status_code == 302


def test_ipv6_addresses_of_one_network_share_a_limit(db, consent_limit):
    for host in range(1, 4):
        save_settings(Client(), f"2001:db8:1:2::{host}")

    assert save_settings(Client(), "2001:db8:1:2:ffff::9").status_code == 429
    assert save_settings(Client(), "2001:db8:1:3::1").status_code == 302


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")), reason="with Redis the limits are counted there"
)
def test_limit_outlives_the_cache_because_it_is_counted_in_the_database(db, consent_limit):
    for _ in range(3):
        save_settings(Client(), "192.0.2.34")

    cache.clear()  # what another worker or a restarted one would start from

    assert save_settings(Client(), "192.0.2.34").status_code == 429
    assert RateCounter.objects.exists()


def test_rate_counters_store_no_address(db, consent_limit):
    save_settings(Client(), "192.0.2.35")

    assert not [c for c in RateCounter.objects.values_list("key", flat=True) if "192.0.2" in c]


def test_with_redis_the_limit_is_counted_in_redis(db, consent_limit, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"adda-test-{os.getpid()}",
        }
    }
    caches["default"].clear()
    try:
        for _ in range(3):
            save_settings(Client(), "192.0.2.36")

        assert save_settings(Client(), "192.0.2.36").status_code == 429
        assert not RateCounter.objects.exists()
    finally:
        caches["default"].clear()


def test_choosing_what_one_already_chose_writes_no_new_record(client, db):
    client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"})
    client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"})
    client.post("/cookies/val/", {"choice": "alla", "next": "/"})

    assert ConsentRecord.objects.count() == 1


def test_changing_ones_choice_writes_a_record(client, db):
    client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"})
    client.post("/cookies/", {"next": "/cookies/"})

    assert ConsentRecord.objects.count() == 2


# Configuration


def test_the_default_cache_is_shared_by_the_workers_of_a_machine():
    shared = "TolerantRedisCache" if os.environ.get("REDIS_URL") else "FileCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(shared)


def test_a_malformed_limit_stops_the_site_with_a_clear_message():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment | {"DEBUG": "1", "COMMENTS_RATE_LIMIT": "fem"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "COMMENTS_RATE_LIMIT must be written N/SECONDS" in result.stderr
    assert "Traceback" not in result.stderr


# Who the client is


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "10.1.2.3"),
        (["10.0.0.0/8"], "203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/8"], "203.0.113.9, 10.9.9.9", "203.0.113.9"),
        (["10.1.2.3"], "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (["192.168.0.0/16"], "203.0.113.9", "10.1.2.3"),
    ],
)
def test_forwarded_address_is_believed_only_from_trusted_proxies(
    rf, settings, trusted, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=forwarded)

    assert clients.client_ip(request) == expected


def test_former_setting_name_still_trusts_proxies():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TRUSTED_PROXIES)",
        ],
        cwd=ROOT,
        env=os.environ | {"DEBUG": "1", "COMMENTS_TRUSTED_PROXIES": "10.0.0.0/8"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "['10.0.0.0/8']" in result.stdout, result.stderr


def test_loopback_requests_without_trusted_proxies_warn_once(rf, settings, caplog, monkeypatch):
    settings.TRUSTED_PROXIES = []
    settings.DEBUG = False
    monkeypatch.setattr(clients, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="adda_site.clients"):
        clients.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1"))
        clients.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1"))

    warnings = [r for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(warnings) == 1
