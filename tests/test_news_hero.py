"""The hero image is an image of the image bank: editors and writers choose it in the
article form, the page shows it with the image's own alt text, and the history compares
it like any other field."""

import io
import re

import pytest
from article_forms import article_form
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains
from test_admin_forms import browser_data

from news import history
from news.models import Article, Image

ADD_URL = "/admin/news/article/add/"


def change_url(article) -> str:
    return f"/admin/news/article/{article.pk}/change/"


def hero_of(page) -> str:
    return re.search(r'<div class="article__hero">.*?</div>', page.text, re.S)[0]


@pytest.fixture
def square(make_bank_image):
    return make_bank_image("Stortorget", alt_text="Stortorget i snö med julgranen i mitten")


@pytest.fixture
def harbour(make_bank_image):
    return make_bank_image("Hamnen", alt_text="Fiskebåtar i hamnen en dimmig morgon")


def test_article_shows_the_chosen_image_with_the_alt_text_of_the_image_bank(
    editor_client, client, square
):
    response = editor_client.post(
        ADD_URL, article_form(hero=square.pk, status=Article.Status.PUBLISHED)
    )
    assert response.status_code == 302

    page = client.get(Article.objects.get().get_absolute_url())

    assert 'alt="Stortorget i snö med julgranen i mitten"' in hero_of(page)


def test_a_better_alt_text_in_the_image_bank_is_shown_on_every_article_with_the_image(
    editor_client, client, make_article, square
):
    articles = [make_article(hero=square), make_article(hero=square)]
    editor_client.post(
        f"/admin/news/image/{square.pk}/change/",
        {"description": "Stortorget", "alt_text": "Julgranen på Stortorget en snöig kväll"},
    )

    for article in articles:
        hero = hero_of(client.get(article.get_absolute_url()))
        assert 'alt="Julgranen på Stortorget en snöig kväll"' in hero


def test_decorative_image_of_the_image_bank_is_shown_with_an_empty_alt_text(
    client, make_article, make_bank_image
):
    article = make_article(hero=make_bank_image("Mönster", is_decorative=True))

    assert 'alt=""' in hero_of(client.get(article.get_absolute_url()))


def test_article_page_shows_the_hero_without_an_extra_query(client, settings, make_article, square):
    settings.PAGE_CACHE_SECONDS = 0  # rendered on every request, as an uncached page
    with_hero = make_article(hero=square)
    without = make_article()
    client.get(without.get_absolute_url())
    client.get(with_hero.get_absolute_url())  # the same caches filled for both
    with CaptureQueriesContext(connection) as without_hero:
        client.get(without.get_absolute_url())
    with CaptureQueriesContext(connection) as with_a_hero:
        client.get(with_hero.get_absolute_url())
    assert len(with_a_hero.captured_queries) == len(without_hero.captured_queries)


@pytest.mark.parametrize("who", ["editor", "writer"])
def test_editors_and_writers_choose_a_hero_image(request, client, make_article, harbour, who):
    client.force_login(request.getfixturevalue(who))
    draft = make_article("Utkast om hamnen", status=Article.Status.DRAFT)

    data = browser_data(client.get(change_url(draft)), Article) | {"hero": str(harbour.pk)}
    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.hero == harbour


def test_someone_who_may_only_view_articles_cannot_choose_a_hero_image(
    django_user_model, make_article, harbour
):
    reader = django_user_model.objects.create_user("lasare", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(reader)
    article = make_article("Nyhet utan bild")

    response = client.post(change_url(article), {"hero": str(harbour.pk)})

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.hero is None


def test_hero_field_is_the_image_bank_lookup(editor_client, make_article, square):
    article = make_article(hero=square)

    response = editor_client.get(change_url(article))

    assertContains(response, f'name="hero" value="{square.pk}"')
    assertContains(response, 'class="related-lookup"')
    # The chosen image is named beside the field, by its description in the image bank.
    assertContains(response, "Stortorget")


def test_compare_shows_the_hero_that_was_replaced_and_the_new_one(
    editor_client, make_article, square, harbour
):
    article = make_article("Nyhet om torget", status=Article.Status.DRAFT, hero=square)
    old = history.versions(article.pk).first()
    data = browser_data(editor_client.get(change_url(article)), Article) | {"hero": harbour.pk}
    editor_client.post(change_url(article), data)
    new = history.versions(article.pk).first()
    assert new.changed_fields == ["hero"]

    response = editor_client.get(
        f"/admin/news/article/{article.pk}/historik/jamfor/"
        f"?fran={old.history_id}&till={new.history_id}"
    )

    text = response.content.decode()
    removed = re.search(r"<del>.*?</del>", text, re.S)[0]
    added = re.search(r"<ins>.*?</ins>", text, re.S)[0]
    assert "Stortorget, alternativtext: ”Stortorget i snö med julgranen i mitten”" in removed
    assert square.picture.src in removed
    assert "Hamnen, alternativtext: ”Fiskebåtar i hamnen en dimmig morgon”" in added
    assert harbour.picture.src in added


def test_compare_says_no_image_when_a_version_had_none(editor_client, make_article, harbour):
    article = make_article("Nyhet utan bild", status=Article.Status.DRAFT)
    old = history.versions(article.pk).first()
    data = browser_data(editor_client.get(change_url(article)), Article) | {"hero": harbour.pk}
    editor_client.post(change_url(article), data)
    new = history.versions(article.pk).first()

    response = editor_client.get(
        f"/admin/news/article/{article.pk}/historik/jamfor/"
        f"?fran={old.history_id}&till={new.history_id}"
    )

    assertContains(
        response, '<del><span class="visually-hidden">Borttaget: </span>ingen bild</del>'
    )


def test_writing_help_checks_the_alt_text_of_the_hero_image(
    editor_client, make_article, make_bank_image
):
    image = make_bank_image("Torget", alt_text="Bild på ett torg med människor")
    article = make_article("Nyhet om torget", status=Article.Status.DRAFT)
    data = browser_data(editor_client.get(change_url(article)), Article) | {"hero": image.pk}

    response = editor_client.post(change_url(article), data, follow=True)

    assertContains(response, "”Bild på ett torg med människor” börjar med att säga att")


def test_writing_help_says_nothing_of_a_good_hero_alt_text(editor_client, make_article, square):
    article = make_article("Nyhet om torget", status=Article.Status.DRAFT)
    data = browser_data(editor_client.get(change_url(article)), Article) | {"hero": square.pk}

    response = editor_client.post(change_url(article), data, follow=True)

    assertNotContains(response, "Alternativtexten")


def test_make_renditions_makes_those_of_images_that_have_none_yet(
    client, settings, make_article, square, media_root
):
    settings.PAGE_CACHE_SECONDS = 0
    # As migration 0013 leaves the heroes it moved to the image bank.
    Image.objects.filter(pk=square.pk).update(has_renditions=False)
    for path in (media_root / "renditions").rglob("*.*"):
        path.unlink()
    article = make_article(hero=Image.objects.get(pk=square.pk))
    assert "srcset" not in hero_of(client.get(article.get_absolute_url()))
    output = io.StringIO()

    call_command("make_renditions", stdout=output)

    assert output.getvalue() == "Images with all their renditions: 1.\n"
    assert Image.objects.get(pk=square.pk).has_renditions
    hero = hero_of(client.get(article.get_absolute_url()))
    assert 'type="image/webp" srcset="/media/renditions/' in hero
