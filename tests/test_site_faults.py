"""When a service the site needs fails: the database (PostgreSQL gone, SQLite locked), the
cache (Redis), the mail server, and the making of image renditions. Visitors get Swedish
pages and keep what they typed; nothing waits forever; nothing is lost silently."""

import html
import logging
import re
import sqlite3
import threading
import time

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from faults import EDITOR_PASSWORD, closed_port, hanging_server, postgres_rows, sqlite_locked
from imagekit.cachefiles import ImageCacheFile
from imagekit.utils import get_singleton
from production_site import Browser, form_fields
from pytest_django.asserts import assertContains

from adda_site import cache as tolerant_cache
from comments.models import Comment
from consent.models import ConsentRecord
from news import models as news_models
from news.models import Article, Image

ARTICLE = "/nyheter/nyhet/"
# The same pages at addresses the page cache never shares (a parameter it does not know):
# read from the database each time. The cached ones are still served in an outage.
UNCACHED_ARTICLE = f"{ARTICLE}?fran=test"
UNCACHED_START_PAGE = "/?fran=test"
COMMENT_ACTION = "/nyheter/nyhet/kommentarer/"
UNAVAILABLE_HEADING = "<h1>Webbplatsen är tillfälligt otillgänglig</h1>"
UNAVAILABLE_TEXT = (
    "Ett tillfälligt fel hos oss gör att sidan inte kan visas just nu. "
    "Försök igen om några minuter."
)
NOT_SAVED_HEADING = "<h1>Din kommentar kunde inte sparas ännu</h1>"
NOT_SAVED_TEXT = (
    "Ett tillfälligt fel hos oss gjorde att din kommentar inte kunde sparas. "
    "Din text finns kvar nedan: skicka den igen om några minuter."
)
SEND_AGAIN = '<button type="submit" class="btn">Skicka igen</button>'
COMMENT = {
    "name": "Anna Andersson",
    "email": "anna@example.se",
    "text": "Bra att kommunerna samarbetar!\nSärskilt kring <it> & upphandling.",
    "hp_kontroll": "",
}


def comment_form(site) -> tuple[Browser, dict[str, str], float]:
    """A visitor opens the article: their browser, the comment form's hidden fields and
    when the form was shown."""
    browser = Browser(site.port)
    page = browser.get(ARTICLE)
    assert page.status == 200
    return browser, form_fields(page.body, COMMENT_ACTION), time.monotonic()


def wait_like_a_person(shown: float) -> None:
    # The form is refused when sent sooner than FORM_MIN_SECONDS (3) after it was shown.
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))


def typed_fields(page: str) -> dict[str, str]:
    """What the page shows in the visible fields of its form, as the browser would send it."""
    inputs = re.findall(r'<input type="(?:text|email)" [^>]*name="(\w+)" value="([^"]*)"', page)
    fields = {name: html.unescape(value) for name, value in inputs}
    textarea = re.search(r'<textarea [^>]*name="text"[^>]*>(.*?)</textarea>', page, re.S)
    return fields | {"text": html.unescape(textarea[1])}


def assert_unavailable(answer) -> None:
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert UNAVAILABLE_HEADING in answer.body
    assert UNAVAILABLE_TEXT in answer.body
    assert "Traceback" not in answer.body


def assert_comment_kept(answer) -> None:
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert NOT_SAVED_HEADING in answer.body
    assert NOT_SAVED_TEXT in answer.body
    assert SEND_AGAIN in answer.body
    assert typed_fields(answer.body) == COMMENT
    assert "Traceback" not in answer.body


# PostgreSQL gone: the production site reaches it through a forwarder the tests close


def test_article_page_while_the_database_is_down_is_a_swedish_503_with_retry_after(
    postgres_site, database_down
):
    database_down()

    assert_unavailable(Browser(postgres_site.port).get(UNCACHED_ARTICLE))


def test_start_page_while_the_database_is_down_is_the_same_503_page(postgres_site, database_down):
    database_down()

    assert_unavailable(Browser(postgres_site.port).get(UNCACHED_START_PAGE))


def test_pages_the_cache_holds_are_served_while_the_database_is_down(postgres_site, database_down):
    visitor = Browser(postgres_site.port)
    visitor.get(ARTICLE)
    database_down()

    answer = visitor.get(ARTICLE)
    # Pages that must be read give the 503 page; each worker then drops its broken
    # connection, which lets the database's forwarder open again on its port.
    read = {visitor.get(UNCACHED_ARTICLE).status for _ in range(4)}

    assert answer.status == 200
    assert "<h1>Nyhet</h1>" in answer.body
    assert read == {503}


