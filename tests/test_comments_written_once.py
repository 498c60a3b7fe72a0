"""A comment's HTML is written once, when it is saved, and the article page shows that:
the same page as before, whoever saved the comment and in whatever language, also for
comments bulk-created, stored by a server of the previous release, or stored before."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from comments.models import Comment

BEFORE = [("comments", "0003_comment_has_unsent_notification")]
SUMMER_NOON = datetime(2022, 6, 21, 12, 5, tzinfo=UTC)
SHOWN_TIME = '<time datetime="2022-06-21T14:05:00+02:00">21 juni 2022 kl. 14.05</time>'


def comment_section(response) -> str:
    html = response.text
    start = html.index('<section id="kommentarer"')
    return html[start : html.index('<h2 id="skriv-kommentar">', start)]


def shown_comment(name: str, time: str, text: str, reply: str = "") -> str:
    if reply:
        reply = (
            '<div class="comment__reply"><p class="comment__reply-label">'
            f'<strong>Svar från redaktionen</strong></p><div class="comment__text">{reply}</div>'
            "</div>"
        )
    return (
        f'<article class="comment"><p class="comment__meta"><strong class="comment__name">'
        f'{name}</strong> {time}</p><div class="comment__text">{text}</div>{reply}</article>'
    )


@pytest.fixture
def article(make_article):
    return make_article("Nätverk för stärkt innovationskraft")


def test_visitor_sees_name_text_with_links_time_and_reply(client, article, make_comment):
    make_comment(
        article,
        "Läs <mer> på https://example.se/rapport.\n\nEtt stycke till.",
        name="Anna & Bertil",
        created_at=SUMMER_NOON,
        reply="Tack, se https://example.se/svar",
    )
    response = client.get(article.get_absolute_url())
    assertInHTML(
        shown_comment(
            "Anna &amp; Bertil",
            SHOWN_TIME,
            '<p>Läs &lt;mer&gt; på <a href="https://example.se/rapport" '
            'rel="nofollow ugc noopener">https://example.se/rapport</a>.</p>'
            "<p>Ett stycke till.</p>",
            reply='<p>Tack, se <a href="https://example.se/svar" rel="nofollow ugc noopener">'
            "https://example.se/svar</a></p>",
        ),
        comment_section(response),
    )


def test_reply_written_in_admin_is_shown_instead_of_the_comment_as_it_was(
    client, editor_client, article, make_comment
):
    comment = make_comment(article, "När startar nätverket?")
    client.get(article.get_absolute_url())
    editor_client.post(
        f"/admin/comments/comment/{comment.pk}/change/",
        {"status": "published", "reply": "Det startar i augusti.", "_save": "Spara"},
    )
    response = client.get(article.get_absolute_url())
    assertContains(response, "Svar från redaktionen")
    assertContains(response, "<p>Det startar i augusti.</p>", html=True)


@pytest.mark.parametrize("update_fields", [None, ["text"]])
def test_corrected_text_is_shown_not_the_old_one(client, article, make_comment, update_fields):
    comment = make_comment(article, "Nätverket startar i juli.")
    comment.text = "Nätverket startar i augusti."
    comment.save(update_fields=update_fields)
    response = client.get(article.get_absolute_url())
    assertContains(response, "Nätverket startar i augusti.")
    assertNotContains(response, "Nätverket startar i juli.")


def test_comment_saved_while_english_is_active_is_swedish_on_the_page(
    client, article, make_comment
):
    with translation.override("en"):
        make_comment(article, created_at=SUMMER_NOON, reply="Tack!")
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML(SHOWN_TIME, section)
    assert "Svar från redaktionen" in section
    assert "June" not in section
    assert "Reply from the editors" not in section


def test_comment_posted_by_an_english_speaking_visitor_is_swedish_on_the_page(
    client, article, post_comment, comment_settings
):
    comment_settings.COMMENTS_MODERATION = "none"
    with translation.override("en"):
        post_comment(article, text="Bra att kommunerna samarbetar.")
    assert Comment.objects.published().count() == 1
    section = comment_section(client.get(article.get_absolute_url()))
    assert " kl. " in section
    assert " at " not in section


def test_comment_stored_without_its_html_is_still_shown_whole(client, article, make_comment):
    make_comment(article, "Skriven i förväg.", name="Anna")
    late = make_comment(
        article, "Lagrad av en äldre server.", name="Bertil", created_at=SUMMER_NOON
    )
    # As a server of the previous release inserts it during an upgrade.
    Comment.objects.filter(pk=late.pk).update(html="")
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML('<h2 id="kommentarer-rubrik">Kommentarer (2)</h2>', section)
    assertInHTML(shown_comment("Bertil", SHOWN_TIME, "<p>Lagrad av en äldre server.</p>"), section)
    assert "Skriven i förväg." in section


def test_bulk_created_comments_are_shown_whole(client, article):
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Person {n}",
            email="p@example.se",
            text=f"Text {n}",
            status=Comment.Status.PUBLISHED,
            created_at=SUMMER_NOON,
        )
        for n in range(3)
    )
    assert not Comment.objects.filter(html="").exists()
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML(shown_comment("Person 2", SHOWN_TIME, "<p>Text 2</p>"), section)


def test_write_comments_rewrites_html_that_is_out_of_date(client, article, make_comment, capsys):
    comment = make_comment(article, "Som den är nu.", name="Anna", created_at=SUMMER_NOON)
    Comment.objects.filter(pk=comment.pk).update(html="<p>Som den skrevs förr.</p>")
    client.get(article.get_absolute_url())  # the page as it was, in the page cache
    call_command("write_comments")
    assert capsys.readouterr().out == "Comments whose HTML was written again: 1.\n"
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML(shown_comment("Anna", SHOWN_TIME, "<p>Som den är nu.</p>"), section)
    assert "Som den skrevs förr." not in section


def test_write_comments_changes_nothing_when_every_comment_is_up_to_date(
    article, make_comment, capsys
):
    make_comment(article)
    call_command("write_comments")
    assert capsys.readouterr().out == "Comments whose HTML was written again: 0.\n"


def test_page_in_english_writes_the_comments_in_english(client, article, make_comment, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_comment(article, created_at=SUMMER_NOON, reply="Tack!")
    with translation.override("en"):
        section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML('<time datetime="2022-06-21T14:05:00+02:00">21 June 2022 at 14.05</time>', section)
    assert "Reply from the editors" in section


def test_page_in_another_time_zone_shows_the_comments_times_in_it(
    client, article, make_comment, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    make_comment(article, created_at=SUMMER_NOON)
    with timezone.override("UTC"):
        section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML(
        '<time datetime="2022-06-21T12:05:00+00:00">21 juni 2022 kl. 12.05</time>', section
    )


# The upgrade: comments stored before the release are written by its migration.


# Migrating rewrites tables: the rows of the data migrations (groups, cookie categories)
# are put back afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_comments_stored_before_the_upgrade_are_written_by_its_migration(
    client, make_article, migrator, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    OldComment = migrator(BEFORE).get_model("comments", "Comment")
    OldComment.objects.bulk_create(
        OldComment(
            article_id=article.pk,
            name=f"Person {n}",
            email="p@example.se",
            text=f"Skriven före uppgraderingen {n}.",
            status="published",
            created_at=SUMMER_NOON,
        )
        for n in range(3)
    )
    migrator(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert not Comment.objects.filter(html="").exists()
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML('<h2 id="kommentarer-rubrik">Kommentarer (3)</h2>', section)
    assertInHTML(
        shown_comment("Person 1", SHOWN_TIME, "<p>Skriven före uppgraderingen 1.</p>"), section
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_fill_cut_short_is_finished_by_migrating_again(client, make_article, migrator, settings):
    # The column comes in 0004 and the fill in 0005, so a fill stopped half way (a deploy
    # cut off) leaves 0005 to run again rather than a column that is there twice.
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    Added = migrator([("comments", "0004_comment_html")]).get_model("comments", "Comment")
    Added.objects.bulk_create(
        Added(
            article_id=article.pk,
            name="Person",
            email="p@example.se",
            text="Skriven under uppgraderingen.",
            status="published",
            created_at=SUMMER_NOON,
        )
        for _ in range(2)
    )
    migrator(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert not Comment.objects.filter(html="").exists()
    section = comment_section(client.get(article.get_absolute_url()))
    assertInHTML('<h2 id="kommentarer-rubrik">Kommentarer (2)</h2>', section)
