import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from PIL import Image as PillowImage

from news.models import Article

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class HeadParser(HTMLParser):
    """The metadata of a rendered page: meta tags, link tags and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.json_ld: list[tuple[dict, str]] = []
        self._script: list[str] | None = None
        self._script_attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (key := attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script, self._script_attrs = [], attrs

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append((self._script_attrs, "".join(self._script)))
            self._script = None


def head_of(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def meta(head: HeadParser, key: str) -> str:
    (value,) = head.meta[key]
    return value


def canonical(head: HeadParser) -> str:
    (link,) = [link for link in head.links if link.get("rel") == "canonical"]
    return link["href"]


def structured_data(response) -> dict:
    ((_attrs, text),) = head_of(response).json_ld
    return json.loads(text)


def sitemap_urls(response) -> dict[str, str | None]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


@pytest.fixture
def innovation(make_category):
    return make_category("Innovation")


@pytest.fixture
def article_with_image(make_article, innovation, make_category, make_bank_image):
    return make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna kring innovation.",
        hero=make_bank_image(
            alt_text="Sex personer samtalar runt ett bord",
            name="natverket.png",
            width=2000,
            height=1000,
        ),
        categories=[innovation, make_category("Digitalisering")],
    )


# The sitemap


def news_only(urls: dict) -> dict:
    """The news part of the sitemap; the site pages have their own section."""
    news = ("http://testserver/", "http://testserver/nyheter/")
    return {
        url: lastmod for url, lastmod in urls.items() if url == news[0] or url.startswith(news[1])
    }


def test_sitemap_lists_start_list_category_pages_and_published_articles(
    client, make_article, innovation, time_machine
):
    time_machine.move_to(timezone.make_aware(datetime(2022, 6, 21, 12, 0)), tick=False)
    older = make_article("Äldre", categories=[innovation], published_at=timezone.now())
    time_machine.move_to(timezone.make_aware(datetime(2022, 9, 1, 12, 0)), tick=False)
    newer = make_article("Nyare", published_at=timezone.now())
    urls = news_only(sitemap_urls(client.get("/sitemap.xml")))
    assert urls == {
        "http://testserver/": "2022-09-01",
        "http://testserver/nyheter/": "2022-09-01",
        "http://testserver/nyheter/kategori/innovation/": "2022-06-21",
        f"http://testserver{older.get_absolute_url()}": "2022-06-21",
        f"http://testserver{newer.get_absolute_url()}": "2022-09-01",
    }


def test_sitemap_lastmod_is_when_the_article_was_last_corrected(client, make_article, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2022, 6, 21, 12, 0)), tick=False)
    article = make_article("Ändrad", published_at=timezone.now())
    time_machine.move_to(timezone.make_aware(datetime(2023, 1, 10, 12, 0)), tick=False)
    article.lead = "En rättad ingress."
    article.correction_note = "Ingressen är rättad."
    article.save()
    urls = sitemap_urls(client.get("/sitemap.xml"))
    assert urls[f"http://testserver{article.get_absolute_url()}"] == "2023-01-10"


def test_scheduled_article_enters_the_sitemap_dated_when_it_appears(
    client, make_article, time_machine
):
    time_machine.move_to(timezone.make_aware(datetime(2022, 6, 21, 12, 0)), tick=False)
    article = make_article("Schemalagd", published_at=timezone.now() + timedelta(days=3))
    url = f"http://testserver{article.get_absolute_url()}"
    assert url not in sitemap_urls(client.get("/sitemap.xml"))
    time_machine.shift(timedelta(days=4))
    assert sitemap_urls(client.get("/sitemap.xml"))[url] == "2022-06-24"


def test_sitemap_leaves_out_drafts_scheduled_expired_news_and_their_categories(
    client, make_article, make_category
):
    secret = make_category("Hemligt", slug="hemligt")
    make_article("Utkastet", slug="utkastet", status=Article.Status.DRAFT, categories=[secret])
    make_article(
        "Kommer snart",
        slug="kommer-snart",
        published_at=timezone.now() + timedelta(days=1),
        categories=[secret],
    )
    make_article(
        "Har gått ut",
        slug="har-gatt-ut",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
        categories=[secret],
    )
    urls = news_only(sitemap_urls(client.get("/sitemap.xml")))
    assert set(urls) == {"http://testserver/", "http://testserver/nyheter/"}
    assert urls["http://testserver/"] is None


def test_sitemap_sections_are_a_dict_other_apps_can_add_to():
    from adda_site.urls import sitemaps

    assert set(sitemaps) >= {"news-pages", "categories", "articles"}


# robots.txt


def test_robots_txt_keeps_search_out_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /nyheter/sok/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# Canonical addresses


def test_article_page_has_its_absolute_address_as_canonical(client, make_article):
    article = make_article()
    head = head_of(client.get(article.get_absolute_url(), {"utm_source": "nyhetsbrev"}))
    assert canonical(head) == f"http://testserver{article.get_absolute_url()}"
    assert meta(head, "og:url") == canonical(head)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "http://testserver/"),
        ("/nyheter/", "http://testserver/nyheter/"),
        ("/nyheter/?utm_source=nyhetsbrev", "http://testserver/nyheter/"),
        ("/nyheter/?sida=1", "http://testserver/nyheter/"),
        ("/nyheter/?sida=2", "http://testserver/nyheter/?sida=2"),
        ("/nyheter/?kategori=innovation", "http://testserver/nyheter/kategori/innovation/"),
        (
            "/nyheter/?kategori=innovation&sida=2",
            "http://testserver/nyheter/kategori/innovation/?sida=2",
        ),
        ("/nyheter/kategori/innovation/?x=1", "http://testserver/nyheter/kategori/innovation/"),
        ("/nyheter/sok/?q=n%C3%A4tverk&x=1", "http://testserver/nyheter/sok/?q=n%C3%A4tverk"),
        ("/cookies/", "http://testserver/cookies/"),
    ],
)
def test_pages_have_a_canonical_address_without_extra_parameters(
    client, make_article, innovation, path, expected
):
    for _ in range(12):
        make_article(categories=[innovation])
    assert canonical(head_of(client.get(path))) == expected


# Descriptions


def test_article_description_is_its_lead(client, make_article):
    article = make_article(lead="Ett nytt nätverk samlar kommunerna.")
    head = head_of(client.get(article.get_absolute_url()))
    assert meta(head, "description") == "Ett nytt nätverk samlar kommunerna."
    assert meta(head, "og:description") == "Ett nytt nätverk samlar kommunerna."
    assert meta(head, "twitter:description") == "Ett nytt nätverk samlar kommunerna."


def test_editors_description_for_search_engines_replaces_the_lead(client, make_article):
    article = make_article(
        lead="En lång ingress.", seo_description="Kort text för sökmotorer & delning."
    )
    head = head_of(client.get(article.get_absolute_url()))
    assert meta(head, "description") == "Kort text för sökmotorer & delning."
    assert meta(head, "og:description") == "Kort text för sökmotorer & delning."


def test_long_lead_is_shortened_for_search_engines(client, make_article):
    article = make_article(lead="Ord " * 150)
    description = meta(head_of(client.get(article.get_absolute_url())), "description")
    assert len(description) == 160
    assert description.endswith("…")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Nyheter och information från Adda."),
        ("/nyheter/", "Alla nyheter från Adda, de senaste först."),
        ("/nyheter/kategori/innovation/", "Nyheter om Innovation från Adda."),
        ("/nyheter/sok/?q=natverk", "Nyheter och information från Adda."),
        ("/cookies/", "Nyheter och information från Adda."),
    ],
)
def test_other_pages_have_a_swedish_description(client, innovation, path, expected):
    head = head_of(client.get(path))
    assert meta(head, "description") == expected
    assert meta(head, "og:description") == expected


def test_category_description_describes_the_category_page(client, innovation):
    innovation.description = "Nya arbetssätt som kommuner prövar."
    innovation.save()
    head = head_of(client.get("/nyheter/kategori/innovation/"))
    assert meta(head, "description") == "Nya arbetssätt som kommuner prövar."


# Sharing: Open Graph and Twitter cards


def test_article_preview_has_title_type_and_the_hero_image_with_its_size(
    client, article_with_image
):
    head = head_of(client.get(article_with_image.get_absolute_url()))
    assert meta(head, "og:type") == "article"
    assert meta(head, "og:title") == "Nätverk för stärkt innovationskraft"
    assert meta(head, "og:site_name") == "Adda"
    assert meta(head, "og:locale") == "sv_SE"
    assert meta(head, "twitter:card") == "summary_large_image"
    assert meta(head, "twitter:title") == "Nätverk för stärkt innovationskraft"
    image_url = meta(head, "og:image")
    assert image_url.startswith("http://testserver/media/renditions/")
    assert image_url.endswith(".jpg")
    assert meta(head, "twitter:image") == image_url
    # The 1.91:1 crop link previews ask for.
    assert (meta(head, "og:image:width"), meta(head, "og:image:height")) == ("1200", "628")
    assert meta(head, "og:image:alt") == "Sex personer samtalar runt ett bord"
    image = client.get(image_url.removeprefix("http://testserver"))
    assert image.status_code == 200
    with PillowImage.open(io.BytesIO(b"".join(image.streaming_content))) as served:
        assert served.size == (1200, 628)
        assert served.format == "JPEG"


def test_article_preview_names_its_dates_and_sections(client, article_with_image):
    head = head_of(client.get(article_with_image.get_absolute_url()))
    published = datetime.fromisoformat(meta(head, "article:published_time"))
    assert published == article_with_image.published_at
    assert head.meta["article:section"] == ["Digitalisering", "Innovation"]


def test_decorative_hero_image_is_shared_without_alt_text(client, make_article, make_bank_image):
    article = make_article(hero=make_bank_image(is_decorative=True))
    head = head_of(client.get(article.get_absolute_url()))
    assert "og:image" in head.meta
    assert "og:image:alt" not in head.meta


def test_article_without_image_is_shared_as_a_summary_card(client, make_article):
    article = make_article("Utan bild")
    head = head_of(client.get(article.get_absolute_url()))
    assert meta(head, "twitter:card") == "summary"
    assert "og:image" not in head.meta
    assert "twitter:image" not in head.meta


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Adda"),
        ("/nyheter/", "Nyheter"),
        ("/nyheter/?kategori=innovation", "Nyheter: Innovation"),
        ("/nyheter/kategori/innovation/", "Nyheter: Innovation"),
        ("/nyheter/sok/?q=natverk", "Sök"),
    ],
)
def test_other_pages_are_shared_as_websites_with_a_title(
    client, make_article, innovation, path, title
):
    make_article(categories=[innovation])
    head = head_of(client.get(path))
    assert meta(head, "og:type") == "website"
    assert meta(head, "og:title") == title
    assert meta(head, "twitter:title") == title
    assert meta(head, "twitter:card") == "summary"
    assert meta(head, "og:url") == canonical(head)


def test_metadata_is_escaped(client, make_article):
    article = make_article('"><script>alert(1)</script>', lead='Ingress med "citat" & <b>.')
    response = client.get(article.get_absolute_url())
    assert "<script>alert(1)" not in response.content.decode()
    head = head_of(response)
    assert meta(head, "og:title") == '"><script>alert(1)</script>'
    assert meta(head, "description") == 'Ingress med "citat" & <b>.'


# schema.org NewsArticle


def test_article_page_carries_news_article_structured_data(client, article_with_image):
    data = structured_data(client.get(article_with_image.get_absolute_url()))
    url = f"http://testserver{article_with_image.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Nätverk för stärkt innovationskraft"
    assert data["description"] == "Ett nytt nätverk samlar kommunerna kring innovation."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == url
    assert datetime.fromisoformat(data["datePublished"]) == article_with_image.published_at
    assert datetime.fromisoformat(data["dateModified"]) == article_with_image.public_modified_at
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Adda",
        "url": "http://testserver/",
    }
    assert data["articleSection"] == ["Digitalisering", "Innovation"]
    # The hero as the page shows it (16:9) and a 4:3 crop, as Google asks for.
    sixteen_nine, four_three = data["image"]
    for image in (sixteen_nine, four_three):
        assert image["@type"] == "ImageObject"
        assert image["url"].startswith("http://testserver/media/renditions/")
    assert (sixteen_nine["width"], sixteen_nine["height"]) == (1600, 900)
    assert four_three["width"] * 3 == pytest.approx(four_three["height"] * 4, abs=4)


def test_publisher_is_the_site_name_setting(client, make_article, settings):
    settings.SITE_NAME = "Kommunförbundet"
    article = make_article()
    data = structured_data(client.get(article.get_absolute_url()))
    assert data["publisher"]["name"] == "Kommunförbundet"


def test_structured_data_of_an_article_without_image_or_categories(client, make_article):
    article = make_article()
    data = structured_data(client.get(article.get_absolute_url()))
    assert "image" not in data
    assert data["articleSection"] == []


def test_structured_data_cannot_be_broken_out_of(client, make_article):
    title = "</script><script>alert(1)</script><!-- & -->"
    article = make_article(title, lead="</SCRIPT> & <b>")
    response = client.get(article.get_absolute_url())
    ((attrs, text),) = head_of(response).json_ld
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    data = json.loads(text)
    assert data["headline"] == title
    assert data["description"] == "</SCRIPT> & <b>"


def test_structured_data_carries_the_pages_csp_nonce(client, make_article):
    article = make_article()
    response = client.get(article.get_absolute_url())
    ((attrs, _text),) = head_of(response).json_ld
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert attrs["nonce"] == nonce


def test_other_pages_have_no_structured_data(client, make_article):
    make_article()
    assert head_of(client.get("/nyheter/")).json_ld == []


def test_admin_preview_of_a_draft_is_not_indexed_and_has_no_structured_data(
    editor_client, make_article
):
    article = make_article("Utkastet", status=Article.Status.DRAFT)
    head = head_of(editor_client.get(f"/admin/news/article/{article.pk}/forhandsgranska/"))
    assert meta(head, "robots") == "noindex"
    assert head.json_ld == []