def test_comment_sent_while_the_database_is_down_comes_back_with_the_visitors_text(
    postgres_site, database_down
):
    browser, fields, _shown = comment_form(postgres_site)
    database_down()

    assert_comment_kept(browser.post(COMMENT_ACTION, fields | COMMENT))


def test_comment_kept_during_the_outage_is_saved_when_sent_again(postgres_site, database_down):
    browser, fields, shown = comment_form(postgres_site)
    database_down()
    kept = browser.post(COMMENT_ACTION, fields | COMMENT)
    postgres_site.database.open()
    wait_like_a_person(shown)

    again = browser.post(
        COMMENT_ACTION, form_fields(kept.body, COMMENT_ACTION) | typed_fields(kept.body)
    )

    assert again.status == 302
    texts = postgres_rows(postgres_site.database_name, "SELECT text FROM comments_comment")
    assert (COMMENT["text"],) in texts


def test_logged_in_editor_gets_the_503_page_too(postgres_site, database_down):
    editor = Browser(postgres_site.port)
    login = form_fields(editor.get("/admin/login/").body, "/admin/login/")
    answer = editor.post(
        "/admin/login/",
        login | {"username": "redaktor", "password": EDITOR_PASSWORD, "next": "/admin/"},
    )
    assert answer.status == 302
    database_down()

    # The session is read by a middleware, before any view.
    assert_unavailable(editor.get("/admin/"))


def test_site_answers_again_by_itself_when_the_database_returns(postgres_site, database_down):
    visitor = Browser(postgres_site.port)
    # Both workers keep a connection open (CONN_MAX_AGE), which the outage breaks.
    assert {visitor.get("/").status for _ in range(6)} == {200}
    database_down()
    # What the page cache holds is still served; what must be read is a 503.
    assert {visitor.get("/").status for _ in range(4)} == {200}
    assert {visitor.get("/nyheter/sok/?q=nyhet").status for _ in range(4)} == {503}

    postgres_site.database.open()

    assert {visitor.get(ARTICLE).status for _ in range(6)} == {200}


# SQLite locked by another program for longer than SQLITE_BUSY_TIMEOUT_MS (0.3 s here)


def test_article_page_while_sqlite_is_locked_is_a_swedish_503(sqlite_site):
    with sqlite_locked(sqlite_site.database_name, readers_too=True):
        answer = Browser(sqlite_site.port).get(UNCACHED_ARTICLE)

    assert_unavailable(answer)


def test_article_page_is_read_while_sqlite_is_locked_only_for_writing(sqlite_site):
    with sqlite_locked(sqlite_site.database_name):
        answer = Browser(sqlite_site.port).get(ARTICLE)

    assert answer.status == 200


def test_comment_sent_while_sqlite_is_locked_comes_back_with_the_visitors_text(sqlite_site):
    browser, fields, shown = comment_form(sqlite_site)
    wait_like_a_person(shown)

    with sqlite_locked(sqlite_site.database_name):
        started = time.monotonic()
        answer = browser.post(COMMENT_ACTION, fields | COMMENT)
        waited = time.monotonic() - started

    assert_comment_kept(answer)
    assert waited < 5


def test_site_answers_again_when_the_sqlite_lock_is_released(sqlite_site):
    visitor = Browser(sqlite_site.port)
    with sqlite_locked(sqlite_site.database_name, readers_too=True):
        assert visitor.get(UNCACHED_ARTICLE).status == 503

    assert {visitor.get(UNCACHED_ARTICLE).status for _ in range(4)} == {200}
    database = sqlite3.connect(sqlite_site.database_name)
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    database.close()


# Redis down: the cache misses, the site works


