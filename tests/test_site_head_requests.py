"""HEAD works wherever GET does: link checkers, monitors and caches ask with it."""

import pytest


@pytest.fixture
def site(site_pages, make_article, make_category):
    category = make_category("Innovation")
    article = make_article("Nätverk för stärkt innovationskraft", categories=[category])
    return {"article": article.get_absolute_url(), "category": category.get_absolute_url()}


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/nyheter/",
        "article",
        "category",
        "/nyheter/sok/?q=x",
        "/nyheter/rss/",
        "/cookies/",
        "/tillganglighet/",
        "/om-webbplatsen/",
        "/robots.txt",
        "/sitemap.xml",
    ],
)
def test_every_page_answers_head_without_a_body(client, site, address):
    response = client.head(site.get(address, address))
    assert response.status_code == 200
    assert response.content == b""
