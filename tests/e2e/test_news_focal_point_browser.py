"""An editor clicks on an image in the image bank to set its focal point, and the link
preview of the article showing it is cut around that point."""

import io
import re
import urllib.request

import pytest
from PIL import Image as PillowImage

from tests.e2e.admin_login import log_in
from tests.test_news_focal_point import BLUE, GREEN, near, three_stripes


def share_image_colour(page, live_server, article_path: str):
    page.goto(article_path)
    url = page.locator('meta[property="og:image"]').get_attribute("content")
    url = live_server.url + re.sub(r"^https?://[^/]+", "", url)
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (the live server)
        with PillowImage.open(io.BytesIO(answer.read())) as served:
            rgb = served.convert("RGB")
            return rgb.getpixel((rgb.width // 2, rgb.height // 2))


@pytest.fixture
def panorama(make_bank_image):
    return make_bank_image(
        "Stranden vid Ön", alt_text="Stranden i kvällssol", upload=three_stripes()
    )


def test_editor_clicks_the_focal_point_and_the_link_preview_follows(
    page, live_server, editor, panorama, make_article, csp_violations
):
    article = make_article("Sommar vid stranden", slug="sommar", hero=panorama)
    assert near(share_image_colour(page, live_server, article.get_absolute_url()), GREEN)

    log_in(page)
    page.goto(f"/admin/news/image/{panorama.pk}/change/")
    picture = page.locator("[data-focal-point] img")
    box = picture.bounding_box()
    # On the blue stripe, near the right edge and halfway down.
    picture.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.5})
    marker = page.locator(".focal-point__marker")
    assert marker.is_visible()
    assert page.get_by_label("Fokuspunkt vågrätt (%)").input_value() == "90"
    assert page.get_by_label("Fokuspunkt lodrätt (%)").input_value() == "50"
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**/admin/news/image/")

    panorama.refresh_from_db()
    assert (panorama.focal_x, panorama.focal_y) == (0.9, 0.5)
    assert near(share_image_colour(page, live_server, article.get_absolute_url()), BLUE)
    assert csp_violations == []


def test_focal_point_can_be_typed_from_the_keyboard(page, editor, panorama):
    log_in(page)
    page.goto(f"/admin/news/image/{panorama.pk}/change/")

    page.get_by_label("Fokuspunkt vågrätt (%)").fill("25")
    page.get_by_label("Fokuspunkt lodrätt (%)").fill("75")

    marker = page.locator(".focal-point__marker")
    assert marker.is_visible()
    picture = page.locator("[data-focal-point] img").bounding_box()
    spot = marker.bounding_box()
    assert abs(spot["x"] + spot["width"] / 2 - (picture["x"] + picture["width"] * 0.25)) < 3
    assert abs(spot["y"] + spot["height"] / 2 - (picture["y"] + picture["height"] * 0.75)) < 3


def test_image_page_with_focal_point_has_no_accessibility_violations(
    new_context, live_server, editor, panorama, axe_audit
):
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    log_in(page)

    page.goto(f"/admin/news/image/{panorama.pk}/change/")
    page.get_by_label("Fokuspunkt vågrätt (%)").fill("60")
    page.get_by_label("Fokuspunkt lodrätt (%)").fill("40")

    assert axe_audit(page) == []
