from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from consent.cookie import SALT
from consent.models import ConsentRecord, PolicyText, WeeklyConsentCount
from consent.policy import current_policy, publish_version


@pytest.mark.parametrize("choice", ["alla", "nodvandiga"])
def test_choice_sets_the_consent_cookie_httponly_and_samesite_lax(client, choose, choice):
    morsel = choose(client, choice).cookies["samtycke"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"


def test_consent_cookie_is_secure_over_https(client, choose):
    morsel = choose(client, "alla", secure=True).cookies["samtycke"]
    assert morsel["secure"] is True


def test_consent_cookie_is_not_marked_secure_over_http(client, choose):
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
        "at": record.created_at.isoformat(),
    }


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
    assert "3 consent records verified: chain intact." in capsys.readouterr().out


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


def test_chain_left_after_pruning_is_still_verified(records_old_and_new, capsys):
    call_command("prune_consent_records")
    call_command("verify_consent_chain")
    assert "1 consent records verified: chain intact." in capsys.readouterr().out


def test_record_names_the_policy_version_the_visitor_was_shown(client, choose):
    client.get("/")  # this worker now holds version 1 in its cache
    publish_version(change_note="Ny leverantör.")  # committed by another worker, not seen yet
    value = choose(client, "alla").cookies["samtycke"].value
    record = ConsentRecord.objects.get()
    assert record.policy_version.number == signing.loads(value, salt=SALT)["version"]
    assert record.texts.sha256 == record.policy_version.texts.sha256
