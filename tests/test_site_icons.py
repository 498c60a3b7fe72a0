"""The site's icon: browsers ask for /favicon.ico on every site, and pages link it."""

import io

import pytest
from PIL import Image
from pytest_django.asserts import assertContains


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"


@pytest.mark.parametrize("path", ["/", "/nyheter/", "/sidan-finns-inte/"])
def test_pages_link_the_icons(client, db, path):
    response = client.get(path)

    assertContains(
        response,
        '<link rel="icon" href="/favicon.ico" sizes="48x48">',
        html=True,
        status_code=response.status_code,
    )
    assertContains(response, 'type="image/svg+xml"', status_code=response.status_code)


def test_svg_icon_is_served(client):
    response = client.get("/static/img/favicon.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
