from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from consent.cookie import SALT
from consent.models import (
    ChainStart,
    ConsentRecord,
    CookieCategory,
    PolicyText,
    PolicyVersion,
    WeeklyConsentCount,
    canonical_sha256,
)
from consent.policy import current_policy, forget_policy, publish_version


@pytest.mark.parametrize("choice", ["alla", "nodvandiga"])
def test_choice_sets_the_consent_cookie_httponly_and_samesite_lax(client, choose, choice):
    morsel = choose(client, choice).cookies["samtycke"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"


def test_consent_cookie_is_secure_over_https(client, choose):
    morsel = choose(client, "alla", secure=True).cookies["samtycke"]
    assert morsel["secure"] is True


def test_consent_cookie_is_secure_in_production_even_when_the_request_looks_like_http(
    client, choose
):
    morsel = choose(client, "alla").cookies["samtycke"]
    assert morsel["secure"] is True


def test_consent_cookie_is_not_marked_secure_over_http_in_development(client, choose, settings):
    settings.DEBUG = True
    morsel = choose(client, "alla").cookies["samtycke"]
    assert morsel["secure"] == ""


def test_consent_cookie_lasts_as_long_as_the_choice(client, choose, settings):
    morsel = choose(client, "alla").cookies["samtycke"]
    assert morsel["max-age"] == settings.CONSENT_MAX_AGE_DAYS * 24 * 3600


def test_consent_cookie_is_small(client, choose):
    assert len(choose(client, "alla").cookies["samtycke"].value) < 300


def test_consent_cookie_is_signed_and_carries_the_recorded_consent_id(client, choose):
    value = choose(client, "alla").cookies["samtycke"].value
    record = ConsentRecord.objects.get()
    assert signing.loads(value, salt=SALT) == {
        "id": record.consent_id,
        "allowed": ["statistik"],
        "version": 1,
        "texts": record.texts.sha256,
        "at": record.created_at.isoformat(),
    }


def test_choice_on_texts_since_edited_is_asked_again(client, choose):
    choose(client, "alla")
    statistik = CookieCategory.objects.get(slug="statistik")
    statistik.description = "Anonym besöksstatistik i Matomo."
    statistik.save()
    forget_policy()

    assertContains(client.get("/"), "Vi använder cookies")


def test_accepting_all_records_every_category_as_allowed(client, choose):
    choose(client, "alla")
    record = ConsentRecord.objects.get()
    assert record.method == ConsentRecord.Method.BANNER_ACCEPT
    assert record.choices == {"nodvandiga": True, "statistik": True}


def test_only_necessary_records_optional_categories_as_refused(client, choose):
    choose(client, "nodvandiga")
    record = ConsentRecord.objects.get()
    assert record.method == ConsentRecord.Method.BANNER_REJECT
    assert record.choices == {"nodvandiga": True, "statistik": False}


def test_record_has_a_random_consent_id(client, choose):
    choose(client, "alla")
    choose(Client(), "alla")
    first, second = ConsentRecord.objects.order_by("id")
    assert len(first.consent_id) == 32
    assert first.consent_id != second.consent_id


def test_record_names_the_policy_version_and_the_hash_of_the_texts_shown(client, choose):
    choose(client, "alla")
    record = ConsentRecord.objects.get()
    assert record.policy_version.number == 1
    assert record.texts.sha256 == current_policy().texts_sha256
    assert record.texts.snapshot["banner"]["heading"] == "Vi använder cookies"


def test_record_texts_cover_category_descriptions_and_cookie_declarations(client, choose):
    choose(client, "alla")
    statistik = ConsentRecord.objects.get().texts.snapshot["categories"][1]
    assert statistik["description"].startswith("Hjälper oss att förstå")
    assert statistik["cookies"][0]["name"] == "_pk_id.*"


def test_texts_shown_are_stored_once_for_many_choices(client, choose):
    choose(client, "alla")
    choose(Client(), "nodvandiga")
    assert PolicyText.objects.count() == 1


def test_record_is_timed(client, choose):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        choose(client, "alla")
    assert ConsentRecord.objects.get().created_at == moment


def test_record_holds_nothing_that_identifies_the_visitor(client, choose):
    choose(client, "alla", REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT="Testläsare/1.0")
    fields = {field.name for field in ConsentRecord._meta.get_fields()}
    assert not {name for name in fields if "ip" in name.split("_") or "agent" in name}
    record = ConsentRecord.objects.get()
    assert "192.0.2.44" not in str(record.content())
    assert "Testläsare" not in str(record.content())


def test_later_choice_appends_a_new_record(client, choose):
    choose(client, "alla")
    choose(client, "nodvandiga")
    assert list(ConsentRecord.objects.order_by("id").values_list("method", flat=True)) == [
        ConsentRecord.Method.BANNER_ACCEPT,
        ConsentRecord.Method.BANNER_REJECT,
    ]


def test_saved_record_cannot_be_changed(make_consent_record):
    record = make_consent_record()
    record.choices = {"nodvandiga": True, "statistik": True}
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_first_record_follows_no_other(make_consent_record):
    assert make_consent_record().previous_hash == ""


def test_each_record_carries_the_hash_of_the_one_before(make_consent_record):
    records = [make_consent_record() for _ in range(3)]
    assert records[1].previous_hash == records[0].record_hash
    assert records[2].previous_hash == records[1].record_hash


def test_record_hash_covers_its_content(make_consent_record):
    record = ConsentRecord.objects.get(pk=make_consent_record().pk)
    assert record.compute_hash() == record.record_hash


# verify_consent_chain


def test_intact_chain_is_verified(make_consent_record, capsys):
    for _ in range(3):
        make_consent_record()
    call_command("verify_consent_chain")
    assert "3 consent records verified: chain intact (3 sha256)." in capsys.readouterr().out


def test_changed_choice_breaks_the_chain(make_consent_record):
    make_consent_record()
    record = make_consent_record()
    make_consent_record()
    ConsentRecord.objects.filter(pk=record.pk).update(
        choices={"nodvandiga": True, "statistik": True}
    )
    with pytest.raises(CommandError, match=f"Record {record.pk} has been changed"):
        call_command("verify_consent_chain")


def test_changed_time_breaks_the_chain(make_consent_record):
    record = make_consent_record()
    ConsentRecord.objects.filter(pk=record.pk).update(
        created_at=record.created_at - timedelta(days=1)
    )
    with pytest.raises(CommandError):
        call_command("verify_consent_chain")


def test_removed_record_breaks_the_chain(make_consent_record):
    make_consent_record()
    removed = make_consent_record()
    after = make_consent_record()
    ConsentRecord.objects.filter(pk=removed.pk).delete()
    with pytest.raises(CommandError, match=f"Record {after.pk} does not follow"):
        call_command("verify_consent_chain")


def test_records_put_out_of_order_break_the_chain(make_consent_record):
    make_consent_record()
    second = make_consent_record(allowed={"statistik"})
    third = make_consent_record()
    # The rows' contents swapped, as if the second and third had been reordered.
    fields = ["consent_id", "choices", "method", "created_at", "previous_hash", "record_hash"]
    second_values = {field: getattr(second, field) for field in fields}
    third_values = {field: getattr(third, field) for field in fields}
    ConsentRecord.objects.filter(pk=second.pk).update(record_hash="swap")
    ConsentRecord.objects.filter(pk=third.pk).update(**second_values)
    ConsentRecord.objects.filter(pk=second.pk).update(**third_values)

    with pytest.raises(CommandError, match="does not follow"):
        call_command("verify_consent_chain")


def test_verification_prints_the_head_hash_and_count_to_keep_elsewhere(make_consent_record, capsys):
    make_consent_record()
    last = make_consent_record()

    call_command("verify_consent_chain")

    out = capsys.readouterr().out
    assert f"Head: {last.record_hash}" in out
    assert "Count: 2" in out


@pytest.fixture
def record_key(settings):
    settings.CONSENT_RECORD_KEY = "a-key-of-the-consent-register-only"
    return settings.CONSENT_RECORD_KEY


def test_new_records_are_hashed_with_the_register_key(make_consent_record, record_key):
    record = make_consent_record()

    assert record.hash_method == ConsentRecord.HashMethod.HMAC_SHA256
    # Someone without the key cannot recompute it from the content alone.
    assert record.record_hash != canonical_sha256(record.content())


def test_chain_of_plain_and_keyed_records_is_verified(make_consent_record, settings, capsys):
    make_consent_record()
    settings.CONSENT_RECORD_KEY = "a-key-of-the-consent-register-only"
    make_consent_record()

    call_command("verify_consent_chain")

    assert "2 consent records verified: chain intact (1 hmac-sha256, 1 sha256)." in (
        capsys.readouterr().out
    )


def test_keyed_record_changed_and_rehashed_without_the_key_is_caught(
    make_consent_record, record_key
):
    record = make_consent_record()
    record.choices = {"nodvandiga": True, "statistik": True}
    forged = canonical_sha256(record.content())
    ConsentRecord.objects.filter(pk=record.pk).update(choices=record.choices, record_hash=forged)

    with pytest.raises(CommandError, match=f"Record {record.pk} has been changed"):
        call_command("verify_consent_chain")


def test_keyed_chain_cannot_be_checked_without_its_key(make_consent_record, settings):
    settings.CONSENT_RECORD_KEY = "a-key-of-the-consent-register-only"
    make_consent_record()
    settings.CONSENT_RECORD_KEY = ""

    with pytest.raises(CommandError, match="CONSENT_RECORD_KEY"):
        call_command("verify_consent_chain")


# prune_consent_records


@pytest.fixture
def records_old_and_new(make_consent_record, settings):
    settings.CONSENT_RECORD_RETENTION_DAYS = 365
    old = timezone.make_aware(timezone.datetime(2022, 3, 9, 12, 0))  # a Wednesday
    with time_machine.travel(old, tick=False):
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
        make_consent_record(method=ConsentRecord.Method.SETTINGS)
    return make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.SETTINGS)


