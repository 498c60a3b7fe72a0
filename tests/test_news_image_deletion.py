"""An image's file and renditions go when editors delete or replace it, unless a page still
shows it. On disk here; tests/test_site_object_storage.py shows the same in a bucket."""

from datetime import timedelta

import pytest
from article_forms import change_form as article_form
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from pytest_django.asserts import assertContains

from news.models import Article, Image


def stored(media_root) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*.*"))


@pytest.fixture
def article_with_hero(make_article, make_bank_image):
    return make_article(hero=make_bank_image("Stortorget", alt_text="Stortorget i snö"))


@pytest.fixture
def image_in_article(make_article, make_image_upload):
    """An image bank image that an article's text shows, with its renditions made."""
    image = Image.objects.create(
        file=make_image_upload("karta.png", 1000, 600), description="Karta över regionen"
    )
    article = make_article(
        body=f'<figure><img src="{image.file.url}" alt="Karta över regionen"></figure>',
        published_at=timezone.now() - timedelta(hours=1),
    )
    return image, article


def test_deleting_an_article_keeps_its_hero_image_in_the_image_bank(
    editor_client, article_with_hero, media_root, django_capture_on_commit_callbacks
):
    before = stored(media_root)
    # The original and its renditions.
    assert len(before) > 1
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/news/article/{article_with_hero.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert Image.objects.filter(pk=article_with_hero.hero_id).exists()
    assert stored(media_root) == before


def test_deleting_articles_with_the_list_action_keeps_their_hero_images(
    editor_client, make_article, make_bank_image, media_root, django_capture_on_commit_callbacks
):
    articles = [
        make_article(hero=make_bank_image(f"Torget {n}", name=f"bild-{n}.png")) for n in range(2)
    ]
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/news/article/",
            {
                "action": "delete_selected",
                "_selected_action": [article.pk for article in articles],
                "post": "yes",
            },
        )
    assert not Article.objects.exists()
    assert Image.objects.count() == 2
    assert stored(media_root) == before


def test_choosing_another_hero_image_keeps_the_old_one_in_the_image_bank(
    editor_client,
    article_with_hero,
    make_bank_image,
    media_root,
    django_capture_on_commit_callbacks,
):
    harbour = make_bank_image("Hamnen", alt_text="Hamnen i dimma", width=1200, height=800)
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/news/article/{article_with_hero.pk}/change/",
            article_form(article_with_hero, hero=harbour.pk),
        )
    assert response.status_code == 302
    assert Article.objects.get().hero == harbour
    assert stored(media_root) == before


def test_hero_image_no_article_shows_any_more_can_be_deleted_with_its_renditions(
    editor_client, article_with_hero, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/admin/news/article/{article_with_hero.pk}/change/",
            article_form(article_with_hero, hero=""),
        )
    assert Article.objects.get().hero is None
    assert len(stored(media_root)) > 1
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/news/image/{article_with_hero.hero_id}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert stored(media_root) == []


def test_changing_only_the_title_keeps_the_image(
    editor_client, article_with_hero, media_root, django_capture_on_commit_callbacks
):
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/admin/news/article/{article_with_hero.pk}/change/",
            article_form(article_with_hero, title="Nytt namn på nyheten"),
        )
    assert Article.objects.get().title == "Nytt namn på nyheten"
    assert stored(media_root) == before


def test_article_deleted_in_a_transaction_that_fails_keeps_its_image(
    article_with_hero, media_root, django_capture_on_commit_callbacks
):
    def delete_and_fail():
        with transaction.atomic():
            article_with_hero.delete()
            raise RuntimeError("the deletion is rolled back")

    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_and_fail()
    assert Article.objects.exists()
    assert stored(media_root) == before


def test_deleting_an_unused_image_from_the_image_bank_deletes_it_and_its_renditions(
    editor_client, image_in_article, media_root, django_capture_on_commit_callbacks
):
    image, article = image_in_article
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    # The article's text showed the image; the image bank still has it.
    assert len(stored(media_root)) > 1
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert stored(media_root) == []


def test_image_an_article_shows_cannot_be_deleted_from_the_image_bank(
    editor_client, image_in_article, media_root, django_capture_on_commit_callbacks
):
    image, article = image_in_article
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assertContains(
        response,
        f"För att ta bort bild “{image}” måste följande skyddade relaterade objekt tas bort:",
    )
    assertContains(
        response,
        f'<li>Artikel: <a href="/admin/news/article/{article.pk}/change/">{article}</a></li>',
        html=True,
    )
    assert Image.objects.filter(pk=image.pk).exists()
    assert stored(media_root) == before


def test_images_articles_show_cannot_be_deleted_with_the_list_action(
    editor_client, image_in_article, media_root
):
    image, _article = image_in_article
    response = editor_client.post(
        "/admin/news/image/",
        {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"},
    )
    assertContains(response, "skulle kräva borttagning av följande skyddade objekt")
    assert Image.objects.filter(pk=image.pk).exists()


def test_image_shown_as_a_hero_cannot_be_deleted_and_the_delete_page_names_the_article(
    editor_client, article_with_hero, media_root, django_capture_on_commit_callbacks
):
    hero = article_with_hero.hero
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{hero.pk}/delete/", {"post": "yes"})
    assertContains(
        response,
        f"För att ta bort bild “{hero}” måste följande skyddade relaterade objekt tas bort:",
    )
    assertContains(
        response,
        f'<li>Artikel: <a href="/admin/news/article/{article_with_hero.pk}/change/">'
        f"{article_with_hero}</a></li>",
        html=True,
        count=1,
    )
    assert Image.objects.filter(pk=hero.pk).exists()
    assert stored(media_root) == before


def test_image_shown_as_hero_and_in_the_text_names_the_article_once(
    editor_client, article_with_hero
):
    hero = article_with_hero.hero
    article_with_hero.body = f'<figure><img src="{hero.file.url}" alt="Torget"></figure>'
    article_with_hero.save()
    response = editor_client.get(f"/admin/news/image/{hero.pk}/delete/")
    assertContains(
        response,
        f'<a href="/admin/news/article/{article_with_hero.pk}/change/">{article_with_hero}</a>',
        html=True,
        count=1,
    )


def test_image_whose_file_cannot_be_deleted_is_still_deleted_and_the_error_logged(
    editor_client, make_bank_image, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    image = make_bank_image("Stortorget", name="torget.png")

    def fail(self, name):
        raise OSError("read-only file system")

    monkeypatch.setattr(FileSystemStorage, "delete", fail)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert f"Could not delete {image.file.name}" in caplog.text
