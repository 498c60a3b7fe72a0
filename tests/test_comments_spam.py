import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from comments.models import BlockedWord, Comment

TOO_FAST = "Det gick fort! Kontrollera din kommentar och skicka den igen."
TOO_OLD = "Formuläret har varit öppet för länge. Din text finns kvar: skicka den igen."
SEND_AGAIN = "Skicka din kommentar igen."
TOO_MANY = (
    "Du har skickat många kommentarer på kort tid. Vänta några minuter och skicka igen: "
    "din text finns kvar nedan."
)
TEXT = "Bra att kommunerna samarbetar.\nHoppas nätverket når ut till de små orterna också."
MODES = pytest.mark.parametrize("mode", ["all", "first", "none"])


@pytest.fixture
def article(make_article):
    return make_article("Nätverk för stärkt innovationskraft")


def error_summary(response) -> str:
    html = response.text
    start = html.index('<div class="error-summary"')
    return html[start : html.index("</div>", start)]


def stamp_in(response) -> str:
    return re.search(r'name="stamp" value="([^"]+)"', response.text)[1]


def send_comments(post_comment, article, count, **fields) -> list[int]:
    return [
        post_comment(article, text=f"Kommentar nummer {n}.", **fields).status_code
        for n in range(1, count + 1)
    ]


# The honeypot


