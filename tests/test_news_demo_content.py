import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.html import strip_tags

from news.models import Article, Category, FormerSlug, Image

INNOVATION_URL = "/nyheter/natverk-for-starkt-innovationskraft/"
PASSWORD_LINE = re.compile(r"Demo-administratör: admin / (\S+) \(visas bara nu\)")


def load_demo_content() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once for this module: its renditions take seconds to make.

    What the load created is removed afterwards, so other modules start from an empty site.
    """
    models = (Article, Category, Image)
    media_root = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=False, MEDIA_ROOT=media_root),
    ):
        existing = {model: list(model.objects.values_list("pk", flat=True)) for model in models}
        load_demo_content()
        yield media_root
        for model in models:
            model.objects.exclude(pk__in=existing[model]).delete()


@pytest.fixture
def demo(demo_site, db, settings):
    """The demo site for one test, whose changes are rolled back afterwards."""
    settings.MEDIA_ROOT = demo_site


@pytest.fixture
def innovation_page(demo, client) -> str:
    response = client.get(INNOVATION_URL)
    assert response.status_code == 200
    return response.content.decode()


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Category.objects.count(), Image.objects.count()


def test_running_again_adds_no_articles_categories_or_images(demo):
    before = counts()

    load_demo_content()

    assert counts() == before


def test_running_again_keeps_what_an_editor_changed(demo):
    article = Article.objects.get(slug="natverk-for-starkt-innovationskraft")
    article.title = "Nätverket för innovation är igång"
    article.lead = "En redaktör har skrivit om ingressen."
    article.save()

    load_demo_content()

    article.refresh_from_db()
    assert article.title == "Nätverket för innovation är igång"
    assert article.lead == "En redaktör har skrivit om ingressen."


def test_demo_article_an_editor_gave_a_new_address_is_not_created_again(demo):
    article = Article.objects.get(slug="natverk-for-starkt-innovationskraft")
    article.slug = "innovationsnatverket"
    article.save()
    before = Article.objects.count()

    load_demo_content()

    assert Article.objects.count() == before
    assert FormerSlug.objects.filter(slug="natverk-for-starkt-innovationskraft").exists()


def test_at_least_twelve_articles_are_published(demo):
    assert Article.objects.published().count() >= 12


def test_published_news_covers_at_least_four_categories(demo):
    published = Article.objects.published()
    assert Category.objects.filter(articles__in=published).distinct().count() >= 4


def test_published_news_spans_months_and_the_newest_is_about_a_day_old(demo):
    dates = list(Article.objects.published().values_list("published_at", flat=True))
    now = timezone.now()

    assert now - max(dates) < timedelta(days=2)
    assert now - min(dates) > timedelta(days=90)


def test_the_one_draft_is_not_shown_to_visitors(demo, client):
    draft = Article.objects.get(status=Article.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_one_scheduled_article_is_not_shown_yet(demo, client):
    scheduled = Article.objects.get(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    )

    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_every_demo_article_passes_the_checks_editors_face(demo):
    for article in Article.objects.all():
        article.full_clean()


def test_one_published_hero_image_is_decorative_and_the_others_have_alt_text(demo):
    with_hero = Article.objects.published().filter(hero__isnull=False)

    assert with_hero.filter(hero__is_decorative=True, hero__alt_text="").count() == 1
    assert all(
        article.hero.alt_text.strip() for article in with_hero.filter(hero__is_decorative=False)
    )


def test_innovation_article_shows_both_its_categories(innovation_page):
    categories = strip_tags(
        re.search(r'<p class="categories">.*?</p>', innovation_page, re.DOTALL)[0]
    )

    assert "Innovation" in categories
    assert "Digitalisering" in categories
    assert " | " in categories


def test_innovation_article_quotes_a_named_person(innovation_page):
    quote = re.search(r"<blockquote>(.*?)</blockquote>", innovation_page, re.DOTALL)[1]

    assert re.search(r'<p class="quote-source">[^<]+, [^<]+</p>', quote)


def test_innovation_article_has_a_numbered_list_of_five_points(innovation_page):
    numbered = re.search(r"<ol>(.*?)</ol>", innovation_page, re.DOTALL)[1]

    assert numbered.count("<li>") == 5


def test_innovation_article_figure_has_a_caption_and_a_responsive_picture(innovation_page):
    figure = re.search(r"<figure>(.*?)</figure>", innovation_page, re.DOTALL)[1]

    assert "<figcaption>" in figure
    assert "<picture>" in figure
    assert 'srcset="' in figure
    assert re.search(r'<img [^>]*alt="[^"]+"', figure)


def test_innovation_article_figure_is_an_uploaded_image(demo):
    article = Article.objects.get(slug="natverk-for-starkt-innovationskraft")
    image = Image.objects.get(description__startswith="Diagram")

    assert f'src="{image.file.url}"' in article.body


def test_innovation_article_invites_readers_to_sign_up(innovation_page):
    assert re.search(r'<a href="https://[^"]+">Anmäl dig till nätverket</a>', innovation_page)


def test_innovation_article_ends_with_a_fact_section(innovation_page):
    body = re.search(r'<div class="article__body">(.*?)</div>', innovation_page, re.DOTALL)[1]

    assert re.search(r"<h2>Fakta</h2><ul>.*</ul>$", body, re.DOTALL)


def test_first_run_in_development_prints_an_admin_password_that_works(demo, client, settings):
    settings.DEBUG = True

    output = load_demo_content()

    password = PASSWORD_LINE.search(output)[1]
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_second_run_in_development_prints_no_password(demo, settings):
    settings.DEBUG = True
    load_demo_content()

    output = load_demo_content()

    assert "admin" not in output
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_without_debug_no_admin_account_is_created(demo, settings):
    settings.DEBUG = False

    output = load_demo_content()

    assert "admin" not in output
    assert not get_user_model().objects.filter(username="admin").exists()
