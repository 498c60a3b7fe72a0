"""Media on S3-compatible object storage (AWS_STORAGE_BUCKET_NAME), against a real S3 API:
moto's server, started for this module (tests/object_storage.py). Editors work in admin as
on disk; the images and their renditions are objects in the bucket, pages link them at the
bucket's address, and nothing is written to the app server's disk."""

import io
import itertools
import re
import runpy
import tempfile
import urllib.request
from functools import partial
from pathlib import Path

import pytest
from article_forms import article_form as new_article_form
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from pytest_django.asserts import assertContains
from storages.backends.s3 import S3Storage

from news.models import Article, Image
from tests import object_storage

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "adda_site" / "settings.py"
ARTICLE_ADD_URL = "/admin/news/article/add/"
IMAGE_ADD_URL = "/admin/news/image/add/"
BUCKET_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_DEFAULT_ACL",
    "MEDIA_URL",
)
bucket_numbers = itertools.count(1)


def site_settings(monkeypatch, **env: str) -> dict:
    """The settings adda_site/settings.py makes of these environment variables (and no
    other bucket variables)."""
    for name in BUCKET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture(scope="module")
def storage_server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with object_storage.running(log_path=log_path) as server:
        yield server


@pytest.fixture
def bucket(storage_server, settings, monkeypatch):
    """A new public bucket, which the site's media go to as its environment variables say.

    Django forgets its storages when STORAGES changes (django.test.signals), and imagekit
    asks Django's for the "default" one each time, so changing the settings is enough."""
    bucket = storage_server.create_bucket(f"adda-media-{next(bucket_numbers)}")
    site = site_settings(monkeypatch, **bucket.env)
    settings.STORAGES = settings.STORAGES | {"default": site["STORAGES"]["default"]}
    settings.MEDIA_URL = site["MEDIA_URL"]
    settings.SECURE_CSP = site["SECURE_CSP"]
    return bucket


@pytest.fixture
def temporary_directory(monkeypatch, tmp_path):
    """The directory Python's tempfile (Django's upload handler, spooled files) writes to."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def png(width: int, height: int, name: str = "torget.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (0, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Published at once: these tests look at the public page and its renditions.
article_form = partial(new_article_form, status=Article.Status.PUBLISHED)


def upload_to_image_bank(editor_client, upload: SimpleUploadedFile) -> Image:
    response = editor_client.post(
        IMAGE_ADD_URL,
        {"file": upload, "description": "Stortorget", "alt_text": "Stortorget i snö"},
    )
    assert response.status_code == 302
    return Image.objects.latest("pk")


def publish_with_hero(editor_client, hero: SimpleUploadedFile) -> Article:
    image = upload_to_image_bank(editor_client, hero)
    response = editor_client.post(ARTICLE_ADD_URL, article_form(hero=image.pk))
    assert response.status_code == 302
    return Article.objects.get()


def renditions(bucket) -> list[str]:
    """The keys of the renditions in the bucket (each test has a bucket of its own)."""
    return bucket.keys("renditions/")


def widths_by_format(bucket, keys: list[str]) -> dict[str, list[int]]:
    widths = {}
    for key in keys:
        with PillowImage.open(io.BytesIO(bucket.read(key))) as image:
            widths.setdefault(image.format, []).append(image.width)
    return {image_format: sorted(found) for image_format, found in widths.items()}


def picture_keys(bucket, picture) -> list[str]:
    """The keys of the renditions a picture's srcsets name."""
    return [
        candidate.split()[0].removeprefix(bucket.public_url)
        for srcset in (picture.webp_srcset, picture.jpeg_srcset)
        for candidate in srcset.split(", ")
    ]


def image_addresses(html: str) -> set[str]:
    """Every address in the page's src and srcset attributes."""
    addresses = set()
    for attribute, value in re.findall(r'\b(src|srcset)="([^"]*)"', html):
        candidates = value.split(",") if attribute == "srcset" else [value]
        addresses |= {candidate.split()[0] for candidate in candidates if candidate.strip()}
    return addresses


# Uploads and renditions