def test_pruning_deletes_records_older_than_the_retention_period(records_old_and_new):
    call_command("prune_consent_records")
    assert list(ConsentRecord.objects.all()) == [records_old_and_new]


def test_pruning_keeps_weekly_counts_of_the_deleted_records(records_old_and_new):
    call_command("prune_consent_records")
    counts = set(
        WeeklyConsentCount.objects.values_list(
            "week", "policy_version", "method", "optional_accepted", "count"
        )
    )
    monday = timezone.datetime(2022, 3, 7).date()
    assert counts == {
        (monday, 1, "banner_accept", True, 2),
        (monday, 1, "banner_reject", False, 1),
        (monday, 1, "settings", False, 1),
    }


def test_pruning_twice_adds_to_the_weekly_counts(make_consent_record, settings):
    settings.CONSENT_RECORD_RETENTION_DAYS = 30
    start = timezone.make_aware(timezone.datetime(2022, 3, 9, 12, 0))
    with time_machine.travel(start, tick=False):
        make_consent_record()
    call_command("prune_consent_records")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        make_consent_record()
    call_command("prune_consent_records")
    assert WeeklyConsentCount.objects.get().count == 2


def test_pruning_more_records_than_one_batch_deletes_and_counts_them_all(
    make_consent_record, settings, monkeypatch
):
    from adda_site import retention
    from consent.management.commands import prune_consent_records

    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    batch_sizes, add_to_weekly_counts = [], prune_consent_records.add_to_weekly_counts

    def counted(records):
        batch_sizes.append(records.count())
        add_to_weekly_counts(records)

    monkeypatch.setattr(prune_consent_records, "add_to_weekly_counts", counted)
    settings.CONSENT_RECORD_RETENTION_DAYS = 365
    for day in (7, 8, 9, 14, 15):  # three records in one week, two in the next
        with time_machine.travel(
            timezone.make_aware(timezone.datetime(2022, 3, day, 12)), tick=False
        ):
            make_consent_record()
    kept = make_consent_record()
    call_command("prune_consent_records")
    assert batch_sizes == [2, 2, 1]
    assert list(ConsentRecord.objects.all()) == [kept]
    assert set(WeeklyConsentCount.objects.values_list("week", "count")) == {
        (timezone.datetime(2022, 3, 7).date(), 3),
        (timezone.datetime(2022, 3, 14).date(), 2),
    }
    call_command("verify_consent_chain")