def test_filled_in_honeypot_stores_the_comment_as_spam(post_comment, article):
    post_comment(article, hp_kontroll="https://billiga-klockor.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reason == "honeypot"


def test_honeypot_hit_is_answered_like_any_comment(post_comment, article):
    response = post_comment(article, hp_kontroll="x")
    assert response.status_code == 302
    assert response["Location"].endswith("?kommentar=tack#kommentarer")


def test_honeypot_is_hidden_from_people_and_left_alone_by_autofill(client, article):
    html = client.get(article.get_absolute_url()).text
    assert re.search(r'<div\s+class="honeypot"\s+aria-hidden="true">', html)
    field = re.search(r'<input type="text" name="hp_kontroll"[^>]*>', html)[0]
    assert 'autocomplete="off"' in field
    assert 'tabindex="-1"' in field


def test_honeypot_field_is_not_in_the_error_summary(post_comment, article):
    response = post_comment(article, name="")
    assert "Lämna det här fältet tomt" not in error_summary(response)


# The signed time stamp


def test_form_sent_faster_than_a_person_types_is_refused(post_comment, comment_stamp, article):
    response = post_comment(article, stamp=comment_stamp(seconds_ago=0, article=article))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_fast_form_says_why_and_keeps_the_text(post_comment, comment_stamp, article):
    response = post_comment(article, text=TEXT, stamp=comment_stamp(seconds_ago=1, article=article))
    assertInHTML(f"<li>{TOO_FAST}</li>", error_summary(response))
    assertContains(response, f">\n{TEXT}</textarea>", status_code=400)


def test_form_sent_after_a_few_seconds_is_accepted(post_comment, comment_stamp, article):
    response = post_comment(article, stamp=comment_stamp(seconds_ago=4, article=article))
    assert response.status_code == 302


def test_form_older_than_a_day_is_refused(post_comment, comment_stamp, article):
    response = post_comment(
        article, stamp=comment_stamp(seconds_ago=24 * 3600 + 60, article=article)
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_old_form_says_why_and_keeps_the_text(post_comment, comment_stamp, article):
    response = post_comment(
        article, text=TEXT, stamp=comment_stamp(seconds_ago=2 * 24 * 3600, article=article)
    )
    assertInHTML(f"<li>{TOO_OLD}</li>", error_summary(response))
    assertContains(response, f">\n{TEXT}</textarea>", status_code=400)


def test_form_open_for_almost_a_day_is_accepted(post_comment, comment_stamp, article):
    response = post_comment(article, stamp=comment_stamp(seconds_ago=23 * 3600, article=article))
    assert response.status_code == 302


def test_too_old_form_can_be_sent_again_as_shown(
    post_comment, comment_stamp, article, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    refused = post_comment(article, stamp=comment_stamp(seconds_ago=2 * 24 * 3600, article=article))
    time_machine.shift(timedelta(minutes=1))
    response = post_comment(article, stamp=stamp_in(refused))
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("stamp", ["", "1700000000.0", "bm90IGEgc3RhbXA:1abc:forged"])
def test_form_with_a_missing_or_forged_stamp_is_refused(post_comment, article, stamp):
    response = post_comment(article, stamp=stamp)
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("stamp", ["", "1700000000.0", "bm90IGEgc3RhbXA:1abc:forged"])
def test_form_with_a_missing_or_forged_stamp_asks_to_send_again(post_comment, article, stamp):
    response = post_comment(article, text=TEXT, stamp=stamp)
    assertInHTML(f"<li>{SEND_AGAIN}</li>", error_summary(response))
    assertContains(response, f">\n{TEXT}</textarea>", status_code=400)


def test_form_without_any_stamp_asks_to_send_again(client, comment_data, comment_settings, article):
    data = comment_data(article)
    del data["stamp"]
    response = client.post(f"{article.get_absolute_url()}kommentarer/", data)
    assertInHTML(f"<li>{SEND_AGAIN}</li>", error_summary(response))


def test_form_with_field_errors_does_not_also_complain_about_speed(
    post_comment, comment_stamp, article
):
    response = post_comment(article, name="", stamp=comment_stamp(seconds_ago=0, article=article))
    assertNotContains(response, TOO_FAST, status_code=400)


# The rate limit


def test_five_comments_in_ten_minutes_are_accepted(post_comment, article):
    assert send_comments(post_comment, article, 5) == [302] * 5


def test_sixth_comment_in_ten_minutes_is_refused_with_429(post_comment, article):
    send_comments(post_comment, article, 5)
    response = post_comment(article, text="Den sjätte.")
    assert response.status_code == 429
    assert not Comment.objects.filter(text="Den sjätte.").exists()


def test_refusal_for_too_many_comments_says_why_and_keeps_the_text(post_comment, article):
    send_comments(post_comment, article, 5)
    response = post_comment(article, text=TEXT)
    assertInHTML(f"<li>{TOO_MANY}</li>", error_summary(response))
    assertContains(response, f">\n{TEXT}</textarea>", status_code=429)


def test_rate_limit_does_not_hit_another_visitor(post_comment, article):
    send_comments(post_comment, article, 5, remote_addr="192.0.2.10")
    response = post_comment(article, text="Från någon annan.", remote_addr="192.0.2.99")
    assert response.status_code == 302


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")),
    reason="Redis ends the window in its own time, which time travel does not move",
)
def test_visitor_may_comment_again_after_ten_minutes(post_comment, article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    send_comments(post_comment, article, 5)
    time_machine.shift(timedelta(minutes=10, seconds=1))
    response = post_comment(article, text="Efter en paus.")
    assert response.status_code == 302


def test_visitor_is_still_limited_just_before_ten_minutes(post_comment, article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    send_comments(post_comment, article, 5)
    time_machine.shift(timedelta(minutes=9, seconds=50))
    response = post_comment(article, text="För tidigt.")
    assert response.status_code == 429


def test_invalid_attempts_do_not_use_up_the_rate_limit(post_comment, article):
    for _ in range(5):
        post_comment(article, name="")
    assert send_comments(post_comment, article, 5) == [302] * 5


# The link limit


def test_comment_with_two_links_is_accepted(post_comment, article):
    response = post_comment(article, text="Se https://a.example.se och http://b.example.se.")
    assert response.status_code == 302


def test_comment_with_too_many_links_is_refused_and_keeps_text(post_comment, article):
    text = "Se https://a.example.se, http://b.example.se och www.c.example.se."
    response = post_comment(article, text=text)
    assertContains(response, f">\n{text}</textarea>", status_code=400)
    assert not Comment.objects.exists()


# The blocklist


def test_comment_with_a_blocked_phrase_is_stored_as_spam(post_comment, article):
    BlockedWord.objects.create(phrase="billiga klockor")
    post_comment(article, text="Köp BILLIGA KLOCKOR här!")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reason == "blocklist: billiga klockor"


def test_name_with_a_blocked_phrase_is_stored_as_spam(post_comment, article):
    BlockedWord.objects.create(phrase="casino")
    post_comment(article, name="Bästa Casino")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_comment_without_blocked_phrases_waits_as_usual(post_comment, article):
    BlockedWord.objects.create(phrase="casino")
    post_comment(article, text="Ett vanligt inlägg om nätverket.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_blocked_comment_is_answered_like_any_comment(post_comment, article):
    BlockedWord.objects.create(phrase="casino")
    response = post_comment(article, text="casino casino")
    assert response["Location"].endswith("?kommentar=tack#kommentarer")


# Duplicates


def test_same_text_twice_on_the_same_article_is_stored_once(post_comment, article):
    post_comment(article, text=TEXT)
    second = post_comment(article, text=TEXT, remote_addr="192.0.2.99")
    assert second.status_code == 302
    assert Comment.objects.count() == 1


def test_same_words_from_another_visitor_are_their_own_comment(post_comment, article):
    post_comment(article, text=TEXT, email="anna@example.se")
    post_comment(article, text=TEXT, email="bo@example.se", remote_addr="192.0.2.99")
    assert sorted(Comment.objects.values_list("email", flat=True)) == [
        "anna@example.se",
        "bo@example.se",
    ]


def test_same_text_on_two_articles_is_stored_twice(post_comment, article, make_article):
    post_comment(article, text=TEXT)
    post_comment(make_article(), text=TEXT)
    assert Comment.objects.count() == 2


def test_published_comment_sent_again_is_not_shown_twice(
    client, post_comment, make_comment, article
):
    make_comment(article, TEXT)
    post_comment(article, text=TEXT)
    assertContains(client.get(article.get_absolute_url()), "Kommentarer (1)")


# Every moderation mode


@MODES
def test_too_many_links_are_refused_in_every_moderation_mode(post_comment, article, settings, mode):
    settings.COMMENTS_MODERATION = mode
    response = post_comment(article, text="https://a.se https://b.se https://c.se")
    assert response.status_code == 400
    assert not Comment.objects.exists()


@MODES
def test_blocked_phrase_goes_to_spam_in_every_moderation_mode(
    post_comment, make_comment, article, settings, mode
):
    settings.COMMENTS_MODERATION = mode
    make_comment(article, "Publicerad tidigare.")  # a known address, for "first"
    BlockedWord.objects.create(phrase="casino")
    post_comment(article, text="Spela casino!")
    assert Comment.objects.get(text="Spela casino!").status == Comment.Status.SPAM


@MODES
def test_honeypot_hit_goes_to_spam_in_every_moderation_mode(
    post_comment, make_comment, article, settings, mode
):
    settings.COMMENTS_MODERATION = mode
    make_comment(article, "Publicerad tidigare.")  # a known address, for "first"
    post_comment(article, text="Automatiskt.", hp_kontroll="x")
    assert Comment.objects.get(text="Automatiskt.").status == Comment.Status.SPAM


@MODES
def test_duplicate_is_stored_once_in_every_moderation_mode(post_comment, article, settings, mode):
    settings.COMMENTS_MODERATION = mode
    post_comment(article, text=TEXT)
    post_comment(article, text=TEXT)
    assert Comment.objects.count() == 1


def test_spam_is_never_shown_even_when_none_wait(client, post_comment, article, settings):
    settings.COMMENTS_MODERATION = "none"
    BlockedWord.objects.create(phrase="casino")
    post_comment(article, text="Spela casino!")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (0)")
    assertNotContains(response, "Spela casino!")


def test_stamp_made_for_another_articles_form_is_refused(
    post_comment, comment_stamp, article, make_article
):
    other = make_article("En annan nyhet")

    response = post_comment(article, stamp=comment_stamp(article=other))

    assertInHTML(f"<li>{SEND_AGAIN}</li>", error_summary(response))
    assert not Comment.objects.exists()
