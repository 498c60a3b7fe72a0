"""Anonymous pages from the page cache: a hit costs no query and no template, what is per
visitor is never shared, and every edit shows on the next request."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from adda_site.forms import STAMP_SALT
from comments.models import Comment
from news.models import Article

BANNER = "consent-banner"
MATOMO_SCRIPT = "stats.example.org"


def fetch(client, url, **extra):
    """The answer, how many queries it cost and whether a template was rendered."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    response.queries = len(queries.captured_queries)
    response.rendered = bool(response.templates)
    return response


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]


def csrf_token_of(response) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)[1].decode()


def stamp_of(response) -> str:
    return re.search(rb'name="stamp" value="([^"]+)"', response.content)[1].decode()


@pytest.fixture
def article(make_article, make_category, make_comment):
    article = make_article("Kommunerna samarbetar", categories=[make_category("Innovation")])
    make_comment(article, "Bra initiativ.")
    return article


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/nyheter/",
        "/nyheter/?sida=2",
        "/nyheter/?kategori=innovation",
        "/nyheter/kategori/innovation/",
        "/nyheter/kommunerna-samarbetar/",
        "/nyheter/rss/",
        "/nyheter/kategori/innovation/rss/",
        "/sitemap.xml",
    ],
)
def test_second_visitor_gets_the_page_with_no_query_and_no_template(url, article, make_article):
    for _ in range(10):
        make_article()  # a second page of news
    first = fetch(Client(), url)
    second = fetch(Client(), url)
    assert first.status_code == second.status_code == 200
    assert first.queries > 0
    assert second.queries == 0
    # Feeds are written without a template; every other page shows that it had one.
    assert first.rendered or "/rss/" in url
    assert not second.rendered
    assert second["Content-Type"] == first["Content-Type"]


def test_searches_are_never_stored(article):
    fetch(Client(), "/nyheter/sok/?q=kommunerna")
    assert fetch(Client(), "/nyheter/sok/?q=kommunerna").queries > 0


@pytest.mark.parametrize("query", ["?utm_source=nyhetsbrev", "?sida=abc", "?sida=1&x=1"])
def test_addresses_with_other_parameters_are_rendered_for_that_visitor_alone(article, query):
    fetch(Client(), f"/nyheter/{query}")
    response = fetch(Client(), f"/nyheter/{query}")
    assert response.queries > 0
    assert response["Cache-Control"] == "private, no-store"


def test_each_consent_bucket_gets_its_own_banner_and_scripts(article, choose, matomo):
    undecided, accepting, declining = Client(), Client(), Client()
    choose(accepting, "alla")
    choose(declining, "nodvandiga")
    gpc = Client(headers={"Sec-GPC": "1"})
    for _round in range(2):  # the second round comes from the cache
        for visitor, banner, script in [
            (undecided, True, False),
            (accepting, False, True),
            (declining, False, False),
            (gpc, False, False),
        ]:
            response = fetch(visitor, article.get_absolute_url())
            assert (BANNER in response.content.decode()) is banner
            assert (MATOMO_SCRIPT in response.content.decode()) is script
            # The policy header names the analytics host for the one who allowed it.
            assert (MATOMO_SCRIPT in response["Content-Security-Policy"]) is script
    assert fetch(Client(), article.get_absolute_url()).queries == 0


def test_visitors_with_different_cookie_values_share_one_stored_page(article, choose):
    first, second = Client(), Client()
    choose(first, "nodvandiga")
    choose(second, "nodvandiga")  # another consent id and time: the same bucket
    for visitor in (first, second):
        visitor.get("/")  # where each is told the choice was saved
    fetch(first, article.get_absolute_url())
    assert fetch(second, article.get_absolute_url()).queries == 0


