"""Focal points: an editor marks where the point of an image is, and every crop of it (the
article's 16:9 hero, the 4:3 image for search engines and the 1.91:1 link preview) keeps
that point in view."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PillowImage
from pytest_django.asserts import assertContains

from news.models import Article, Image
from tests.test_news_seo import head_of, meta

RED, BLUE, GREEN = (220, 0, 0), (0, 0, 220), (0, 160, 0)


def three_stripes(name="strand.png") -> SimpleUploadedFile:
    """A 3000 × 1000 panorama: red on the left third, green in the middle, blue on the
    right. Any 16:9, 4:3 or 1.91:1 crop of it is narrower than a third plus a half."""
    image = PillowImage.new("RGB", (3000, 1000), GREEN)
    image.paste(RED, (0, 0, 1000, 1000))
    image.paste(BLUE, (2000, 0, 3000, 1000))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def change_url(image: Image) -> str:
    return f"/admin/news/image/{image.pk}/change/"


def form_data(image: Image, **changes) -> dict:
    return {
        "description": image.description,
        "alt_text": image.alt_text,
        "focal_x": "" if image.focal_x is None else round(image.focal_x * 100),
        "focal_y": "" if image.focal_y is None else round(image.focal_y * 100),
        **changes,
    }


def colour_in_the_middle(client, url: str) -> tuple[int, int, int]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    with PillowImage.open(io.BytesIO(b"".join(response.streaming_content))) as served:
        rgb = served.convert("RGB")
        return rgb.getpixel((rgb.width // 2, rgb.height // 2)), rgb.size


def near(colour, expected) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=True))


@pytest.fixture
def panorama(make_bank_image):
    return make_bank_image(
        "Stranden vid Ön", alt_text="Stranden i kvällssol", upload=three_stripes()
    )


@pytest.fixture
def article_with_panorama(make_article, panorama):
    return make_article("Sommar vid stranden", slug="sommar", hero=panorama)


def test_without_a_focal_point_the_link_preview_shows_the_middle(client, article_with_panorama):
    head = head_of(client.get(article_with_panorama.get_absolute_url()))

    colour, size = colour_in_the_middle(client, meta(head, "og:image"))

    assert near(colour, GREEN)
    assert size == (1200, 628)
    assert (meta(head, "og:image:width"), meta(head, "og:image:height")) == ("1200", "628")


def test_editor_moves_the_focal_point_and_every_crop_follows(
    editor_client, client, article_with_panorama, panorama, media_root
):
    response = editor_client.get(change_url(panorama))
    assertContains(response, "Fokuspunkt")
    assertContains(response, 'data-focal-point data-input-x="id_focal_x"')

    response = editor_client.post(change_url(panorama), form_data(panorama, focal_x=90, focal_y=50))
    assert response.status_code == 302
    panorama.refresh_from_db()
    assert (panorama.focal_x, panorama.focal_y) == (0.9, 0.5)

    page = client.get(article_with_panorama.get_absolute_url())
    head = head_of(page)
    assert near(colour_in_the_middle(client, meta(head, "og:image"))[0], BLUE)
    # The hero on the page is the 16:9 crop, also around the focal point.
    hero = panorama.cropped_picture("16:9")
    assert hero.width * 9 == hero.height * 16
    assertContains(page, hero.src)
    assert near(colour_in_the_middle(client, hero.largest_jpeg)[0], BLUE)
    # And search engines get the 16:9 and the 4:3 crop.
    data = page.content.decode()
    for ratio in ("16:9", "4:3"):
        assert panorama.cropped_picture(ratio).largest_jpeg in data or (
            panorama.cropped_image(ratio).src in data
        )


def test_moving_the_focal_point_removes_the_crops_of_the_old_one(
    editor_client, panorama, media_root, django_capture_on_commit_callbacks
):
    old_preview = panorama.cropped_image("1.91:1").src
    old_file = media_root / old_preview.removeprefix("/media/")
    assert old_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(panorama), form_data(panorama, focal_x=10, focal_y=50))

    panorama.refresh_from_db()
    assert not old_file.exists()
    new_file = media_root / panorama.cropped_image("1.91:1").src.removeprefix("/media/")
    assert new_file.exists()
    # The image itself and its uncropped renditions stay.
    assert (media_root / panorama.file.name).exists()
    assert (media_root / panorama.picture.src.removeprefix("/media/")).exists()


def test_moving_the_focal_point_of_a_16_9_image_removes_its_other_old_crops(
    editor_client, make_bank_image, media_root, django_capture_on_commit_callbacks
):
    # A 16:9 image is its own 16:9 crop, which stays where it is; the others move.
    wide = make_bank_image("Torget", width=1600, height=900)
    old_crops = {ratio: wide.cropped_image(ratio).src for ratio in ("4:3", "1.91:1")}
    kept_crop = wide.cropped_picture("16:9").largest_jpeg

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(wide), form_data(wide, focal_x=10, focal_y=10))

    wide.refresh_from_db()
    for ratio, old in old_crops.items():
        assert not (media_root / old.removeprefix("/media/")).exists(), ratio
        assert (media_root / wide.cropped_image(ratio).src.removeprefix("/media/")).exists()
    assert wide.cropped_picture("16:9").largest_jpeg == kept_crop
    assert (media_root / kept_crop.removeprefix("/media/")).exists()


@pytest.mark.parametrize(
    ("focal_x", "focal_y", "message"),
    [
        ("150", "50", "Kontrollera att detta värde är mindre än eller lika med 100."),
        ("50", "", "En fokuspunkt behöver båda sina koordinater."),
        ("mitten", "50", "Fyll i ett heltal."),
    ],
)
def test_a_focal_point_outside_the_image_is_refused_in_swedish(
    editor_client, panorama, focal_x, focal_y, message
):
    response = editor_client.post(
        change_url(panorama), form_data(panorama, focal_x=focal_x, focal_y=focal_y)
    )

    assertContains(response, message)
    panorama.refresh_from_db()
    assert (panorama.focal_x, panorama.focal_y) == (None, None)


def test_writer_may_set_the_focal_point_of_an_image_no_published_article_shows(
    writer, panorama, make_article
):
    make_article("Utkast om stranden", slug="utkast", hero=panorama, status=Article.Status.DRAFT)
    client = Client()
    client.force_login(writer)

    client.post(change_url(panorama), form_data(panorama, focal_x=20, focal_y=30))

    panorama.refresh_from_db()
    assert (panorama.focal_x, panorama.focal_y) == (0.2, 0.3)


def test_writer_cannot_change_an_image_a_published_article_shows(
    writer, article_with_panorama, panorama
):
    client = Client()
    client.force_login(writer)

    page = client.get(change_url(panorama))
    response = client.post(
        change_url(panorama), form_data(panorama, alt_text="Något helt annat", focal_x=20)
    )

    # Shown read-only: the change would reach visitors without review.
    assert page.status_code == 200
    assertContains(page, "Visa bild")
    assert response.status_code == 403
    panorama.refresh_from_db()
    assert (panorama.alt_text, panorama.focal_x) == ("Stranden i kvällssol", None)


def test_staff_who_may_only_view_images_cannot_move_the_focal_point(django_user_model, panorama):
    user = django_user_model.objects.create_user("lasare", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_image"))
    client = Client()
    client.force_login(user)

    response = client.post(change_url(panorama), form_data(panorama, focal_x=20, focal_y=30))

    assert response.status_code == 403
    panorama.refresh_from_db()
    assert panorama.focal_x is None


def test_crops_keep_the_focal_point_as_near_the_middle_as_the_edges_allow(panorama):
    from news.renditions import crop_for

    # 3000 × 1000 to 16:9 is 1777 × 1000: room of 1223 pixels across, none down.
    assert crop_for("16:9", 3000, 1000, None, None).anchor == (0.5, 0.5)
    assert crop_for("16:9", 3000, 1000, 0.0, 0.3).anchor == (0.0, 0.5)
    assert crop_for("16:9", 3000, 1000, 1.0, 0.3).anchor == (1.0, 0.5)
    # 1500 is the middle of the crop at 1500 - 888.5: 611.5 of 1223 pixels of room.
    assert crop_for("16:9", 3000, 1000, 0.5, 0.5).anchor == (0.5, 0.5)
    # A portrait image is cut across the height instead: 1000 × 523.6 of 3000 pixels.
    assert crop_for("1.91:1", 1000, 3000, 0.5, 0.05).anchor == (0.5, 0.0)
    # The middle of the crop at 2700: its top at 2438.2 of 2476.4 pixels of room.
    assert crop_for("1.91:1", 1000, 3000, 0.5, 0.9).anchor == (0.5, 0.985)


def test_image_bank_shows_each_crop_to_the_editor(editor_client, panorama):
    response = editor_client.get(change_url(panorama))

    for ratio in ("16:9", "4:3", "1.91:1"):
        assertContains(response, f"<figcaption>{ratio}</figcaption>")


def test_an_article_without_a_hero_has_no_share_image(client, make_article):
    article = make_article("Utan bild", slug="utan-bild")
    assert Article.objects.get(pk=article.pk).hero is None
    head = head_of(client.get(article.get_absolute_url()))
    assert "og:image" not in head.meta