@pytest.fixture
def redis_down(settings):
    """REDIS_URL pointing at a port where no Redis answers."""
    settings.CACHES = {
        "default": {
            "BACKEND": "adda_site.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    tolerant_cache._Outage.is_down = False
    # imagekit keeps the cache it first used; it must ask for the one configured now.
    renditions_backend = get_singleton(
        settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND, "cache file backend"
    )
    renditions_backend._cache = None
    yield
    renditions_backend._cache = None
    tolerant_cache._Outage.is_down = False
    tolerant_cache._Outage.down_until = 0.0


@pytest.fixture
def article(make_article, site_pages):
    return make_article("Nätverk för stärkt innovationskraft")


def test_with_redis_down_the_start_page_is_served(client, article, redis_down):
    response = client.get("/")

    assertContains(response, "Nätverk för stärkt innovationskraft")


def test_with_redis_down_the_article_page_is_served_with_its_comment_form(
    client, article, make_comment, redis_down
):
    make_comment(article, "En publicerad kommentar.")

    response = client.get(article.get_absolute_url())

    assertContains(response, '<h2 id="kommentarer-rubrik">Kommentarer (1)</h2>', html=True)
    assertContains(response, "Skriv en kommentar")


def test_with_redis_down_a_comment_is_saved_and_the_rate_limit_fails_open(
    post_comment, article, redis_down, caplog
):
    response = post_comment(article)

    assert response.status_code == 302
    assert Comment.objects.get().text == "Bra att kommunerna samarbetar."
    assert "Rate limit not counted: the cache is unavailable" in caplog.text


def test_with_redis_down_a_cookie_choice_is_saved(client, choose, site_pages, redis_down):
    response = choose(client, "alla")

    assert response.status_code == 302
    assert response.cookies["samtycke"].value
    assert ConsentRecord.objects.count() == 1


def test_with_redis_down_an_article_with_an_image_is_saved_with_its_renditions(
    make_article, make_bank_image, redis_down
):
    article = make_article(hero=make_bank_image())

    assert Article.objects.get(pk=article.pk).hero.has_renditions


def test_redis_outage_is_logged_once_not_on_every_request(client, article, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="adda_site.cache")
    for _ in range(3):
        client.get(article.get_absolute_url())

    warnings = [r for r in caplog.records if r.name == "adda_site.cache"]
    assert [r.getMessage().split(":")[0] for r in warnings] == [
        "The cache (Redis) is unavailable, serving uncached"
    ]


# The mail server down or hanging: the editors' mail about a waiting comment is retried


@pytest.fixture
def editors_notified(comment_settings, editor):
    comment_settings.COMMENTS_NOTIFY_EDITORS = True


@pytest.fixture
def mail_server(settings):
    """``mail_server(port)``: the site's mail goes over SMTP to that loopback port, with
    EMAIL_TIMEOUT 1."""

    def factory(port: int) -> None:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 1},
            }
        }

    return factory


def mail_threads_finish(seconds: float = 10) -> float:
    """Wait for the threads sending mail in the background; how long that took."""
    started = time.monotonic()
    for thread in threading.enumerate():
        if thread.name == "editors-mail":
            thread.join(timeout=seconds)
    return time.monotonic() - started


def test_comment_sent_while_the_mail_server_is_down_is_kept_for_the_next_mail(
    post_comment, article, editors_notified, mail_server, caplog, django_capture_on_commit_callbacks
):
    mail_server(closed_port())
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(article)
    mail_threads_finish()

    assert response.status_code == 302
    assert Comment.objects.get().has_unsent_notification
    assert "send_comment_notifications will try again" in caplog.text


def test_mail_server_that_hangs_is_given_up_after_the_timeout(
    post_comment, article, editors_notified, mail_server, django_capture_on_commit_callbacks
):
    with hanging_server() as port:
        mail_server(port)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_comment(article)
        answered_after = time.monotonic() - started
        sending_took = mail_threads_finish()

    assert response.status_code == 302
    # The visitor never waits for the mail server, and the mail gives up after EMAIL_TIMEOUT.
    assert answered_after < 1
    assert sending_took < 5
    assert Comment.objects.get().has_unsent_notification


def test_the_retry_mails_the_editors_about_comments_whose_mail_failed(
    article, make_comment, editor, capsys
):
    comment = make_comment(
        article,
        "Väntar på granskning.",
        status=Comment.Status.PENDING,
        has_unsent_notification=True,
    )

    call_command("send_comment_notifications")

    [message] = mail.outbox
    assert message.subject == "En ny kommentar väntar på granskning"
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body
    assert not Comment.objects.get().has_unsent_notification
    assert capsys.readouterr().out == "E-mails about waiting comments sent to the editors: 1.\n"


def test_the_retry_fails_while_the_mail_server_is_still_down(
    article, make_comment, editor, mail_server
):
    make_comment(article, status=Comment.Status.PENDING, has_unsent_notification=True)
    mail_server(closed_port())

    with pytest.raises(CommandError, match="could not be sent: 1. The comments keep waiting"):
        call_command("send_comment_notifications")

    assert Comment.objects.get().has_unsent_notification


