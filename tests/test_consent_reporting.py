"""Which records accepted optional cookies, and in which week: one rule for the admin's
list filter and weekly summary and for the counts pruning keeps."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from pytest_django.asserts import assertContains

from consent.models import ConsentRecord, CookieCategory, WeeklyConsentCount

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUMMARY_URL = "/admin/consent/consentrecord/veckosammanstallning/"
# Monday 17 March 2025, half past midnight in Stockholm: still Sunday in UTC.
MONDAY_JUST_AFTER_MIDNIGHT = datetime(2025, 3, 17, 0, 30, tzinfo=STOCKHOLM)


def record_at(moment: datetime, make_consent_record, **fields) -> ConsentRecord:
    with time_machine.travel(moment, tick=False):
        return make_consent_record(**fields)


# accepting_optional / declining_optional


def test_record_allowing_statistics_accepts_optional_cookies(make_consent_record):
    record = make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.SETTINGS)
    assert list(ConsentRecord.objects.accepting_optional()) == [record]
    assert not ConsentRecord.objects.declining_optional().exists()


def test_withdrawal_on_the_settings_page_declines_optional_cookies(make_consent_record):
    record = make_consent_record(method=ConsentRecord.Method.SETTINGS)
    assert list(ConsentRecord.objects.declining_optional()) == [record]
    assert not ConsentRecord.objects.accepting_optional().exists()


def test_record_allowing_only_the_required_category_declines_optional_cookies(
    make_consent_record,
):
    record = make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    assert record.choices == {"nodvandiga": True, "statistik": False}
    assert list(ConsentRecord.objects.declining_optional()) == [record]


def test_record_older_than_a_category_still_declines_optional_cookies(make_consent_record):
    record = make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    CookieCategory.objects.create(
        name="Marknadsföring", slug="marknadsforing", description="Annonser.", order=3
    )
    assert list(ConsentRecord.objects.declining_optional()) == [record]


def test_record_allowing_a_category_now_required_no_longer_accepts_optional_cookies(
    make_consent_record,
):
    record = make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
    CookieCategory.objects.filter(slug="statistik").update(is_required=True)
    assert list(ConsentRecord.objects.declining_optional()) == [record]


# weekly_counts


def test_weekly_counts_count_per_week_version_method_and_choice(make_consent_record):
    wednesday = datetime(2025, 3, 12, 12, 0, tzinfo=STOCKHOLM)
    for allowed, method in [
        ({"statistik"}, ConsentRecord.Method.BANNER_ACCEPT),
        ({"statistik"}, ConsentRecord.Method.BANNER_ACCEPT),
        ((), ConsentRecord.Method.BANNER_REJECT),
        ((), ConsentRecord.Method.SETTINGS),
    ]:
        record_at(wednesday, make_consent_record, allowed=allowed, method=method)
    rows = ConsentRecord.objects.weekly_counts()
    assert [tuple(row.values()) for row in rows] == [
        (date(2025, 3, 10), 1, "banner_accept", True, 2),
        (date(2025, 3, 10), 1, "banner_reject", False, 1),
        (date(2025, 3, 10), 1, "settings", False, 1),
    ]
    assert list(rows[0]) == ["week", "version", "method", "optional_accepted", "count"]


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        (MONDAY_JUST_AFTER_MIDNIGHT, date(2025, 3, 17)),
        (datetime(2025, 3, 16, 23, 30, tzinfo=STOCKHOLM), date(2025, 3, 10)),
        # Summer time: Monday 00:30 in Stockholm is Sunday 22:30 in UTC.
        (datetime(2025, 6, 16, 0, 30, tzinfo=STOCKHOLM), date(2025, 6, 16)),
    ],
)
def test_weekly_counts_start_the_week_on_monday_in_stockholm_time(
    make_consent_record, moment, monday
):
    record_at(moment, make_consent_record)
    assert [row["week"] for row in ConsentRecord.objects.weekly_counts()] == [monday]


def test_weekly_counts_keep_stockholm_weeks_whatever_time_zone_is_active(make_consent_record):
    record_at(MONDAY_JUST_AFTER_MIDNIGHT, make_consent_record)
    with timezone.override("UTC"):
        assert [row["week"] for row in ConsentRecord.objects.weekly_counts()] == [date(2025, 3, 17)]


# The weekly summary and pruning agree


def test_pruning_keeps_the_week_and_choice_the_weekly_summary_showed(
    editor_client, make_consent_record, settings
):
    settings.CONSENT_RECORD_RETENTION_DAYS = 365
    record_at(
        MONDAY_JUST_AFTER_MIDNIGHT,
        make_consent_record,
        allowed={"statistik"},
        method=ConsentRecord.Method.BANNER_ACCEPT,
    )
    # Only the required category is true: a decline, however it was given.
    record_at(MONDAY_JUST_AFTER_MIDNIGHT, make_consent_record, method=ConsentRecord.Method.SETTINGS)
    row = "<tr><td>2025-03-17</td><td>1</td><td>2</td><td>1</td><td>1</td><td>50 %</td></tr>"
    assertContains(editor_client.get(SUMMARY_URL), row, html=True)
    counted = list(ConsentRecord.objects.weekly_counts())

    with time_machine.travel(datetime(2026, 6, 1, tzinfo=STOCKHOLM), tick=False):
        call_command("prune_consent_records")

    assert not ConsentRecord.objects.exists()
    kept = WeeklyConsentCount.objects.order_by("method").values(
        "week", "method", "optional_accepted", "count", version=F("policy_version")
    )
    assert list(kept) == counted
    assertContains(editor_client.get(SUMMARY_URL), row, html=True)