def test_two_visitors_get_their_own_token_nonce_and_stamp_and_both_can_comment(
    article, comment_settings, settings
):
    settings.FORM_MIN_SECONDS = 0
    anna, bo = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = fetch(anna, article.get_absolute_url())
    second = fetch(bo, article.get_absolute_url())
    assert second.queries == 0

    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        nonces = set(re.findall(rb'nonce="([^"]+)"', response.content))
        assert nonces == {nonce_of(response).encode()}
    assert "csrftoken" in second.cookies  # the token on the page is Bo's own
    assert csrf_token_of(first) != csrf_token_of(second)

    for visitor, page, name in [(anna, first, "Anna"), (bo, second, "Bo")]:
        answer = visitor.post(
            f"/nyheter/{article.slug}/kommentarer/",
            {
                "name": name,
                "email": f"{name.lower()}@example.se",
                "text": f"{name} tycker till.",
                "hp_kontroll": "",
                "stamp": stamp_of(page),
                "csrfmiddlewaretoken": csrf_token_of(page),
            },
        )
        assert answer.status_code == 302, answer.content.decode()[:500]
    assert set(Comment.objects.pending().values_list("name", flat=True)) == {"Anna", "Bo"}


def test_a_page_from_the_cache_carries_a_stamp_made_for_this_response(article):
    fetch(Client(), article.get_absolute_url())
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = fetch(Client(), article.get_absolute_url())
        assert response.queries == 0
        issued, target = signing.loads(stamp_of(response), salt=STAMP_SALT)
        assert abs(issued - time.time()) < 5
        assert target == f"news.article:{article.pk}"


def test_a_thank_you_or_a_refused_comment_never_reaches_another_visitor(
    article, post_comment, comment_stamp
):
    anna = Client()
    refused = post_comment(article, using=anna, text="")
    assertContains(refused, "Din kommentar skickades inte", status_code=400)
    thanked = anna.get(f"{article.get_absolute_url()}?kommentar=tack")
    assertContains(thanked, "Tack för din kommentar!")
    assert thanked["Cache-Control"] == "private, no-store"
    for _ in range(2):
        page = fetch(Client(), article.get_absolute_url())
        assertNotContains(page, "Tack för din kommentar!")
        assertNotContains(page, "Din kommentar skickades inte")


def test_a_message_for_one_visitor_is_never_stored(article):
    visitor = Client()
    visitor.post("/cookies/val/", {"choice": "alla", "next": article.get_absolute_url()})
    page = fetch(visitor, article.get_absolute_url())
    assertContains(page, "Dina val om cookies har sparats.")
    assert page["Cache-Control"] == "private, no-store"
    assertNotContains(fetch(Client(), article.get_absolute_url()), "har sparats")


def test_staff_get_pages_rendered_for_them(article, editor_client):
    fetch(Client(), article.get_absolute_url())
    response = fetch(editor_client, article.get_absolute_url())
    assert response.queries > 0
    assert response["Cache-Control"] == "private, no-store"


# Fresh at once


def test_a_saved_article_shows_on_the_next_request(article):
    fetch(Client(), "/")
    article.title = "Regionerna samarbetar också"
    article.save()
    assertContains(fetch(Client(), "/"), "Regionerna samarbetar också")
    assertContains(fetch(Client(), article.get_absolute_url()), "Regionerna samarbetar också")


@pytest.mark.parametrize("action", ["unpublish", "publish"])
def test_bulk_publishing_in_admin_shows_on_the_next_request(article, editor_client, action):
    if action == "publish":
        Article.objects.filter(pk=article.pk).unpublish()
    fetch(Client(), "/nyheter/")
    editor_client.post("/admin/news/article/", {"action": action, "_selected_action": [article.pk]})
    listed = article.title in fetch(Client(), "/nyheter/").content.decode()
    assert listed is (action == "publish")


def test_a_deleted_article_is_gone_on_the_next_request(article, editor_client):
    fetch(Client(), article.get_absolute_url())
    editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert Client().get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("action", ["publish", "reject"])
def test_moderating_a_comment_shows_on_the_next_request(
    article, make_comment, editor_client, action
):
    status = Comment.Status.PENDING if action == "publish" else Comment.Status.PUBLISHED
    comment = make_comment(article, "Väntar på granskning.", status=status)
    fetch(Client(), article.get_absolute_url())
    editor_client.post(
        "/admin/comments/comment/", {"action": action, "_selected_action": [comment.pk]}
    )
    shown = "Väntar på granskning." in fetch(Client(), article.get_absolute_url()).content.decode()
    assert shown is (action == "publish")


def test_a_renamed_category_shows_on_the_next_request(article):
    fetch(Client(), article.get_absolute_url())
    category = article.categories.get()
    category.name = "Nya arbetssätt"
    category.save()
    assertContains(fetch(Client(), article.get_absolute_url()), "Nya arbetssätt")


