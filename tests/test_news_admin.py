import io
import os
from datetime import timedelta

import pytest
from article_forms import article_form, change_form
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PillowImage
from pytest_django.asserts import assertContains, assertNotContains

from news.models import Article, Category, Image

ADD_URL = "/admin/news/article/add/"
IMAGE_ADD_URL = "/admin/news/image/add/"


def image_bytes(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def at(moment):
    local = timezone.localtime(moment)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def test_admin_is_in_swedish(editor_client):
    response = editor_client.get(ADD_URL)
    assertContains(response, "Lägg till artikel")
    assertContains(response, "Rubrik")
    assertContains(response, "Ingress")


def test_editor_saves_a_draft_that_visitors_cannot_see(editor_client, client, make_category):
    category = make_category("Innovation")
    response = editor_client.post(ADD_URL, article_form(categories=[category.pk]))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.visibility == Article.Visibility.DRAFT
    assert list(article.categories.all()) == [category]
    client.logout()
    assert client.get("/nyheter/natverk-for-starkt-innovationskraft/").status_code == 404


def test_editor_previews_a_draft(editor_client, make_article):
    draft = make_article("Hemligt utkast", status=Article.Status.DRAFT)
    response = editor_client.get(f"/admin/news/article/{draft.pk}/forhandsgranska/")
    assertContains(response, "<h1>Hemligt utkast</h1>", html=True)
    assertContains(response, "Förhandsgranskning: artikeln är utkast")
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_visitor_cannot_open_the_preview(client, make_article):
    draft = make_article("Hemligt utkast", status=Article.Status.DRAFT)
    response = client.get(f"/admin/news/article/{draft.pk}/forhandsgranska/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_publishes_and_the_article_appears(editor_client, client):
    editor_client.post(ADD_URL, article_form(status=Article.Status.PUBLISHED))
    client.logout()
    response = client.get("/nyheter/natverk-for-starkt-innovationskraft/")
    assertContains(response, "Nätverket startar i höst.")


def test_editor_schedules_an_article_that_appears_by_itself(editor_client, client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    start = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    editor_client.post(ADD_URL, article_form(status=Article.Status.PUBLISHED, **at(start)))
    assert Article.objects.get().visibility == Article.Visibility.SCHEDULED
    client.logout()
    assert client.get("/nyheter/natverk-for-starkt-innovationskraft/").status_code == 404
    time_machine.shift(timedelta(hours=3))
    assert client.get("/nyheter/natverk-for-starkt-innovationskraft/").status_code == 200


def test_unpublish_time_before_publication_is_refused(editor_client):
    now = timezone.localtime()
    response = editor_client.post(
        ADD_URL,
        article_form(
            unpublish_at_0=(now - timedelta(days=1)).strftime("%Y-%m-%d"),
            unpublish_at_1="10:00:00",
        ),
    )
    assertContains(response, "Avpubliceringstiden måste vara efter publiceringstiden.")
    assert not Article.objects.exists()


def test_malicious_body_html_is_sanitised_on_save(editor_client):
    body = (
        '<p onclick="steal()">Hej <a href="javascript:alert(1)">länk</a></p>'
        "<script>alert(1)</script>"
        '<h1>Rubrik</h1><p style="color:red">stil</p>'
    )
    editor_client.post(ADD_URL, article_form(body=body))
    stored = Article.objects.get().body
    for dangerous in ("onclick", "javascript:", "<script", "onerror", "<h1", "style="):
        assert dangerous not in stored
    assert "Hej" in stored


def test_body_keeps_what_editors_may_write(editor_client):
    body = (
        "<h2>Rubrik</h2><h3>Underrubrik</h3><p><strong>fet</strong> och <em>kursiv</em> "
        '<a href="https://www.example.se/">länk</a></p><ul><li>punkt</li></ul>'
        "<ol><li>ett</li></ol><blockquote><p>Citat.</p>"
        '<p class="quote-source">Anna Andersson, projektledare</p></blockquote>'
    )
    editor_client.post(ADD_URL, article_form(body=body))
    assert Article.objects.get().body == body


def test_image_from_another_host_in_the_body_is_refused(editor_client):
    body = '<figure><img src="https://cdn.example.com/x.jpg" alt="x"></figure>'
    response = editor_client.post(ADD_URL, article_form(body=body))
    assertContains(response, "Bilder i texten måste vara uppladdade till webbplatsens bildbank")
    assert not Article.objects.exists()


def test_editor_chooses_a_hero_image_from_the_image_bank(editor_client, make_bank_image):
    image = make_bank_image("Stortorget", alt_text="Stortorget i snö")
    response = editor_client.post(ADD_URL, article_form(hero=image.pk))
    assert response.status_code == 302
    assert Article.objects.get().hero == image


def test_hero_field_opens_the_image_bank_lookup(editor_client):
    response = editor_client.get(ADD_URL)
    # Django's lookup popup of the image bank, which can also upload a new image.
    assertContains(response, 'href="/admin/news/image/?_to_field=id"')
    assertContains(response, "Huvudbild")


def test_image_without_alt_text_is_refused_in_the_image_bank(editor_client, make_image_upload):
    response = editor_client.post(
        IMAGE_ADD_URL, {"file": make_image_upload(), "description": "Torget"}
    )
    assertContains(response, "Skriv en alternativtext eller markera bilden som dekorativ.")
    assert not Image.objects.exists()


def test_hero_image_without_alt_text_is_refused(editor_client, make_image_upload):
    # Uploaded before images had alt texts.
    old = Image.objects.create(file=make_image_upload(), description="Torget")
    response = editor_client.post(ADD_URL, article_form(hero=old.pk))
    assertContains(
        response,
        "Bilden har ingen alternativtext. Skriv en i bildbanken eller markera bilden som "
        "dekorativ där.",
    )
    assert not Article.objects.exists()


@pytest.mark.parametrize("alt", ["IMG_1234.jpg", "bild.png", "DSC0042"])
def test_alt_text_that_looks_like_a_file_name_is_refused(editor_client, make_image_upload, alt):
    response = editor_client.post(
        IMAGE_ADD_URL, {"file": make_image_upload(), "description": "Torget", "alt_text": alt}
    )
    assertContains(response, "Alternativtexten ser ut som ett filnamn.")
    assert not Image.objects.exists()


def test_decorative_hero_image_needs_no_alt_text(editor_client, make_bank_image):
    image = make_bank_image(is_decorative=True)
    editor_client.post(ADD_URL, article_form(hero=image.pk))
    assert Article.objects.get().hero.is_decorative


def test_hero_image_that_does_not_exist_is_refused(editor_client):
    response = editor_client.post(ADD_URL, article_form(hero="999"))
    assertContains(response, "Välj ett giltigt alternativ.")
    assert not Article.objects.exists()


def upload_form(upload) -> dict:
    return {"file": upload, "description": "Torget", "alt_text": "Ett torg"}


def test_file_that_is_not_an_image_is_refused_and_nothing_stored(editor_client, media_root):
    fake = SimpleUploadedFile("bild.jpg", b"<?php echo 'hej'; ?>", content_type="image/jpeg")
    response = editor_client.post(IMAGE_ADD_URL, upload_form(fake))
    assertContains(response, "Ladda upp en giltig bild.")
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_too_large_image_is_refused(editor_client, settings, media_root):
    settings.NEWS_IMAGE_MAX_BYTES = 1024 * 1024
    noise = PillowImage.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    upload = SimpleUploadedFile("brus.png", image_bytes(noise), content_type="image/png")
    assert upload.size > 1024 * 1024
    response = editor_client.post(IMAGE_ADD_URL, upload_form(upload))
    assertContains(response, "Bilden är för stor: högst 1 MB är tillåtet.")
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_image_with_too_many_pixels_is_refused(editor_client, media_root):
    # A small file that unpacks to 48 megapixels.
    huge = SimpleUploadedFile(
        "stor.png", image_bytes(PillowImage.new("1", (8000, 6000))), content_type="image/png"
    )
    response = editor_client.post(IMAGE_ADD_URL, upload_form(huge))
    assertContains(response, "Bilden har för många pixlar: högst 40 megapixlar är tillåtet.")
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_decompression_bomb_is_refused(editor_client, media_root):
    bomb = SimpleUploadedFile(
        "bomb.png", image_bytes(PillowImage.new("1", (20_000, 20_000))), content_type="image/png"
    )
    assert bomb.size < 1024 * 1024
    response = editor_client.post(IMAGE_ADD_URL, upload_form(bomb))
    assertContains(response, "Ladda upp en giltig bild.")
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_article_list_shows_visibility_and_links(editor_client, make_article):
    make_article("Ute nu")
    make_article("Utkastet", status=Article.Status.DRAFT)
    make_article("Kommer sen", published_at=timezone.now() + timedelta(days=2))
    response = editor_client.get("/admin/news/article/")
    assertContains(response, "publicerad")
    assertContains(response, "utkast")
    assertContains(response, "schemalagd")
    assertContains(response, '<a href="/nyheter/ute-nu/">Visa</a>', html=True)
    assertContains(response, "Förhandsgranska")


def test_article_list_filters_by_visibility_and_category(
    editor_client, make_article, make_category
):
    innovation = make_category("Innovation")
    make_article("Ute nu", categories=[innovation])
    make_article("Utkastet", status=Article.Status.DRAFT)
    drafts = editor_client.get("/admin/news/article/?visibility=draft")
    assertContains(drafts, "Utkastet")
    assertNotContains(drafts, "Ute nu")
    in_category = editor_client.get(f"/admin/news/article/?categories__id__exact={innovation.pk}")
    assertContains(in_category, "Ute nu")
    assertNotContains(in_category, "Utkastet")


def test_article_list_searches_titles(editor_client, make_article):
    make_article("Ny upphandling av datorer")
    make_article("Hållbara möbler")
    response = editor_client.get("/admin/news/article/?q=upphandling")
    assertContains(response, "Ny upphandling av datorer")
    assertNotContains(response, "Hållbara möbler")


def test_article_list_query_count_does_not_grow_with_rows(
    editor_client, make_article, make_category, django_assert_num_queries
):
    categories = [make_category("Innovation"), make_category("Digitalisering")]
    make_article(categories=categories)
    with CaptureQueriesContext(connection) as few:
        editor_client.get("/admin/news/article/")
    for _ in range(10):
        make_article(categories=categories)
    with django_assert_num_queries(len(few.captured_queries)):
        editor_client.get("/admin/news/article/")


def test_publish_action_publishes_selected_drafts(editor_client, make_article):
    draft = make_article("Utkastet", status=Article.Status.DRAFT)
    response = editor_client.post(
        "/admin/news/article/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assertContains(response, "1 artikel publicerad.")
    draft.refresh_from_db()
    assert draft.visibility == Article.Visibility.PUBLISHED


def test_slug_is_suggested_from_the_title_in_ascii(db):
    from news.models import unique_slug

    assert unique_slug("Nätverk för stärkt innovationskraft") == (
        "natverk-for-starkt-innovationskraft"
    )


def test_article_saved_without_slug_gets_a_unique_one(make_article):
    first = make_article("Året som gick")
    second = make_article("Året som gick")
    assert first.slug == "aret-som-gick"
    assert second.slug == "aret-som-gick-2"


def test_editor_moves_an_article_to_another_category_with_its_check_boxes(
    editor_client, client, make_article, make_category
):
    innovation, climate = make_category("Innovation"), make_category("Klimat")
    article = make_article("Nätverket", slug="natverket", categories=[innovation])
    url = f"/admin/news/article/{article.pk}/change/"

    page = editor_client.get(url)
    # One labelled check box per category, the article's own ticked.
    assertContains(
        page,
        f'<input type="checkbox" name="categories" value="{innovation.pk}" '
        'data-context="available-source" id="id_categories_0" checked>',
    )
    assertContains(page, '<label for="id_categories_1"><input type="checkbox"', count=1)
    assertNotContains(page, "selectfilter")

    data = change_form(article, categories=[climate.pk])
    assert editor_client.post(url, data).status_code == 302

    assert list(Article.objects.get(pk=article.pk).categories.all()) == [climate]
    assertContains(client.get("/nyheter/natverket/"), "Klimat")


def test_editor_changes_category_in_admin(editor_client):
    editor_client.post("/admin/news/category/add/", {"name": "Hållbarhet", "slug": "hallbarhet"})
    assert Category.objects.get().name == "Hållbarhet"


def test_editors_group_has_news_permissions_only(editor):
    permissions = editor.get_all_permissions()
    assert "news.add_article" in permissions
    assert "news.change_article" in permissions
    assert "news.add_image" in permissions
    assert not any(permission.startswith("auth.") for permission in permissions)


def test_editor_uploads_a_body_image_and_gets_its_address(editor_client, make_image_upload):
    from news.models import Image

    response = editor_client.post(
        "/admin/news/image/add/",
        {
            "file": make_image_upload("torget.png"),
            "description": "Stortorget i vinterljus",
            "alt_text": "Stortorget i vinterljus",
        },
        follow=True,
    )
    image = Image.objects.get()
    assert (image.width, image.height) == (1600, 900)
    change_page = editor_client.get(f"/admin/news/image/{image.pk}/change/")
    assertContains(change_page, f"<code>{image.file.url}</code>", html=True)
    assert response.status_code == 200