def test_chain_left_after_pruning_is_still_verified(records_old_and_new, capsys):
    call_command("prune_consent_records")
    call_command("verify_consent_chain")
    assert "1 consent records verified: chain intact (1 sha256)." in capsys.readouterr().out


def test_record_names_the_policy_version_the_visitor_was_shown(client, choose):
    client.get("/")  # this worker now holds version 1 in its cache
    publish_version(change_note="Ny leverantör.")  # committed by another worker, not seen yet
    value = choose(client, "alla").cookies["samtycke"].value
    record = ConsentRecord.objects.get()
    assert record.policy_version.number == signing.loads(value, salt=SALT)["version"]
    assert record.texts.sha256 == record.policy_version.texts.sha256


# Policy versions


def test_policy_version_one_exists_before_the_first_visitor(db):
    # From a data migration: two first visitors cannot race to create it.
    assert list(PolicyVersion.objects.values_list("number", flat=True)) == [1]
    assert current_policy().version == 1


def test_publishing_the_same_texts_twice_makes_one_version(db):
    first = publish_version(change_note="Ny kategori.")
    second = publish_version(change_note="Ny kategori.")

    assert first == second
    assert PolicyVersion.objects.count() == 2


def test_new_cookie_in_a_category_publishes_a_version_and_asks_again(client, choose):
    choose(client, "alla")
    statistik = CookieCategory.objects.get(slug="statistik")
    statistik.cookies.create(
        name="_pk_new", provider="Matomo", purpose="Räknar besök.", duration="13 månader"
    )
    forget_policy()

    assertContains(client.get("/"), "Vi använder cookies")
    assert current_policy().version == 2


