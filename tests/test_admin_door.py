"""The admin door: lockout after failed logins, password rules, staff session limits and
the optional second factor. Logins are real POSTs to the login page, since
client.force_login goes past django-axes."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.cache import cache
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertRedirects

PASSWORD = "ett-langt-losenord-123"  # the editor fixture's
LOCKED = (
    "Det har gjorts för många misslyckade inloggningsförsök för det här användarnamnet "
    "eller från den här adressen. Försök igen om 15 minuter."
)
GUESSED_NAMES = ["anna", "bertil", "cecilia", "david", "erik"]


def log_in(client, username="redaktor", password=PASSWORD, *, address="192.0.2.10", **extra):
    """What the admin's login form sends, from the client address ``address``."""
    headers = extra.pop("headers", None)
    data = {"username": username, "password": password, "next": "/admin/", **extra}
    return client.post("/admin/login/", data, headers=headers, REMOTE_ADDR=address)


def is_logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.fixture
def now():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# Lockout


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, editor, now):
    # From a new address each time: it is the user name that gets locked.
    for number in range(1, 5):
        response = log_in(client, password="fel-losenord", address=f"192.0.2.{number}")
        assert response.status_code == 200
    assertContains(
        log_in(client, password="fel-losenord", address="192.0.2.5"), LOCKED, status_code=429
    )

    now.shift(timedelta(minutes=14))
    assertContains(log_in(client, address="198.51.100.1"), LOCKED, status_code=429)

    now.shift(timedelta(minutes=1, seconds=1))
    assert is_logged_in(log_in(client, address="198.51.100.1"))


def test_lockout_page_is_the_admins(client, editor):
    for _attempt in range(5):
        response = log_in(client, password="fel-losenord")

    assertContains(response, "<title>Inloggningen är tillfälligt spärrad", status_code=429)
    assertContains(response, str(admin.site.site_header), status_code=429)
    assertContains(response, 'class="errornote"', status_code=429)


def test_many_user_names_from_one_address_lock_the_address(client, editor):
    for name in GUESSED_NAMES:
        response = log_in(client, name, "gissat-losenord", address="203.0.113.9")
    assertContains(response, LOCKED, status_code=429)

    # Even the editor's right password, from that address; from another it works.
    assertContains(log_in(client, address="203.0.113.9"), LOCKED, status_code=429)
    assert is_logged_in(log_in(client, address="192.0.2.10"))


def test_lockout_holds_across_workers(client, editor):
    for name in GUESSED_NAMES:
        log_in(client, name, "gissat-losenord", address="203.0.113.9")

    # Another worker: its own client and an empty cache, the same database.
    cache.clear()
    assertContains(log_in(Client(), address="203.0.113.9"), LOCKED, status_code=429)
    failures = AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"]
    assert failures == 5


def test_address_behind_a_trusted_proxy_is_the_one_locked_out(client, editor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for name in GUESSED_NAMES:
        log_in(
            client,
            name,
            "gissat-losenord",
            address="10.0.0.2",
            headers={"X-Forwarded-For": "203.0.113.9"},
        )

    from_attacker = log_in(client, address="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.9"})
    from_editor = log_in(client, address="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.4"})
    assertContains(from_attacker, LOCKED, status_code=429)
    assert is_logged_in(from_editor)


def test_forged_forwarded_for_does_not_escape_the_lockout(client, editor, settings):
    settings.TRUSTED_PROXIES = []
    for number, name in enumerate(GUESSED_NAMES):
        log_in(
            client,
            name,
            "gissat-losenord",
            address="203.0.113.9",
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )

    response = log_in(client, address="203.0.113.9", headers={"X-Forwarded-For": "192.0.2.99"})
    assertContains(response, LOCKED, status_code=429)


# What is recorded


def test_failed_login_is_logged_without_password_or_ip(client, editor, caplog):
    caplog.set_level(logging.DEBUG)

    log_in(client, password="hemligt-fel-losenord", address="198.51.100.23")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "login failure" in logged
    assert "hemligt-fel-losenord" not in logged
    assert "198.51.100.23" not in logged


