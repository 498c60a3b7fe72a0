"""The image chooser of the article form: an editor searches the image bank or uploads a
new image without leaving the article, and gets what the figure needs of it."""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertInHTML

from news.models import Image

CHOOSER_URL = "/admin/news/image/valj/"
UPLOAD_URL = "/admin/news/image/valj/ladda-upp/"


def chosen_url(image: Image) -> str:
    return f"/admin/news/image/valj/{image.pk}/"


def text(response) -> str:
    """What the editor reads: the fragment's text, spaces collapsed."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def descriptions(response) -> list[str]:
    return [
        html.unescape(description)
        for description in re.findall(
            r'<p class="image-chooser__description"[^>]*>([^<]*)</p>', response.content.decode()
        )
    ]


def chosen(response) -> dict[str, str]:
    """The data attributes of the image chosen, which the editor's script reads."""
    tag = re.search(r"<div[^>]*data-chosen[^>]*>", response.content.decode())[0]
    return {name: html.unescape(value) for name, value in re.findall(r'data-(\w+)="([^"]*)"', tag)}


def link(response, label: str) -> str:
    return html.unescape(
        re.search(rf'<a href="([^"]*)"[^>]*>{label}</a>', response.content.decode())[1]
    )


def upload_data(make_image_upload, **overrides) -> dict:
    return {
        "file": make_image_upload("hamnen.png"),
        "description": "Hamnen en sommarmorgon",
        "alt_text": "Segelbåtar vid bryggan i hamnen",
        **overrides,
    }


def test_search_finds_images_by_description(editor_client, make_bank_image):
    make_bank_image("Kommunhuset i vinterljus")
    make_bank_image("Skolgården på våren", alt_text="Barn som leker på en skolgård")

    response = editor_client.get(CHOOSER_URL, {"q": "kommunhuset"})

    assert response.status_code == 200
    assert descriptions(response) == ["Kommunhuset i vinterljus"]
    assert "1 bild hittades." in text(response)


def test_search_finds_images_by_alt_text(editor_client, make_bank_image):
    make_bank_image("Kommunhuset i vinterljus")
    make_bank_image("Skolgården på våren", alt_text="Barn som leker på en skolgård")

    response = editor_client.get(CHOOSER_URL, {"q": "leker"})

    assert descriptions(response) == ["Skolgården på våren"]


def test_chooser_shows_thumbnails_and_alt_texts(editor_client, make_bank_image):
    image = make_bank_image("Kommunhuset i vinterljus")
    make_bank_image("Mönster i blått", is_decorative=True)

    response = editor_client.get(CHOOSER_URL)

    # The renditions, not the original: a page of full-size photos would be heavy.
    html = response.content.decode()
    assert f'class="image-chooser__thumbnail" src="{image.picture.src}"' in html
    assert image.picture.src.startswith("/media/renditions/")
    assert f'src="{image.file.url}"' not in html
    assert "Alternativtext: Kommunhuset täckt av snö i morgonljus" in text(response)
    assert "Dekorativ bild: ingen alternativtext." in text(response)


def test_chooser_shows_twelve_images_a_page_newest_first(editor_client, make_bank_image):
    for number in range(1, 15):
        make_bank_image(f"Bild nummer {number}", width=40, height=30)

    first = editor_client.get(CHOOSER_URL)
    second = editor_client.get(CHOOSER_URL, {"sida": "2"})

    assert descriptions(first) == [f"Bild nummer {number}" for number in range(14, 2, -1)]
    assert descriptions(second) == ["Bild nummer 2", "Bild nummer 1"]
    assert link(first, "Nästa sida") == f"{CHOOSER_URL}?sida=2"
    assert "Sida 1 av 2" in text(first)


def test_next_page_keeps_the_search(editor_client, make_bank_image):
    for number in range(1, 14):
        make_bank_image(f"Torget {number}", width=40, height=30)

    response = editor_client.get(CHOOSER_URL, {"q": "torget"})

    assert link(response, "Nästa sida") == f"{CHOOSER_URL}?q=torget&sida=2"


def test_pages_after_a_refused_upload_for_the_hero_still_choose_the_hero(
    editor_client, make_bank_image, make_image_upload
):
    for number in range(1, 14):
        make_bank_image(f"Torget {number}", width=40, height=30)

    response = editor_client.post(
        UPLOAD_URL, upload_data(make_image_upload, alt_text="") | {"for": "hero"}
    )

    assert response.status_code == 400
    assert link(response, "Nästa sida") == f"{CHOOSER_URL}?for=hero&sida=2"


def test_choosing_an_image_gives_its_address_alt_text_and_size(editor_client, make_bank_image):
    image = make_bank_image("Kommunhuset i vinterljus", width=800, height=600)

    response = editor_client.get(chosen_url(image))

    data = chosen(response)
    assert data["src"] == image.file.url
    assert data["src"].startswith("/media/images/")
    assert data["alt"] == "Kommunhuset täckt av snö i morgonljus"
    assert (data["width"], data["height"]) == ("800", "600")
    assert "Bildtext (valfri)" in text(response)


def test_choosing_a_decorative_image_gives_an_empty_alt_text(editor_client, make_bank_image):
    image = make_bank_image("Mönster i blått", is_decorative=True)

    response = editor_client.get(chosen_url(image))

    assert chosen(response)["alt"] == ""