def test_a_new_script_and_edited_cookie_texts_show_on_the_next_request(
    article, choose, make_gated_script, django_capture_on_commit_callbacks, settings
):
    from consent.models import CookieCategory

    settings.CONSENT_SCRIPT_ORIGINS = ["https://cdn.example.net"]
    accepting = Client()
    choose(accepting, "alla")
    assertNotContains(fetch(accepting, article.get_absolute_url()), BANNER)
    with django_capture_on_commit_callbacks(execute=True):
        make_gated_script(src="https://cdn.example.net/kartor.js")
    # A new script is a new question: the visitor is asked again, and told why.
    assertContains(fetch(accepting, article.get_absolute_url()), "Det här har ändrats")
    choose(accepting, "alla")
    accepting.get("/")  # where the visitor is told the choice was saved
    for _ in range(2):
        page = fetch(accepting, article.get_absolute_url())
        assertContains(page, "cdn.example.net/kartor.js")
        assertNotContains(page, BANNER)

    category = CookieCategory.objects.get(slug="statistik")
    category.description = "Vi räknar besök för att förbättra webbplatsen."
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    # A choice holds for the texts it was made on: the visitor is asked again.
    assertContains(fetch(accepting, article.get_absolute_url()), BANNER)


def test_an_edit_made_in_another_process_makes_pages_here_fresh(article):
    """Another worker or app server sharing the cache (the file cache, or Redis in CI's
    PostgreSQL run) starts a new generation, as its edit does: the pages stored by this
    process are not served again. (The other process cannot see this test's database;
    tests/test_page_cache_servers.py shows a whole edit on gunicorn.)"""
    fetch(Client(), article.get_absolute_url())
    assert fetch(Client(), article.get_absolute_url()).queries == 0
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, time; django.setup(); "
            "from django.core.cache import cache; from adda_site import page_cache; "
            "cache.set(page_cache.GENERATION_KEY, ('another-process', time.time() + 60), None)",
        ],
        cwd=Path(__file__).parent.parent,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings"},
        check=True,
        timeout=60,
    )
    assert fetch(Client(), article.get_absolute_url()).queries > 0


def test_a_scheduled_article_appears_and_an_expiring_one_goes_at_their_time(make_article):
    now = timezone.now()
    make_article("Publiceras snart", published_at=now + timedelta(minutes=2))
    make_article("Försvinner snart", unpublish_at=now + timedelta(minutes=4))
    with time_machine.travel(now, tick=False):
        page = fetch(Client(), "/nyheter/")
        assert "Publiceras snart" not in page.content.decode()
        assert "Försvinner snart" in page.content.decode()
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        assert fetch(Client(), "/nyheter/").queries == 0  # warm, nothing due yet
    with time_machine.travel(now + timedelta(minutes=2, seconds=1), tick=False):
        assertContains(fetch(Client(), "/nyheter/"), "Publiceras snart")
    with time_machine.travel(now + timedelta(minutes=4, seconds=1), tick=False):
        assertNotContains(fetch(Client(), "/nyheter/"), "Försvinner snart")


# Conditional requests and headers


