import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from news.models import Article


def titles_in(response) -> list[str]:
    return re.findall(r'class="summary__title"><a href="[^"]+">([^<]+)</a>', response.text)


def related_titles(response) -> list[str]:
    section = re.search(r'<section class="related".*?</section>', response.text, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section[0]) if section else []


@pytest.fixture
def innovation(make_category):
    return make_category("Innovation")


# The category page


def test_category_page_shows_the_description_under_the_heading(client, innovation):
    innovation.description = "Nya arbetssätt som kommuner prövar.\n\nOch sprider."
    innovation.save()
    html = client.get("/nyheter/kategori/innovation/").text
    heading = html.index("<h1>Nyheter: Innovation</h1>")
    description = html.index(
        '<div class="category-description"><p>Nya arbetssätt som kommuner prövar.</p>'
        "\n\n<p>Och sprider.</p></div>"
    )
    assert heading < description


def test_category_description_is_escaped(client, innovation):
    innovation.description = "<script>alert(1)</script>"
    innovation.save()
    response = client.get("/nyheter/kategori/innovation/")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")


def test_category_page_without_description_shows_none(client, innovation):
    response = client.get("/nyheter/kategori/innovation/")
    assertContains(response, "<h1>Nyheter: Innovation</h1>", html=True)
    assertNotContains(response, "category-description")


def test_category_page_title_names_the_category(client, innovation):
    response = client.get("/nyheter/kategori/innovation/")
    assertContains(response, "<title>Nyheter: Innovation – Adda</title>", html=True)


def test_category_page_shows_no_drafts_scheduled_or_expired_news(client, make_article, innovation):
    make_article("Publicerad", categories=[innovation])
    make_article("Utkastet", status=Article.Status.DRAFT, categories=[innovation])
    make_article(
        "Kommer snart", published_at=timezone.now() + timedelta(days=1), categories=[innovation]
    )
    make_article(
        "Har gått ut",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
        categories=[innovation],
    )
    assert titles_in(client.get("/nyheter/kategori/innovation/")) == ["Publicerad"]


def test_category_page_has_ten_a_page_and_a_second_page(client, make_article, innovation):
    for _ in range(12):
        make_article(categories=[innovation])
    first = client.get("/nyheter/kategori/innovation/")
    second = client.get("/nyheter/kategori/innovation/?sida=2")
    assert len(titles_in(first)) == 10
    assert len(titles_in(second)) == 2
    assertContains(first, 'href="?sida=2"')
    assertContains(second, "Sida 2 av 2")


def test_category_page_beyond_the_last_page_is_not_found(client, make_article, innovation):
    make_article(categories=[innovation])
    assert client.get("/nyheter/kategori/innovation/?sida=2").status_code == 404


@pytest.mark.parametrize("slug", ["finns-inte", "INNOVATION"])
def test_unknown_category_page_is_not_found(client, innovation, slug):
    assert client.get(f"/nyheter/kategori/{slug}/").status_code == 404


# The category filter on the news list


def test_news_list_has_a_category_filter_that_works_without_javascript(
    client, make_article, innovation, make_category
):
    make_article(categories=[innovation])
    make_article(categories=[make_category("Hållbarhet", slug="hallbarhet")])
    response = client.get("/nyheter/")
    form = re.search(r'<form class="category-filter".*?</form>', response.text, re.S)[0]
    assert 'method="get" action="/nyheter/"' in form
    assert '<label for="kategori">Kategori</label>' in form
    assert '<select id="kategori" name="kategori">' in form
    assert re.findall(r"<option[^>]*>([^<]+)</option>", form) == [
        "Alla kategorier",
        "Hållbarhet",
        "Innovation",
    ]
    assert '<button type="submit" class="btn">Visa</button>' in form


def test_filtered_news_list_shows_only_that_category(
    client, make_article, innovation, make_category
):
    make_article("Om innovation", categories=[innovation])
    make_article("Om hållbarhet", categories=[make_category("Hållbarhet", slug="hallbarhet")])
    response = client.get("/nyheter/?kategori=innovation")
    assert titles_in(response) == ["Om innovation"]
    assertContains(response, '<option value="innovation" selected>Innovation</option>', html=True)
    assertContains(response, "<title>Nyheter: Innovation – Adda</title>", html=True)


def test_filtered_news_list_pages_keep_the_filter(client, make_article, innovation, make_category):
    for _ in range(12):
        make_article(categories=[innovation])
    make_article("Om hållbarhet", categories=[make_category("Hållbarhet", slug="hallbarhet")])
    first = client.get("/nyheter/?kategori=innovation")
    assertContains(first, 'href="?kategori=innovation&amp;sida=2"')
    second = client.get("/nyheter/?kategori=innovation&sida=2")
    assert len(titles_in(second)) == 2
    assert "Om hållbarhet" not in titles_in(second)
    assertContains(second, 'href="?kategori=innovation" rel="prev"')