def test_hero_image_uploaded_in_admin_is_in_the_bucket_with_every_rendition(
    editor_client, bucket, media_root, temporary_directory
):
    article = publish_with_hero(editor_client, png(1600, 900))
    original = article.hero.file.name
    assert original.startswith("images/")
    made = renditions(bucket)
    assert bucket.keys() == sorted([original, *made])
    # The page's hero: four widths, each in WebP and JPEG; the largest is the original's.
    shown = picture_keys(bucket, article.hero_picture)
    assert set(shown) <= set(made)
    assert widths_by_format(bucket, shown) == {
        "WEBP": [480, 800, 1200, 1600],
        "JPEG": [480, 800, 1200, 1600],
    }
    assert Article.objects.get().hero.has_renditions
    # Nothing on the app server's disk: not in MEDIA_ROOT, not in a temporary file.
    assert not media_root.exists()
    assert list(temporary_directory.iterdir()) == []


def test_published_article_page_links_the_renditions_at_the_buckets_address(
    editor_client, client, bucket
):
    article = publish_with_hero(editor_client, png(1600, 900))
    response = client.get(article.get_absolute_url())
    linked = {address for address in image_addresses(response.text) if address.startswith("http")}
    made = renditions(bucket)
    assert linked == {bucket.public_url + key for key in picture_keys(bucket, article.hero_picture)}
    assert linked <= {bucket.public_url + key for key in made}
    # As a visitor's browser loads them: from the bucket, without credentials.
    webp = next(address for address in linked if address.endswith(".webp"))
    with urllib.request.urlopen(webp, timeout=5) as answer:
        assert answer.headers["Content-Type"] == "image/webp"
        assert answer.headers["Cache-Control"] == "public, max-age=86400"


def test_link_previews_name_the_largest_rendition_in_the_bucket(editor_client, client, bucket):
    article = publish_with_hero(editor_client, png(1600, 900))
    response = client.get(article.get_absolute_url())
    preview = re.search(r'<meta property="og:image" content="([^"]+)">', response.text)[1]
    assert preview.startswith(bucket.public_url + "renditions/images/")
    assert preview.removeprefix(bucket.public_url) in bucket.keys()


def test_article_page_policy_lets_images_load_from_the_bucket_only(editor_client, client, bucket):
    article = publish_with_hero(editor_client, png(1600, 900))
    response = client.get(article.get_absolute_url())
    directives = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert directives["img-src"] == f"'self' data: {bucket.public_url}"
    assert bucket.server.endpoint_url not in directives["default-src"]


def test_article_page_asks_the_bucket_nothing(editor_client, client, bucket, monkeypatch):
    article = publish_with_hero(editor_client, png(1600, 900))

    def no_requests(*args, **kwargs):
        raise AssertionError("a page asked the bucket")

    monkeypatch.setattr("botocore.client.BaseClient._make_api_call", no_requests)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'srcset="{bucket.public_url}renditions/images/')


def test_image_bank_upload_is_in_the_bucket_with_its_renditions_and_shown_in_an_article(
    editor_client, client, bucket, media_root, temporary_directory
):
    image = upload_to_image_bank(editor_client, png(1000, 600))
    made = renditions(bucket)
    assert bucket.keys() == sorted([image.file.name, *made])
    change_page = editor_client.get(f"/admin/news/image/{image.pk}/change/")
    assertContains(change_page, f"<code>{bucket.public_url}{image.file.name}</code>", html=True)

    body = f'<figure><img src="{image.file.url}" alt="Stortorget i snö"></figure>'
    assert editor_client.post(ARTICLE_ADD_URL, article_form(body=body)).status_code == 302
    page = client.get(Article.objects.get().get_absolute_url())
    body_renditions = [
        address.removeprefix(bucket.public_url)
        for address in image_addresses(page.text)
        if address.startswith(bucket.public_url)
    ]
    assert set(body_renditions) <= set(made)
    # Widths up to the original's 1000 pixels, never wider.
    assert widths_by_format(bucket, body_renditions) == {
        "WEBP": [480, 800, 1000],
        "JPEG": [480, 800, 1000],
    }
    assert not media_root.exists()
    assert list(temporary_directory.iterdir()) == []