def test_revalidation_answers_not_modified_until_an_edit(article):
    url = article.get_absolute_url()
    first = Client().get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    again = fetch(Client(), url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.queries == 0
    assert again.content == b""
    # The page the browser kept has its own nonce: no new policy may replace its header.
    assert "Content-Security-Policy" not in again
    # A proxy that compresses the page (nginx, deploy/nginx.conf) makes the tag weak; a
    # browser returns it that way.
    assert Client().get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304

    article.lead = "En rättad ingress."
    article.save()
    changed = Client().get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_page_kept_by_a_browser_is_sent_again_after_its_stamp_window(article, settings):
    url = article.get_absolute_url()
    etag = Client().get(url)["ETag"]
    later = timezone.now() + timedelta(seconds=settings.PAGE_CACHE_STAMP_SECONDS)
    with time_machine.travel(later):
        assert Client().get(url, headers={"If-None-Match": etag}).status_code == 200


def test_feeds_and_the_sitemap_may_be_shared_by_a_cdn_and_pages_may_not(article):
    assert Client().get("/nyheter/rss/")["Cache-Control"] == "public, no-cache"
    assert Client().get("/sitemap.xml")["Cache-Control"] == "public, no-cache"
    assert Client().get("/nyheter/")["Cache-Control"] == "private, no-cache"


def test_a_head_request_is_answered_from_the_cache(article):
    fetch(Client(), article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = Client().head(article.get_absolute_url())
    assert response.status_code == 200
    assert len(queries.captured_queries) == 0


def test_the_file_cache_reads_values_django_wrote_compressed(tmp_path):
    """An upgrade keeps the cache directory: entries Django's own file cache wrote
    before are still read."""
    from django.core.cache.backends.filebased import FileBasedCache

    from adda_site.cache import FileCache

    old = FileBasedCache(str(tmp_path), {})
    new = FileCache(str(tmp_path), {})
    old.set("page", {"body": b"x" * 1000})
    assert new.get("page") == {"body": b"x" * 1000}
    new.set("page", {"body": b"y" * 1000})
    assert new.get("page") == {"body": b"y" * 1000}
    assert new.touch("page", 60)
    assert new.get("missing", "nothing") == "nothing"


def test_a_new_policy_version_shows_on_the_next_request(
    article, choose, django_capture_on_commit_callbacks
):
    from consent.models import PolicyText, PolicyVersion

    accepting = Client()
    choose(accepting, "alla")
    accepting.get("/")  # where the visitor is told the choice was saved
    assertNotContains(fetch(accepting, article.get_absolute_url()), BANNER)
    current = PolicyVersion.objects.order_by("-number").first()
    with django_capture_on_commit_callbacks(execute=True):
        PolicyVersion.objects.create(
            number=current.number + 1,
            change_note="Vi har bytt leverantör av statistik.",
            texts=PolicyText.objects.get(pk=current.texts_id),
        )
    # The visitor's choice was made on the previous version: asked again, at once.
    assertContains(fetch(accepting, article.get_absolute_url()), BANNER)


def test_each_of_the_sites_host_names_gets_pages_with_its_own_addresses(article, settings):
    settings.ALLOWED_HOSTS = ["nyheter.example.se", "www.nyheter.example.se"]
    Client().get(article.get_absolute_url(), headers={"Host": "nyheter.example.se"})
    other = Client().get(article.get_absolute_url(), headers={"Host": "www.nyheter.example.se"})
    assertContains(other, 'href="http://www.nyheter.example.se/nyheter/kommunerna-samarbetar/"')


def test_one_page_is_stored_once_however_its_address_is_spelt(article):
    fetch(Client(), "/nyheter/?kategori=innovation&sida=1")
    for spelling in [
        "/nyheter/?sida=1&kategori=innovation",
        "/nyheter/?%6Bategori=innovation&sida=1",
    ]:
        assert fetch(Client(), spelling).queries == 0


def test_a_page_kept_with_another_csrf_cookie_is_sent_again(article):
    url = article.get_absolute_url()
    visitor = Client()
    visitor.get(url)  # the visitor's CSRF cookie is set
    etag = visitor.get(url)["ETag"]
    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 304
    visitor.cookies["csrftoken"] = "a" * 32  # a new cookie: logged in and out since
    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_many_changes_in_one_transaction_start_one_new_generation(article, make_comment):
    from django.db import connection, transaction

    from adda_site.page_cache import _AfterCommit

    with transaction.atomic():
        for _ in range(20):
            make_comment(article)
        pending = [c for _s, c, _r in connection.run_on_commit if isinstance(c, _AfterCommit)]
    assert len(pending) == 1


def test_a_response_that_sets_a_cookie_or_decides_its_own_caching_is_not_stored(rf):
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers

    from adda_site.page_cache import StoredPage

    request = rf.get("/nyheter/")
    with_cookie = HttpResponse("<p>Sida</p>")
    with_cookie.set_cookie("samtycke", "ett-val")
    never_cache = HttpResponse("<p>Sida</p>")
    add_never_cache_headers(never_cache)

    assert StoredPage.of(request, with_cookie) is None
    assert StoredPage.of(request, never_cache) is None
    assert StoredPage.of(request, HttpResponse("<p>Sida</p>")) is not None