def test_keyed_record_rewritten_as_a_plain_one_is_caught(make_consent_record, record_key):
    make_consent_record()
    last = make_consent_record()
    # Someone without the key changes the last record and rehashes it as a plain one:
    # the chain still links, and the plain hash matches its new content.
    last.hash_method = ConsentRecord.HashMethod.SHA256
    last.choices = {"nodvandiga": True, "statistik": True}
    ConsentRecord.objects.filter(pk=last.pk).update(
        hash_method=last.hash_method,
        choices=last.choices,
        record_hash=canonical_sha256(last.content()),
    )

    with pytest.raises(CommandError, match=f"Record {last.pk} is not keyed"):
        call_command("verify_consent_chain")


def test_texts_of_an_earlier_version_publish_no_new_one(db):
    statistik = CookieCategory.objects.get(slug="statistik")
    statistik.cookies.create(name="_pk_a", provider="Matomo", purpose="Besök.", duration="1 dag")
    forget_policy()
    earlier = current_policy().version
    cookie = statistik.cookies.create(
        name="_pk_b", provider="Matomo", purpose="Besök.", duration="1 dag"
    )
    forget_policy()
    latest = current_policy().version
    assert latest == earlier + 1

    # The texts go back to the earlier version's, as on a server still running the older
    # code during a deploy: the servers must not take turns publishing.
    cookie.delete()
    forget_policy()

    assert current_policy().version == latest
    assert PolicyVersion.objects.count() == latest


def test_oldest_records_deleted_outside_the_retention_rule_break_the_chain(make_consent_record):
    oldest = make_consent_record()
    make_consent_record()
    ConsentRecord.objects.filter(pk=oldest.pk).delete()

    with pytest.raises(CommandError, match="does not follow"):
        call_command("verify_consent_chain")


def test_chain_start_moved_without_the_key_is_caught(records_old_and_new, record_key):
    call_command("prune_consent_records")
    call_command("verify_consent_chain")
    # Someone deletes the next record too and moves the start past it.
    newest = ConsentRecord.objects.get()
    ConsentRecord.objects.filter(pk=newest.pk).delete()
    ChainStart.objects.update(last_deleted_hash=newest.record_hash)

    with pytest.raises(CommandError, match="start of the chain has been changed"):
        call_command("verify_consent_chain")


def test_cached_policy_carries_its_texts_hash(db):
    forget_policy()
    current_policy()

    from adda_site.page_cache import FORMAT, current_generation
    from consent.policy import CACHE_KEY

    cached = cache.get(f"{CACHE_KEY}:sv:v{FORMAT}:{current_generation()[0]}")
    assert cached.__dict__["texts_sha256"] == cached.texts_sha256