def test_category_filter_offers_only_categories_with_published_news(
    client, make_article, innovation, make_category
):
    make_article(categories=[innovation])
    make_article(status=Article.Status.DRAFT, categories=[make_category("Hemligt", slug="hemligt")])
    make_category("Tom", slug="tom")
    response = client.get("/nyheter/")
    assertContains(response, '<option value="innovation">Innovation</option>', html=True)
    assertNotContains(response, "Hemligt")
    assertNotContains(response, '<option value="tom">')


@pytest.mark.parametrize("value", ["finns-inte", "", "<script>"])
def test_unknown_category_in_the_filter_shows_all_news(client, make_article, innovation, value):
    make_article("Om innovation", categories=[innovation])
    make_article("Utan kategori")
    response = client.get("/nyheter/", {"kategori": value}, follow=True)
    # At the list's own address: made-up categories are not pages of their own.
    assert response.redirect_chain == [("/nyheter/", 302)]
    assert titles_in(response) == ["Om innovation", "Utan kategori"]
    assertContains(response, '<option value="">Alla kategorier</option>', html=True)


def test_news_list_without_categories_has_no_filter(client, make_article):
    make_article()
    assertNotContains(client.get("/nyheter/"), "category-filter")


# Related news


def test_article_ends_with_three_related_news_newest_first(
    client, make_article, innovation, make_category
):
    now = timezone.now()
    article = make_article("Huvudnyheten", categories=[innovation], published_at=now)
    for days in (5, 1, 3, 2):
        make_article(
            f"Innovation {days}",
            categories=[innovation],
            published_at=now - timedelta(days=days),
        )
    make_article("Annan kategori", categories=[make_category("Hållbarhet", slug="hallbarhet")])
    response = client.get(article.get_absolute_url())
    assertInHTML('<h2 id="relaterade-nyheter">Relaterade nyheter</h2>', response.text)
    assert related_titles(response) == [
        "Innovation 1",
        "Innovation 2",
        "Innovation 3",
    ]


def test_related_news_share_any_of_the_categories_and_come_once(
    client, make_article, innovation, make_category
):
    digital = make_category("Digitalisering")
    article = make_article("Huvudnyheten", categories=[innovation, digital])
    make_article("Båda kategorierna", categories=[innovation, digital])
    make_article("Bara digitalisering", categories=[digital])
    assert related_titles(client.get(article.get_absolute_url())) == [
        "Båda kategorierna",
        "Bara digitalisering",
    ]


def test_related_news_show_no_drafts_scheduled_or_expired_news(client, make_article, innovation):
    article = make_article("Huvudnyheten", categories=[innovation])
    make_article("Utkastet", status=Article.Status.DRAFT, categories=[innovation])
    make_article(
        "Kommer snart", published_at=timezone.now() + timedelta(days=1), categories=[innovation]
    )
    make_article(
        "Har gått ut",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
        categories=[innovation],
    )
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "Relaterade nyheter")


def test_related_news_come_after_the_article_and_before_the_comments(
    client, make_article, innovation
):
    article = make_article("Huvudnyheten", body="<p>Brödtexten.</p>", categories=[innovation])
    make_article("Relaterad", categories=[innovation])
    html = client.get(article.get_absolute_url()).text
    positions = [
        html.index("<p>Brödtexten.</p>"),
        html.index("</article>"),
        html.index("Relaterade nyheter"),
        html.index("Kommentarer (0)"),
    ]
    assert positions == sorted(positions)


def test_article_without_categories_has_no_related_news(client, make_article):
    article = make_article("Huvudnyheten")
    make_article("En annan nyhet")
    assertNotContains(client.get(article.get_absolute_url()), "Relaterade nyheter")


def test_related_news_cost_one_query(client, make_article, innovation, settings):
    settings.PAGE_CACHE_SECONDS = 0  # both pages rendered
    lonely = make_article("Utan kategori")
    article = make_article("Huvudnyheten", categories=[innovation])
    for _ in range(5):
        make_article(categories=[innovation])
    client.get(lonely.get_absolute_url())  # what the first visitor sets up, cached
    with CaptureQueriesContext(connection) as without_related:
        client.get(lonely.get_absolute_url())
    without = len(without_related.captured_queries)  # now: the next request clears the log
    with CaptureQueriesContext(connection) as with_related:
        response = client.get(article.get_absolute_url())
    assert len(related_titles(response)) == 3
    assert len(with_related.captured_queries) == without + 1


def test_category_named_like_the_comment_address_has_its_page(client, make_article, make_category):
    # /nyheter/kategori/kommentarer/ is also the shape of a comment form's address.
    comments_category = make_category("Kommentarer")
    make_article("Om kommentarer", categories=[comments_category])

    response = client.get("/nyheter/kategori/kommentarer/")

    assertContains(response, "Om kommentarer")
