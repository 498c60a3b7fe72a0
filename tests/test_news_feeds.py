import html
import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from news.models import Article

ATOM = "{http://www.w3.org/2005/Atom}"


def channel_of(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.find("channel")


def item_titles(channel: ET.Element) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


@pytest.fixture
def innovation(make_category):
    return make_category("Innovation")


def test_feed_describes_the_site_with_absolute_addresses(client, db):
    channel = channel_of(client.get("/nyheter/rss/"))
    assert channel.findtext("title") == "Adda: nyheter"
    assert channel.findtext("link") == "http://testserver/nyheter/"
    assert channel.findtext("description") == "De senaste nyheterna från Adda."
    assert channel.findtext("language") == "sv"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("href") == "http://testserver/nyheter/rss/"
    assert self_link.get("rel") == "self"


def test_feed_item_has_title_link_lead_date_and_categories(
    client, make_article, innovation, make_category
):
    article = make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna.",
        published_at=timezone.make_aware(timezone.datetime(2022, 6, 21, 9, 30)),
        categories=[innovation, make_category("Digitalisering")],
    )
    (item,) = channel_of(client.get("/nyheter/rss/")).findall("item")
    assert item.findtext("title") == "Nätverk för stärkt innovationskraft"
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("guid") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == "Ett nytt nätverk samlar kommunerna."
    published = parsedate_to_datetime(item.findtext("pubDate"))
    assert published == article.published_at
    assert published.utcoffset() is not None
    assert [category.text for category in item.findall("category")] == [
        "Digitalisering",
        "Innovation",
    ]


def test_feed_dates_are_rfc_822(client, make_article):
    make_article(published_at=timezone.make_aware(timezone.datetime(2022, 6, 21, 9, 30)))
    channel = channel_of(client.get("/nyheter/rss/"))
    # 09:30 in Stockholm in June is 07:30 UTC.
    assert channel.find("item").findtext("pubDate") == "Tue, 21 Jun 2022 07:30:00 +0000"
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) is not None


def test_feed_lead_with_markup_characters_reads_as_the_lead(client, make_article):
    make_article(lead="Kommuner & regioner: <samverkan> i ”praktiken”.")
    item = channel_of(client.get("/nyheter/rss/")).find("item")
    # Feed readers read the description as HTML: the lead arrives as text, not markup.
    assert item.findtext("description") == (
        "Kommuner &amp; regioner: &lt;samverkan&gt; i ”praktiken”."
    )
    assert html.unescape(item.findtext("description")) == (
        "Kommuner & regioner: <samverkan> i ”praktiken”."
    )


def test_feed_has_the_twenty_latest_news_newest_first(client, make_article):
    now = timezone.now()
    for days in range(25):
        make_article(f"Nyhet {days} dagar gammal", published_at=now - timedelta(days=days))
    titles = item_titles(channel_of(client.get("/nyheter/rss/")))
    assert titles == [f"Nyhet {days} dagar gammal" for days in range(20)]


def test_feed_leaves_out_drafts_scheduled_and_expired_news(client, make_article):
    make_article("Publicerad")
    make_article("Utkastet", status=Article.Status.DRAFT)
    make_article("Kommer snart", published_at=timezone.now() + timedelta(days=1))
    make_article(
        "Har gått ut",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
    )
    assert item_titles(channel_of(client.get("/nyheter/rss/"))) == ["Publicerad"]


def test_feed_item_without_categories_has_none(client, make_article):
    make_article()
    item = channel_of(client.get("/nyheter/rss/")).find("item")
    assert item.findall("category") == []


# A category's feed


def test_category_feed_has_only_that_categorys_published_news(
    client, make_article, innovation, make_category
):
    make_article("Om innovation", categories=[innovation])
    make_article("Utkast om innovation", status=Article.Status.DRAFT, categories=[innovation])
    make_article("Om hållbarhet", categories=[make_category("Hållbarhet", slug="hallbarhet")])
    channel = channel_of(client.get("/nyheter/kategori/innovation/rss/"))
    assert item_titles(channel) == ["Om innovation"]


def test_category_feed_describes_the_category(client, innovation):
    channel = channel_of(client.get("/nyheter/kategori/innovation/rss/"))
    assert channel.findtext("title") == "Adda: nyheter om Innovation"
    assert channel.findtext("link") == "http://testserver/nyheter/kategori/innovation/"
    assert channel.findtext("description") == "De senaste nyheterna om Innovation från Adda."
    self_link = channel.find(f"{ATOM}link").get("href")
    assert self_link == "http://testserver/nyheter/kategori/innovation/rss/"


def test_category_feed_uses_the_category_description(client, innovation):
    innovation.description = "Nya arbetssätt som kommuner prövar."
    innovation.save()
    channel = channel_of(client.get("/nyheter/kategori/innovation/rss/"))
    assert channel.findtext("description") == "Nya arbetssätt som kommuner prövar."


def test_feed_of_an_unknown_category_is_not_found(client, db):
    assert client.get("/nyheter/kategori/finns-inte/rss/").status_code == 404


def test_feeds_use_the_host_the_request_came_to(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["nyheter.example.se"]
    article = make_article()
    channel = channel_of(client.get("/nyheter/rss/", headers={"host": "nyheter.example.se"}))
    assert channel.find("item").findtext("link") == (
        f"http://nyheter.example.se{article.get_absolute_url()}"
    )


# Where the feeds are announced


@pytest.mark.parametrize("path", ["/", "/nyheter/"])
def test_news_lists_link_the_feed(client, db, path):
    assertContains(
        client.get(path),
        '<link rel="alternate" type="application/rss+xml" title="Nyheter (RSS)" '
        'href="/nyheter/rss/">',
        html=True,
    )


def test_category_page_links_its_feed(client, innovation):
    assertContains(
        client.get("/nyheter/kategori/innovation/"),
        '<link rel="alternate" type="application/rss+xml" title="Nyheter: Innovation (RSS)" '
        'href="/nyheter/kategori/innovation/rss/">',
        html=True,
    )


def test_an_article_titled_rss_does_not_take_the_feeds_address(client, make_article):
    article = make_article("RSS")
    assert article.slug == "rss-2"
    channel_of(client.get("/nyheter/rss/"))
    assert client.get(article.get_absolute_url()).status_code == 200
