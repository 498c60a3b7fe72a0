"""Images editors upload: what is stored of them, and which images the body may show."""

import io
from functools import partial

import pytest
from article_forms import article_form as new_article_form
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PillowImage
from pytest_django.asserts import assertContains

from news.models import Article, Image

ARTICLE_ADD_URL = "/admin/news/article/add/"
IMAGE_ADD_URL = "/admin/news/image/add/"
RED, BLUE = (220, 0, 0), (0, 0, 200)
# Stockholm, where the photographer stood.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (59.0, 19.0, 35.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (18.0, 4.0, 6.0),
}


# Published at once: these tests look at the public page and its renditions.
article_form = partial(new_article_form, status=Article.Status.PUBLISHED)


def phone_photo(name="torget.jpg") -> SimpleUploadedFile:
    """A 1600 × 900 JPEG as a phone stores a portrait photo: sideways, with EXIF
    orientation 6 (turn 90° clockwise to show), the GPS position, the camera and an XMP
    packet. The top left corner of the stored pixels is red."""
    image = PillowImage.new("RGB", (1600, 900), BLUE)
    image.paste(RED, (0, 0, 400, 300))
    exif = PillowImage.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Telefonbolaget"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        quality=95,
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Stortorget 1</x:xmpmeta>',
        comment=b"Anna Anderssons telefon",
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_images(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def assert_without_metadata(path) -> None:
    data = path.read_bytes()
    with PillowImage.open(path) as image:
        assert not image.getexif(), path
        assert not set(image.info) & {"exif", "xmp", "comment", "XML:com.adobe.xmp"}, path
    for trace in (b"Exif\x00\x00", b"Telefonbolaget", b"Stortorget", b"Anna Andersson"):
        assert trace not in data, (path, trace)


def test_photo_as_a_hero_is_stored_upright_without_its_gps_position(editor_client, media_root):
    editor_client.post(
        IMAGE_ADD_URL,
        {"file": phone_photo(), "description": "Stortorget", "alt_text": "Stortorget i snö"},
    )
    image = Image.objects.get()
    response = editor_client.post(ARTICLE_ADD_URL, article_form(hero=image.pk))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.hero.width, article.hero.height) == (900, 1600)
    assert article.hero.has_renditions
    files = stored_images(media_root)
    # The original, and at least its WebP and JPEG renditions 480 and 800 wide and full
    # width (and those of its crops).
    assert len(files) >= 7
    for path in files:
        assert_without_metadata(path)
    with PillowImage.open(article.hero.file.path) as original:
        assert original.size == (900, 1600)
        # Turned as the phone showed it: the red corner is now at the top right.
        assert original.convert("RGB").getpixel((850, 50))[0] > 180
        assert original.convert("RGB").getpixel((50, 50))[2] > 150
    # The page shows it cut to 16:9.
    assert (article.hero_picture.width, article.hero_picture.height) == (900, 506)


def test_photo_in_the_image_bank_and_its_renditions_in_an_article_have_no_metadata(
    editor_client, media_root
):
    editor_client.post(
        IMAGE_ADD_URL,
        {"file": phone_photo(), "description": "Stortorget i vinterljus", "is_decorative": "on"},
    )
    image = Image.objects.get()
    assert (image.width, image.height) == (900, 1600)
    with PillowImage.open(image.file.path) as original:
        assert original.size == (900, 1600)
    body = f'<figure><img src="{image.file.url}" alt="Stortorget i snö"></figure>'
    response = editor_client.post(ARTICLE_ADD_URL, article_form(body=body))
    assert response.status_code == 302
    files = stored_images(media_root)
    # The original; WebP and JPEG renditions 480 and 800 wide and full width, of the whole
    # photo and of its 16:9 crop; a JPEG of its 4:3 crop and of its 1.91:1 crop.
    assert len(files) == 1 + 6 + 6 + 1 + 1
    for path in files:
        assert_without_metadata(path)


def test_transparent_png_keeps_its_transparency(editor_client, media_root):
    logo = PillowImage.new("RGBA", (600, 300), (0, 0, 0, 0))
    logo.paste((0, 90, 160, 255), (100, 100, 500, 200))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    upload = SimpleUploadedFile("logotyp.png", buffer.getvalue(), content_type="image/png")
    editor_client.post(
        IMAGE_ADD_URL, {"file": upload, "description": "Logotypen", "alt_text": "Logotypen"}
    )
    with PillowImage.open(Image.objects.get().file.path) as stored:
        assert stored.format == "PNG"
        assert stored.getpixel((10, 10))[3] == 0
        assert stored.getpixel((300, 150)) == (0, 90, 160, 255)


@pytest.mark.parametrize(
    ("name", "pillow_format"),
    [("bild.png", "GIF"), ("bild.jpg", "PNG"), ("bild.webp", "JPEG"), ("bild.png", "BMP")],
)
def test_image_that_is_not_what_its_name_says_is_refused(
    editor_client, media_root, name, pillow_format
):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (800, 600), BLUE).save(buffer, pillow_format)
    upload = SimpleUploadedFile(name, buffer.getvalue())
    response = editor_client.post(
        IMAGE_ADD_URL, {"file": upload, "description": "Torget", "alt_text": "Torget"}
    )
    assertContains(
        response,
        "Filen är inte en bild som vi kan använda. Ladda upp en bild i JPEG, PNG eller WebP.",
    )
    assert not Image.objects.exists()
    assert not stored_images(media_root)


# Images in the body


@pytest.mark.parametrize(
    "src",
    [
        "/media//etc/passwd",
        "/media/../adda_site/settings.py",
        "/media/%2e%2e/adda_site/settings.py",
        "/media/images/../../manage.py",
        "/media/images/%2F..%2F..%2Fmanage.py",
        "/media/",
    ],
)
def test_body_image_address_outside_the_image_bank_is_a_form_error(editor_client, src):
    body = f'<figure><img src="{src}" alt="Ett torg"></figure>'
    response = editor_client.post(ARTICLE_ADD_URL, article_form(body=body))
    assertContains(response, "Bilder i texten måste vara uppladdade till webbplatsens bildbank: ")
    assert not Article.objects.exists()


def test_body_image_with_a_non_ascii_file_name_is_shown(editor_client, client, media_root):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1000, 600), BLUE).save(buffer, "JPEG")
    upload = SimpleUploadedFile("båthamnen.jpg", buffer.getvalue(), content_type="image/jpeg")
    editor_client.post(
        IMAGE_ADD_URL, {"file": upload, "description": "Båthamnen", "alt_text": "Båthamnen"}
    )
    image = Image.objects.get()
    assert "%C3%A5" in image.file.url
    body = f'<figure><img src="{image.file.url}" alt="Båthamnen en sommardag"></figure>'
    response = editor_client.post(ARTICLE_ADD_URL, article_form(body=body))
    assert response.status_code == 302
    page = client.get("/nyheter/natverk-for-starkt-innovationskraft/")
    assertContains(page, "<picture")