def test_the_retry_sends_nothing_about_a_comment_already_moderated(article, make_comment, editor):
    make_comment(article, status=Comment.Status.PUBLISHED, has_unsent_notification=True)

    call_command("send_comment_notifications")

    assert mail.outbox == []
    assert not Comment.objects.get().has_unsent_notification


def test_editor_finds_comments_whose_mail_has_not_gone_in_the_admin(
    editor_client, article, make_comment
):
    make_comment(
        article, "Ingen e-post ännu.", status=Comment.Status.PENDING, has_unsent_notification=True
    )
    make_comment(article, "E-post skickad.", status=Comment.Status.PENDING)

    response = editor_client.get("/admin/comments/comment/?has_unsent_notification__exact=1")

    assertContains(response, "Ingen e-post ännu.")
    assert "E-post skickad." not in response.text
    assertContains(response, "På e-post till redaktörerna ännu inte skickad")


# Image renditions that fail or are slow: the article shows its original image


@pytest.fixture
def renditions_fail(monkeypatch):
    def fail(self, force=False):
        raise OSError("No space left on device")

    monkeypatch.setattr(ImageCacheFile, "generate", fail)
    return monkeypatch


def hero(client, article) -> str:
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    return re.search(r'<div class="article__hero">.*?</div>', page.text, re.S)[0]


def test_article_whose_renditions_cannot_be_made_shows_its_original_image(
    client, make_article, make_bank_image, renditions_fail, caplog
):
    article = make_article(hero=make_bank_image(alt_text="Ett torg", name="torget.png"))

    img = hero(client, article)

    assert f'<img src="{article.hero.file.url}" width="1600" height="900" alt="Ett torg"' in img
    assert "srcset" not in img
    assert "Could not make the renditions of images/" in caplog.text


def test_saving_the_image_again_makes_the_renditions_that_failed(
    client, make_article, make_bank_image, renditions_fail, media_root
):
    article = make_article(hero=make_bank_image())
    renditions_fail.undo()

    Image.objects.get(pk=article.hero_id).save()

    img = hero(client, article)
    assert '<source type="image/webp" srcset="/media/renditions/' in img
    assert len(list((media_root / "renditions").rglob("*.webp"))) >= 4


def test_deleted_rendition_is_made_again_when_the_image_is_saved(
    make_article, make_bank_image, media_root
):
    article = make_article(hero=make_bank_image())
    deleted = sorted((media_root / "renditions").rglob("*.jpg"))[0]
    deleted.unlink()

    article.hero.save()

    assert deleted.exists()


def test_page_shown_while_a_new_image_is_being_made_into_renditions_has_the_original(
    client, make_article, make_bank_image, make_image_upload, monkeypatch
):
    article = make_article(hero=make_bank_image())
    seen = []

    def slow_renditions(*args, **kwargs):
        # A visitor opens the page while the renditions are being made.
        seen.append(hero(client, article))
        return generate_renditions(*args, **kwargs)

    generate_renditions = news_models.generate_renditions
    monkeypatch.setattr(news_models, "generate_renditions", slow_renditions)
    # The editor replaces the file of the image in the image bank.
    image = article.hero
    image.file = make_image_upload("hamnen.png")
    image.full_clean()
    image.save()

    assert f'<img src="{image.file.url}"' in seen[0]
    assert "srcset" not in seen[0]
    assert "srcset" in hero(client, article)


def test_body_image_whose_renditions_cannot_be_made_is_shown_as_the_original(
    client, make_article, make_image_upload, renditions_fail
):
    image = Image.objects.create(
        file=make_image_upload("hamnen.png", 1000, 600), description="Hamnen"
    )
    article = make_article(body=f'<figure><img src="{image.file.url}" alt="Båthamnen"></figure>')

    page = client.get(article.get_absolute_url())

    assertContains(page, f'<img src="{image.file.url}" width="1000" height="600" alt="Båthamnen"')


def test_a_database_error_that_is_not_an_outage_is_logged_with_its_trace(rf, caplog):
    from django.db import OperationalError

    from adda_site.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = rf.get("/nyheter/")
    with caplog.at_level("WARNING", logger="adda_site.middleware"):
        missing_column = middleware.process_exception(
            request, OperationalError("no such column: news_article.new_field")
        )
        locked = middleware.process_exception(request, OperationalError("database is locked"))

    assert missing_column.status_code == locked.status_code == 503
    levels = {record.getMessage().split(",")[0]: record for record in caplog.records}
    assert levels["Database error"].levelname == "ERROR"
    assert levels["Database error"].exc_info
    assert levels["Database unavailable"].levelname == "WARNING"
    assert not levels["Database unavailable"].exc_info