def test_image_without_alt_text_cannot_be_placed(editor_client, make_bank_image):
    image = make_bank_image("Gammal bild")
    Image.objects.filter(pk=image.pk).update(alt_text="")

    response = editor_client.get(chosen_url(image))

    assert "data-chooser-insert" not in response.content.decode()
    assert "Bilden saknar alternativtext och är inte markerad som dekorativ." in text(response)


def test_hero_chooser_asks_for_no_caption(editor_client, make_bank_image):
    image = make_bank_image()

    response = editor_client.get(chosen_url(image), {"for": "hero"})

    assert "Bildtext" not in text(response)
    assert "Använd bilden" in text(response)


def test_uploaded_image_is_saved_and_chosen(editor_client, make_image_upload):
    response = editor_client.post(UPLOAD_URL, upload_data(make_image_upload))

    assert response.status_code == 201
    image = Image.objects.get()
    assert image.description == "Hamnen en sommarmorgon"
    assert image.alt == "Segelbåtar vid bryggan i hamnen"
    data = chosen(response)
    assert data["id"] == str(image.pk)
    assert data["src"] == image.file.url
    assert data["alt"] == "Segelbåtar vid bryggan i hamnen"
    assert (data["width"], data["height"]) == ("1600", "900")


def test_upload_without_alt_text_is_refused_in_swedish_and_saves_nothing(
    editor_client, make_image_upload, media_root
):
    response = editor_client.post(UPLOAD_URL, upload_data(make_image_upload, alt_text=""))

    assert response.status_code == 400
    assertInHTML(
        '<ul class="errorlist" id="image-chooser-alt_text_error">'
        "<li>Skriv en alternativtext eller markera bilden som dekorativ.</li></ul>",
        response.content.decode(),
    )
    # The error is read out with the field, and what the editor typed is kept.
    assert re.search(
        r'<input type="text" name="alt_text"[^>]*aria-describedby="[^"]*'
        r'image-chooser-alt_text_error"',
        response.content.decode(),
    )
    assert 'value="Hamnen en sommarmorgon"' in response.content.decode()
    assert not Image.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_decorative_image_is_uploaded_without_alt_text(editor_client, make_image_upload):
    response = editor_client.post(
        UPLOAD_URL, upload_data(make_image_upload, alt_text="", is_decorative="on")
    )

    assert response.status_code == 201
    assert Image.objects.get().is_decorative
    assert chosen(response)["alt"] == ""


def test_upload_that_is_not_an_image_is_refused(editor_client):
    response = editor_client.post(
        UPLOAD_URL,
        {
            "file": SimpleUploadedFile("trasig.png", b"not an image", content_type="image/png"),
            "description": "Trasig",
            "alt_text": "Något",
        },
    )

    assert response.status_code == 400
    assert not Image.objects.exists()


def test_writer_may_search_and_upload(client, writer, make_image_upload):
    client.force_login(writer)

    assert client.get(CHOOSER_URL).status_code == 200
    assert client.post(UPLOAD_URL, upload_data(make_image_upload)).status_code == 201


@pytest.fixture
def viewer_client(client, django_user_model):
    """Staff who may look at the image bank but add nothing to it."""
    user = django_user_model.objects.create_user("lasare", password="ett-langt-losenord-456")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(user)
    return client


def test_staff_without_image_bank_permission_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("gast", password="ett-langt-losenord-456")
    user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get(CHOOSER_URL).status_code == 403


def test_upload_needs_permission_to_add_images(viewer_client, make_image_upload):
    response = viewer_client.post(UPLOAD_URL, upload_data(make_image_upload))

    assert response.status_code == 403
    assert not Image.objects.exists()


def test_chooser_offers_no_upload_to_those_who_may_not_add_images(viewer_client):
    response = viewer_client.get(CHOOSER_URL)

    assert response.status_code == 200
    assert "Ladda upp en ny bild" not in text(response)


def test_visitor_is_sent_to_the_login(client):
    response = client.get(CHOOSER_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_upload_without_csrf_token_is_refused(editor, make_image_upload):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(UPLOAD_URL, upload_data(make_image_upload))

    assert response.status_code == 403
    assert not Image.objects.exists()


def test_upload_form_carries_a_csrf_token(editor_client):
    response = editor_client.get(CHOOSER_URL)

    assert re.search(
        r'class="image-chooser__upload".*name="csrfmiddlewaretoken"',
        response.content.decode(),
        re.DOTALL,
    )


def test_figure_the_chooser_inserts_is_kept_and_shown_as_a_picture_with_its_caption(
    make_article, make_bank_image
):
    image = make_bank_image(width=800, height=600)
    # What the body editor writes for an image chosen with a caption.
    article = make_article(
        body=f'<p>Före.</p><figure class="figure"><img src="{image.file.url}" '
        f'alt="{image.alt}" width="800" height="600">'
        '<figcaption class="figure-caption">Foto: Anna Andersson</figcaption></figure>'
    )

    assert 'width="800" height="600"' in article.body
    assert re.search(
        r'<figure class="figure">\s*<picture>.*'
        r'alt="Kommunhuset täckt av snö i morgonljus".*</picture>'
        r"<figcaption>Foto: Anna Andersson</figcaption></figure>",
        article.body_html,
        re.DOTALL,
    )
