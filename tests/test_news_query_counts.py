"""What an uncached page costs in SQL queries: a handful for an article however many
comments and categories it has, and the same few for a list whatever its page size."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains

import news.models
from comments.models import Comment
from news.models import Article

ARTICLE_QUERY_BUDGET = 5
LIST_QUERY_BUDGET = 5


@pytest.fixture(autouse=True)
def rendered_each_time(settings):
    # What a page costs when it is not in the page cache: rendered on every request.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def commented_article(make_article, make_category, make_bank_image):
    """An article with a hero image, five categories and 200 published comments, a few of
    them with replies from the editors (and some comments that are not shown)."""
    categories = [make_category(f"Kategori {n}", slug=f"kategori-{n}") for n in range(5)]
    article = make_article(
        categories=categories,
        hero=make_bank_image(alt_text="Ett torg", width=1000, height=600),
    )
    now = timezone.now()
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                name=f"Person {n}",
                email=f"person{n}@example.se",
                text=f"Kommentar {n} med en länk: https://example.se/{n}.\n\nEtt stycke till.",
                reply="Tack, vi rättar det." if n % 20 == 0 else "",
                status=Comment.Status.PUBLISHED,
                created_at=now - timedelta(minutes=300 - n),
            )
            for n in range(200)
        ]
        + [
            Comment(article=article, name="Väntar", email="v@example.se", text="Väntar.")
            for _ in range(5)
        ]
    )
    # Related news, which the page lists too.
    for n in range(4):
        make_article(categories=categories[n : n + 1])
    return article


@pytest.fixture
def many_articles(make_category):
    """110 published articles in three categories: more than two pages of 50."""
    categories = [make_category(f"Kategori {n}", slug=f"kategori-{n}") for n in range(3)]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Nyhet {n}",
            slug=f"nyhet-{n}",
            lead=f"Ingress {n}.",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(110)
    )
    Article.categories.through.objects.bulk_create(
        Article.categories.through(article_id=article.pk, category_id=category.pk)
        for article in articles
        for category in categories[: article.pk % 3 + 1]
    )
    return articles


def queries_of(client, url: str) -> int:
    """The queries of showing ``url``, once what every page reads (the cookie policy, the
    comment rules) is in the cache: the first request reads it."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_article_with_200_comments_five_categories_and_a_hero_costs_at_most_five_queries(
    client, commented_article, django_assert_max_num_queries
):
    url = commented_article.get_absolute_url()
    client.get(url)  # fills the cache with the cookie policy and the comment rules
    with django_assert_max_num_queries(ARTICLE_QUERY_BUDGET):
        response = client.get(url)
    assertContains(response, "Kommentarer (200)")
    assert response.text.count('<article class="comment">') == 200
    assert response.text.count('<div class="comment__reply">') == 10
    assert response.text.count('<meta property="article:section"') == 5
    assertContains(response, 'type="image/webp" srcset="')
    assertContains(response, "Relaterade nyheter")


def test_hero_image_addresses_are_worked_out_once_per_article_page(
    client, commented_article, monkeypatch
):
    # The page and its data for search engines both show the hero image: its renditions'
    # addresses, each one a hash, are worked out for the first and kept for the second.
    calls = []
    picture = news.models.picture

    def counted_picture(*args):
        calls.append(args)
        return picture(*args)

    monkeypatch.setattr(news.models, "picture", counted_picture)
    response = client.get(commented_article.get_absolute_url())
    assert len(calls) == 1
    search_image = re.search(
        r'"image": \[\{"@type": "ImageObject", "url": "([^"]+)"', response.text
    )
    largest = search_image[1].removeprefix("http://testserver")
    assert largest in re.search(r'<img src="[^"]*" srcset="([^"]+)"', response.text)[1]


LIST_PAGES = [
    pytest.param("/nyheter/", id="news"),
    pytest.param("/nyheter/?sida=2", id="news, page 2"),
    pytest.param("/nyheter/?kategori=kategori-0", id="news filtered by category"),
    pytest.param("/nyheter/kategori/kategori-0/", id="category page"),
    pytest.param("/nyheter/kategori/kategori-0/?sida=2", id="category page 2"),
    pytest.param("/", id="start page"),
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_costs_the_same_few_queries_whatever_the_page_size(
    client, many_articles, settings, url
):
    settings.NEWS_PAGE_SIZE = 10
    small = queries_of(client, url)
    settings.NEWS_PAGE_SIZE = 50
    large = queries_of(client, url)
    assert client.get(url).text.count('<article class="summary">') == 50
    assert small == large
    assert large <= LIST_QUERY_BUDGET
