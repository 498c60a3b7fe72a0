import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.db.models.signals import pre_delete
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.models import Comment

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def article(make_article):
    return make_article("Nätverk för stärkt innovationskraft")


@pytest.fixture
def trusted_proxy(comment_settings):
    comment_settings.TRUSTED_PROXIES = ["10.0.0.2"]
    return "10.0.0.2"


def hash_of_comment(text: str) -> str:
    return Comment.objects.get(text=text).ip_hash


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# The visitor's address


def test_address_is_stored_only_as_a_hash(post_comment, article):
    post_comment(article, remote_addr="203.0.113.7")
    row = Comment.objects.values().get()
    assert len(row["ip_hash"]) == 64
    assert not any("203.0.113.7" in str(value) for value in row.values())


def test_stored_hash_is_keyed_not_a_plain_hash_of_the_address(post_comment, article):
    post_comment(article, remote_addr="203.0.113.7")
    assert Comment.objects.get().ip_hash not in {
        hashlib.sha256(b"203.0.113.7").hexdigest(),
        hashlib.md5(b"203.0.113.7").hexdigest(),
    }


def test_hash_depends_on_the_sites_secret_key(post_comment, article, settings):
    post_comment(article, text="Första.", remote_addr="203.0.113.7")
    settings.SECRET_KEY = "en-annan-hemlig-nyckel-" + "x" * 40
    post_comment(article, text="Andra.", remote_addr="203.0.113.7")
    assert hash_of_comment("Första.") != hash_of_comment("Andra.")


def test_same_address_gives_the_same_hash(post_comment, article):
    post_comment(article, text="Första.", remote_addr="203.0.113.7")
    post_comment(article, text="Andra.", remote_addr="203.0.113.7")
    post_comment(article, text="Tredje.", remote_addr="203.0.113.8")
    assert hash_of_comment("Första.") == hash_of_comment("Andra.")
    assert hash_of_comment("Första.") != hash_of_comment("Tredje.")


def test_forwarded_address_is_ignored_without_a_trusted_proxy(post_comment, article):
    post_comment(
        article, text="Första.", remote_addr="192.0.2.10", headers={"x-forwarded-for": "1.2.3.4"}
    )
    post_comment(
        article, text="Andra.", remote_addr="192.0.2.10", headers={"x-forwarded-for": "5.6.7.8"}
    )
    assert hash_of_comment("Första.") == hash_of_comment("Andra.")


def test_forged_forwarded_addresses_do_not_escape_the_rate_limit(post_comment, article):
    for n in range(5):
        post_comment(article, text=f"Nummer {n}.", headers={"x-forwarded-for": f"1.2.3.{n}"})
    response = post_comment(article, text="Sjätte.", headers={"x-forwarded-for": "9.9.9.9"})
    assert response.status_code == 429


def test_trusted_proxy_passes_on_the_visitors_address(post_comment, article, trusted_proxy):
    post_comment(
        article,
        text="Via proxyn.",
        remote_addr=trusted_proxy,
        headers={"x-forwarded-for": "203.0.113.7"},
    )
    post_comment(article, text="Direkt.", remote_addr="203.0.113.7")
    assert hash_of_comment("Via proxyn.") == hash_of_comment("Direkt.")


def test_visitors_behind_a_trusted_proxy_are_limited_one_by_one(
    post_comment, article, trusted_proxy
):
    for n in range(5):
        post_comment(
            article,
            text=f"Nummer {n}.",
            remote_addr=trusted_proxy,
            headers={"x-forwarded-for": "203.0.113.7"},
        )
    response = post_comment(
        article,
        text="Från en annan besökare.",
        remote_addr=trusted_proxy,
        headers={"x-forwarded-for": "203.0.113.8"},
    )
    assert response.status_code == 302


def test_address_a_visitor_adds_before_the_proxy_is_not_believed(
    post_comment, article, trusted_proxy
):
    post_comment(
        article,
        text="Förfalskad.",
        remote_addr=trusted_proxy,
        headers={"x-forwarded-for": "198.51.100.1, 203.0.113.7"},
    )
    post_comment(article, text="Direkt.", remote_addr="203.0.113.7")
    assert hash_of_comment("Förfalskad.") == hash_of_comment("Direkt.")


def test_forwarded_address_from_an_untrusted_sender_is_ignored(
    post_comment, article, trusted_proxy
):
    post_comment(
        article,
        text="Inte via proxyn.",
        remote_addr="192.0.2.66",
        headers={"x-forwarded-for": "203.0.113.7"},
    )
    post_comment(article, text="Direkt.", remote_addr="192.0.2.66")
    assert hash_of_comment("Inte via proxyn.") == hash_of_comment("Direkt.")


def test_garbage_forwarded_address_falls_back_to_the_proxy(post_comment, article, trusted_proxy):
    response = post_comment(
        article,
        remote_addr=trusted_proxy,
        headers={"x-forwarded-for": "inte-en-adress, <script>"},
    )
    assert response.status_code == 302
    assert Comment.objects.get().ip_hash


# Retention


def test_hashed_addresses_are_forgotten_after_the_retention_period(article, make_comment, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    old = make_comment(article, ip_hash="a" * 64, created_at=timezone.now() - timedelta(days=31))
    new = make_comment(article, ip_hash="b" * 64, created_at=timezone.now() - timedelta(days=29))
    run("prune_comments")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_hash, new.ip_hash) == ("", "b" * 64)