def test_editor_changes_only_the_title_of_an_article_whose_image_is_in_the_bucket(
    editor_client, bucket, make_article, make_bank_image
):
    article = make_article(hero=make_bank_image(upload=png(1600, 900)))
    stored = bucket.keys()
    change_url = f"/admin/news/article/{article.pk}/change/"
    assertContains(editor_client.get(change_url), article.hero.description)
    response = editor_client.post(
        change_url,
        article_form(
            title="Nätverket växer", slug=article.slug, lead=article.lead, hero=article.hero_id
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Nätverket växer"
    assert article.hero.has_renditions
    assert bucket.keys() == stored


# Deleting and replacing


def test_deleting_an_article_keeps_its_hero_image_in_the_bucket(
    editor_client, bucket, django_capture_on_commit_callbacks
):
    article = publish_with_hero(editor_client, png(1600, 900))
    stored = bucket.keys()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    # The image stays in the image bank, for other articles.
    assert bucket.keys() == stored


def test_replacing_the_file_of_a_hero_image_removes_the_old_one_and_its_renditions(
    editor_client, bucket, django_capture_on_commit_callbacks
):
    article = publish_with_hero(editor_client, png(1600, 900))
    old = article.hero.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/news/image/{article.hero_id}/change/",
            {
                "file": png(1200, 800),
                "description": "Stortorget",
                "alt_text": "Stortorget i vår",
            },
        )
    assert response.status_code == 302
    new = Image.objects.get().file.name
    assert new != old
    assert bucket.keys() == sorted([new, *renditions(bucket)])
    # Only the new file's renditions are left.
    new_renditions = "renditions/" + new.rsplit(".", 1)[0] + "/"
    assert all(key.startswith(new_renditions) for key in renditions(bucket))


def test_deleting_an_unused_image_from_the_image_bank_removes_it_and_its_renditions(
    editor_client, bucket, django_capture_on_commit_callbacks
):
    image = upload_to_image_bank(editor_client, png(1000, 600))
    body = f'<figure><img src="{image.file.url}" alt="Stortorget i snö"></figure>'
    editor_client.post(ARTICLE_ADD_URL, article_form(body=body))
    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    # The article is gone; the image and its renditions stay in the bank.
    assert image.file.name in bucket.keys()
    assert renditions(bucket)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert bucket.keys() == []


def test_image_an_article_shows_cannot_be_deleted_from_the_image_bank(
    editor_client, bucket, django_capture_on_commit_callbacks
):
    image = upload_to_image_bank(editor_client, png(1000, 600))
    body = f'<figure><img src="{image.file.url}" alt="Stortorget i snö"></figure>'
    editor_client.post(ARTICLE_ADD_URL, article_form(body=body))
    stored = bucket.keys()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assertContains(response, "måste följande skyddade relaterade objekt tas bort")
    assertContains(response, "Artikel: <a href=")
    assert Image.objects.filter(pk=image.pk).exists()
    assert bucket.keys() == stored


# Configuration


def test_without_a_bucket_media_stay_in_media_root(monkeypatch):
    site = site_settings(monkeypatch)
    assert site["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert site["MEDIA_URL"] == "/media/"
    assert site["SECURE_CSP"]["img-src"] == ["'self'", "data:"]


def test_media_url_names_the_domain_in_front_of_the_bucket(monkeypatch):
    site = site_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="adda-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        MEDIA_URL="https://media.example.se",
    )
    assert site["MEDIA_URL"] == "https://media.example.se/"
    assert site["SECURE_CSP"]["img-src"] == ["'self'", "data:", "https://media.example.se/"]
    storage = S3Storage(**site["STORAGES"]["default"]["OPTIONS"])
    assert storage.url("images/2025/06/båt.jpg") == (
        "https://media.example.se/images/2025/06/b%C3%A5t.jpg"
    )


def test_bucket_on_aws_is_linked_at_its_own_address(monkeypatch):
    site = site_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="adda-media")
    assert site["MEDIA_URL"] == "https://adda-media.s3.amazonaws.com/"
    assert site["STORAGES"]["default"]["OPTIONS"]["endpoint_url"] is None


def test_media_url_that_is_not_an_absolute_address_stops_the_site(monkeypatch):
    with pytest.raises(SystemExit, match="MEDIA_URL must be an absolute http or https address"):
        site_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="adda-media", MEDIA_URL="/media/")
