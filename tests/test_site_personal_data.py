"""A data subject's request, answered from every app: `manage.py personal_data ADDRESS
--export|--erase`; and accessibility reports deleted after their retention period."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from pages.models import AccessibilityReport


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export(email: str) -> dict:
    return json.loads(run("personal_data", email, "--export")[0])


def make_report(*, email="", days_ago=0, **fields) -> AccessibilityReport:
    report = AccessibilityReport.objects.create(
        problem=fields.pop("problem", "Knappen Sök går inte att nå med tangentbordet."),
        email=email,
        **fields,
    )
    if days_ago:
        # updated_at is stamped on save; the past is written around it.
        then = timezone.now() - timedelta(days=days_ago)
        AccessibilityReport.objects.filter(pk=report.pk).update(created_at=then, updated_at=then)
    return report


@pytest.fixture
def annas_data(make_article, make_comment):
    """Anna's comments and reports under two spellings of her address, and Bertil's."""
    article = make_article("Nätverk för stärkt innovationskraft")
    make_comment(article, "Annas första.", email="anna@example.se", reply="Tack, Anna!")
    make_comment(make_article("Annan nyhet"), "Annas andra.", email="Anna@Example.SE")
    make_comment(article, "Annas skräp.", email="anna@example.se", status=Comment.Status.SPAM)
    make_comment(article, "Bertils.", email="bertil@example.se")
    make_report(problem="Annas rapport.", name="Anna Andersson", email="ANNA@example.se")
    make_report(problem="Bertils rapport.", email="bertil@example.se")
    make_report(problem="Anonym rapport.")


# Export


def test_export_prints_every_comment_and_report_of_an_address_as_json(annas_data):
    exported = export("ANNA@example.se")
    assert exported["email"] == "ANNA@example.se"
    assert [c["text"] for c in exported["comments"]] == [
        "Annas första.",
        "Annas andra.",
        "Annas skräp.",
    ]
    assert [r["problem"] for r in exported["accessibility_reports"]] == ["Annas rapport."]


def test_export_holds_what_was_written_where_and_the_reply(annas_data):
    first = export("anna@example.se")["comments"][0]
    assert first["article"] == "Nätverk för stärkt innovationskraft"
    assert first["article_url"] == "/nyheter/natverk-for-starkt-innovationskraft/"
    assert (first["name"], first["email"], first["status"]) == (
        "Anna Andersson",
        "anna@example.se",
        "published",
    )
    assert first["reply"] == "Tack, Anna!"
    assert first["created_at"]


def test_export_holds_the_report_as_sent_and_what_was_done(annas_data):
    report = export("anna@example.se")["accessibility_reports"][0]
    assert (report["name"], report["email"], report["status"]) == (
        "Anna Andersson",
        "ANNA@example.se",
        "new",
    )
    assert set(report) == {"problem", "page", "name", "email", "status", "note", "created_at"}


def test_export_says_what_an_address_cannot_find(annas_data):
    out, err = run("personal_data", "anna@example.se", "--export")
    assert any(
        "Consent records hold no e-mail address" in n for n in json.loads(out)["not_searched"]
    )
    assert err.splitlines()[:2] == ["Comments: 3 found.", "Accessibility reports: 1 found."]
    assert "Not searched: Hashed IP addresses" in err


def test_export_does_not_erase(annas_data):
    export("anna@example.se")
    assert Comment.objects.count() == 4
    assert AccessibilityReport.objects.count() == 3


# Erasure


def test_erase_deletes_every_comment_and_report_of_an_address(annas_data):
    run("personal_data", "Anna@example.se", "--erase")
    assert list(Comment.objects.values_list("text", flat=True)) == ["Bertils."]
    assert sorted(AccessibilityReport.objects.values_list("problem", flat=True)) == [
        "Anonym rapport.",
        "Bertils rapport.",
    ]


def test_erase_says_what_it_erased_in_each_app_and_what_it_cannot_find(annas_data):
    out, _err = run("personal_data", "anna@example.se", "--erase")
    lines = out.splitlines()
    assert lines[:2] == ["Comments: 3 erased.", "Accessibility reports: 1 erased."]
    assert lines[2].startswith("Not searched: Consent records hold no e-mail address")


def test_erase_of_an_unknown_address_is_an_error(annas_data):
    with pytest.raises(CommandError, match="Nothing found for okand@example.se."):
        run("personal_data", "okand@example.se", "--erase")


@pytest.mark.parametrize("address", ["", " ", "anna"])
def test_erase_of_something_that_is_not_an_address_erases_nothing(annas_data, address):
    with pytest.raises(CommandError, match="is not an e-mail address"):
        run("personal_data", address, "--erase")
    assert AccessibilityReport.objects.count() == 3


def test_command_needs_to_be_told_to_export_or_erase(annas_data):
    with pytest.raises(CommandError):
        run("personal_data", "anna@example.se")


# Retention of accessibility reports


def test_reports_unchanged_for_two_years_are_deleted(db):
    make_report(problem="Gammal.", days_ago=731)
    make_report(problem="Ny.", days_ago=729)
    run("prune_accessibility_reports")
    assert list(AccessibilityReport.objects.values_list("problem", flat=True)) == ["Ny."]


def test_pruning_more_reports_than_one_batch_deletes_them_all(db, monkeypatch):
    from adda_site import retention

    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    for number in range(5):
        make_report(problem=f"Gammal {number}.", days_ago=731)
    make_report(problem="Ny.", days_ago=1)
    assert run("prune_accessibility_reports")[0] == (
        "5 accessibility reports unchanged for 730 days deleted.\n"
    )
    assert list(AccessibilityReport.objects.values_list("problem", flat=True)) == ["Ny."]


def test_report_still_being_handled_is_kept(db):
    report = make_report(problem="Pågår.", days_ago=1000)
    report.status = AccessibilityReport.Status.IN_PROGRESS
    report.save()
    run("prune_accessibility_reports")
    assert AccessibilityReport.objects.get().problem == "Pågår."


def test_report_retention_follows_the_setting(db, settings):
    settings.PAGES_REPORT_RETENTION_DAYS = 30
    make_report(problem="Gammal.", days_ago=31)
    assert run("prune_accessibility_reports")[0] == (
        "1 accessibility reports unchanged for 30 days deleted.\n"
    )
    assert not AccessibilityReport.objects.exists()