def test_old_rejected_and_spam_comments_are_deleted(article, make_comment, settings):
    settings.COMMENTS_REJECTED_RETENTION_DAYS = 90
    long_ago = timezone.now() - timedelta(days=91)
    make_comment(article, "Avvisad.", status=Comment.Status.REJECTED, created_at=long_ago)
    make_comment(article, "Skräp.", status=Comment.Status.SPAM, created_at=long_ago)
    run("prune_comments")
    assert not Comment.objects.exists()


def test_recent_rejected_and_spam_comments_are_kept_for_review(article, make_comment, settings):
    settings.COMMENTS_REJECTED_RETENTION_DAYS = 90
    recently = timezone.now() - timedelta(days=89)
    make_comment(article, "Avvisad.", status=Comment.Status.REJECTED, created_at=recently)
    make_comment(article, "Skräp.", status=Comment.Status.SPAM, created_at=recently)
    run("prune_comments")
    assert Comment.objects.count() == 2


def test_old_published_and_waiting_comments_are_kept(article, make_comment, settings):
    settings.COMMENTS_REJECTED_RETENTION_DAYS = 90
    long_ago = timezone.now() - timedelta(days=3650)
    make_comment(article, "Publicerad.", created_at=long_ago)
    make_comment(article, "Väntar.", status=Comment.Status.PENDING, created_at=long_ago)
    run("prune_comments")
    assert sorted(Comment.objects.values_list("text", flat=True)) == ["Publicerad.", "Väntar."]


def test_pruning_more_comments_than_one_batch_handles_them_all(
    article, make_comment, settings, monkeypatch
):
    from adda_site import retention

    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    long_ago = timezone.now() - timedelta(days=365)
    for number in range(5):
        make_comment(article, f"Skräp {number}.", status=Comment.Status.SPAM, created_at=long_ago)
        make_comment(article, f"Publicerad {number}.", ip_hash="a" * 64, created_at=long_ago)
    assert run("prune_comments") == (
        "5 hashed IP addresses forgotten, 5 rejected or spam comments deleted.\n"
    )
    assert Comment.objects.count() == 5
    assert not Comment.objects.exclude(ip_hash="").exists()


def test_pruning_says_what_it_did(article, make_comment):
    long_ago = timezone.now() - timedelta(days=365)
    make_comment(article, ip_hash="a" * 64, created_at=long_ago)
    make_comment(article, ip_hash="b" * 64, status=Comment.Status.SPAM, created_at=long_ago)
    assert run("prune_comments") == (
        "2 hashed IP addresses forgotten, 1 rejected or spam comments deleted.\n"
    )


# Export and erasure by e-mail address in admin (for the command that reaches every app,
# see test_site_personal_data.py)


@pytest.fixture
def annas_comments(article, make_article, make_comment):
    """Anna's comments under two spellings of her address, and one of Bertil's."""
    make_comment(article, "Annas första.", email="anna@example.se", reply="Tack, Anna!")
    make_comment(make_article("Annan nyhet"), "Annas andra.", email="Anna@Example.SE")
    make_comment(article, "Annas skräp.", email="anna@example.se", status=Comment.Status.SPAM)
    make_comment(article, "Bertils.", email="bertil@example.se")


def test_admin_exports_every_comment_of_the_selected_comments_address(
    editor_client, annas_comments
):
    selected = Comment.objects.get(text="Annas andra.")
    response = editor_client.post(
        CHANGELIST, {"action": "export_by_email", "_selected_action": [selected.pk]}
    )
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="kommentarer-export.json"'
    exported = json.loads(response.content)
    assert list(exported) == ["anna@example.se"]
    assert [c["text"] for c in exported["anna@example.se"]] == [
        "Annas första.",
        "Annas andra.",
        "Annas skräp.",
    ]


def test_admin_erases_every_comment_of_the_selected_comments_address(editor_client, annas_comments):
    selected = Comment.objects.get(text="Annas första.")
    response = editor_client.post(
        CHANGELIST, {"action": "erase_by_email", "_selected_action": [selected.pk]}, follow=True
    )
    assertContains(response, "3 kommentarer raderade.")
    assert list(Comment.objects.values_list("text", flat=True)) == ["Bertils."]


def test_admin_erasing_two_addresses_is_all_or_nothing(editor_client, annas_comments):
    selected = Comment.objects.filter(text__in=["Annas första.", "Bertils."])
    addresses = []

    def fail_on_second_address(sender, instance, **kwargs):
        addresses.append(instance.email.lower())
        if len(set(addresses)) > 1:
            raise DatabaseError("disk I/O error")

    pre_delete.connect(fail_on_second_address, sender=Comment)
    try:
        with pytest.raises(DatabaseError):
            editor_client.post(
                CHANGELIST,
                {"action": "erase_by_email", "_selected_action": [c.pk for c in selected]},
            )
    finally:
        pre_delete.disconnect(fail_on_second_address, sender=Comment)
    assert Comment.objects.count() == 4


def test_erased_comments_disappear_from_the_article_page(client, editor_client, annas_comments):
    selected = Comment.objects.get(text="Annas första.")
    editor_client.post(CHANGELIST, {"action": "erase_by_email", "_selected_action": [selected.pk]})
    response = client.get(selected.article.get_absolute_url())
    assertContains(response, "Kommentarer (1)")
