"""What a visitor's browser downloads for an article, images aside: at most 50 KB
compressed (issue 11), however long the article and its comments. Pages are compressed by
the reverse proxy (deploy/nginx.conf, tests/test_deploy_proxy.py), static files by
collectstatic (WhiteNoise's .gz files); here both are compressed as they would be."""

import gzip
import re

from django.contrib.staticfiles import finders
from django.test import Client

BUDGET_BYTES = 50 * 1024
FONT = re.compile(r"""url\(["']?([^"')]+\.(?:woff2?|ttf|otf))["']?\)""")


def static_file(url: str) -> bytes:
    path = finders.find(url.removeprefix("/static/").split("?")[0])
    assert path, f"{url} is not one of the site's static files"
    with open(path, "rb") as file:
        return file.read()


def test_an_article_with_200_comments_weighs_at_most_50_kb_compressed(
    make_article, make_category, make_comment, make_bank_image
):
    categories = [make_category(f"Kategori {n}", slug=f"kategori-{n}") for n in range(5)]
    paragraph = "<p>" + "Kommunerna samarbetar om upphandling av digitala tjänster. " * 12 + "</p>"
    article = make_article(
        "Ett långt reportage",
        categories=categories,
        body=paragraph * 15,
        hero=make_bank_image(alt_text="Två personer vid en skärm"),
    )
    for n in range(200):
        make_comment(article, f"Kommentar nummer {n} om samarbetet, med några ord till.")

    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kommentar nummer 199" in html
    weights = {"html": len(gzip.compress(response.content))}

    for url in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        css = static_file(url)
        weights[url] = len(gzip.compress(css))
        for font in FONT.findall(css.decode()):
            weights[font] = len(static_file(font))  # fonts come compressed already
    for url in re.findall(r'<script src="([^"]+)"', html):
        weights[url] = len(gzip.compress(static_file(url)))

    assert len(weights) >= 3, weights  # the page, its stylesheet and scripts were found
    assert sum(weights.values()) <= BUDGET_BYTES, weights