def test_logins_are_recorded_in_the_database_without_passwords(client, editor):
    log_in(client, password="hemligt-fel-losenord", address="198.51.100.23")
    log_in(client, address="198.51.100.23")

    failure = AccessFailureLog.objects.get()
    success = AccessLog.objects.get()
    assert (failure.username, failure.ip_address) == ("redaktor", "198.51.100.23")
    assert (success.username, success.ip_address) == ("redaktor", "198.51.100.23")
    assert "hemligt-fel-losenord" not in AccessAttempt.objects.get().post_data


def test_only_superusers_see_the_login_records(editor_client, admin_client):
    for path in ["/admin/axes/accesslog/", "/admin/axes/accessfailurelog/"]:
        assert editor_client.get(path).status_code == 403
        assert admin_client.get(path).status_code == 200


# Passwords and cookies


def change_password(client, new_password: str):
    return client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )


def test_short_password_is_refused(editor_client):
    response = change_password(editor_client, "elva-tecken")

    assertContains(response, "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken.")


def test_password_of_twelve_characters_is_accepted(editor_client):
    response = change_password(editor_client, "tolv-tecken!")

    assertRedirects(response, "/admin/password_change/done/")


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(client, editor):
    csrf_cookie = client.get("/admin/login/").cookies["csrftoken"]
    session_cookie = log_in(client).cookies["sessionid"]

    for morsel in (csrf_cookie, session_cookie):
        assert morsel["secure"] is True
        assert morsel["httponly"] is True


# Staff sessions


def test_staff_session_ends_after_an_hour_idle(client, editor, now):
    log_in(client)
    assert client.get("/admin/").status_code == 200

    now.shift(timedelta(minutes=59))
    assert client.get("/admin/").status_code == 200

    now.shift(timedelta(hours=1, seconds=1))
    assert sent_to_login(client.get("/admin/"))


def test_staff_session_ends_after_eight_hours_even_when_active(client, editor, now):
    log_in(client)
    for _half_hour in range(15):
        assert client.get("/admin/").status_code == 200
        now.shift(timedelta(minutes=30))
    now.shift(timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200  # 7 hours 59 minutes

    now.shift(timedelta(minutes=2))
    assert sent_to_login(client.get("/admin/"))


def test_idle_limit_is_a_setting(client, editor, now, settings):
    settings.ADMIN_IDLE_TIMEOUT_SECONDS = 600
    log_in(client)

    now.shift(timedelta(minutes=11))
    assert sent_to_login(client.get("/admin/"))


# robots.txt


def test_robots_txt_does_not_name_the_admin(client, db):
    assert "admin" not in client.get("/robots.txt").content.decode()


# Two-factor login (ADMIN_REQUIRE_2FA)


@pytest.fixture
def two_factor(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.fixture
def authenticator(editor):
    """The editor's authenticator app, set up by a superuser in admin."""
    return TOTPDevice.objects.create(user=editor, name="Telefon", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def test_two_factor_required_when_turned_on(client, two_factor, authenticator):
    response = log_in(client)

    assertContains(response, "Ange koden från din autentiseringsapp.")
    assert sent_to_login(client.get("/admin/"))


def test_correct_code_from_the_authenticator_opens_the_admin(client, two_factor, authenticator):
    assert is_logged_in(log_in(client, otp_token=current_code(authenticator)))
    assert client.get("/admin/news/article/").status_code == 200


def test_wrong_code_is_refused(client, two_factor, authenticator):
    wrong = f"{(int(current_code(authenticator)) + 1) % 1_000_000:06d}"

    response = log_in(client, otp_token=wrong)

    assertContains(response, "Koden är fel eller för gammal. Ange koden som appen visar nu.")
    assert sent_to_login(client.get("/admin/"))


def test_staff_without_a_verified_device_cannot_reach_the_admin(editor_client, two_factor):
    # Logged in with the password alone, as before two-factor login was turned on.
    assert sent_to_login(editor_client.get("/admin/news/article/"))


def test_editor_without_an_authenticator_is_told_whom_to_ask(client, two_factor, editor):
    response = log_in(client, otp_token="123456")

    assertContains(response, "Ditt konto har ingen autentiseringsapp ännu. Fråga en webbansvarig.")


def test_two_factor_login_page_asks_for_the_code(client, two_factor):
    assertContains(client.get("/admin/login/"), "Kod från din autentiseringsapp")
