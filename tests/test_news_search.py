import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from news.models import Article

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the fallback for databases without full-text search"
)


def found_titles(response) -> list[str]:
    """The titles of the hits, as visitors read them (without the highlighting)."""
    titles = re.findall(r'class="summary__title"><a href="[^"]+">(.*?)</a>', response.text)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def search(client, query: str, **params):
    return client.get("/nyheter/sok/", {"q": query, **params})


@pytest.fixture
def some_news(make_article):
    make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna.",
        body="<p>Deltagarna delar erfarenheter av upphandling.</p>",
    )
    make_article(
        "Ny vägledning om hållbara inköp",
        lead="Vägledningen hjälper regioner att ställa miljökrav.",
        body="<p>Den bygger på erfarenheter från flera län.</p>",
    )


# The search field


@pytest.mark.parametrize("path", ["/", "/nyheter/", "/cookies/"])
def test_every_page_has_a_search_field_labelled_sok_in_the_header(client, db, path):
    html = client.get(path).text
    header = re.search(r'<header class="site-header">.*?</header>', html, re.S)[0]
    form = re.search(r"<form[^>]*>.*?</form>", header, re.S)[0]
    assert 'role="search" method="get" action="/nyheter/sok/"' in form
    field_id = re.search(r'<input type="search" id="([^"]+)" name="q"', form)[1]
    assert f'<label class="visually-hidden" for="{field_id}">Sök</label>' in form
    assert '<button type="submit">Sök</button>' in form


def test_search_page_has_its_own_labelled_field_with_the_query(client, some_news):
    response = search(client, "nätverk")
    assertContains(response, '<label class="form-label" for="id_q">Sök bland nyheterna</label>')
    assertContains(response, 'id="id_q" name="q" value="nätverk"')


# Finding


def test_search_finds_words_in_the_title_lead_and_body(client, some_news):
    assert found_titles(search(client, "innovationskraft")) == [
        "Nätverk för stärkt innovationskraft"
    ]
    assert found_titles(search(client, "miljökrav")) == ["Ny vägledning om hållbara inköp"]
    assert found_titles(search(client, "upphandling")) == ["Nätverk för stärkt innovationskraft"]


def test_search_needs_every_word(client, some_news):
    assert found_titles(search(client, "nätverk miljökrav")) == []
    assert found_titles(search(client, "nätverk kommunerna")) == [
        "Nätverk för stärkt innovationskraft"
    ]


def test_search_finds_words_whatever_their_case(client, make_article):
    make_article("Översyn av avtalen", lead="Avtalen ses över i år.")
    assert found_titles(search(client, "översyn")) == ["Översyn av avtalen"]
    assert found_titles(search(client, "ÖVERSYN")) == ["Översyn av avtalen"]


def test_search_shows_no_drafts_scheduled_or_expired_news(client, make_article):
    make_article("Publicerad om innovation")
    make_article("Utkast om innovation", status=Article.Status.DRAFT)
    make_article("Kommande om innovation", published_at=timezone.now() + timedelta(days=1))
    make_article(
        "Utgången om innovation",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
    )
    response = search(client, "innovation")
    assert found_titles(response) == ["Publicerad om innovation"]
    assertContains(response, "1 träff för ”innovation”")


# What the results page shows


def test_search_counts_the_hits_in_swedish(client, make_article):
    for number in range(3):
        make_article(f"Innovation nummer {number}")
    assertContains(search(client, "innovation"), "3 träffar för ”innovation”")


def test_one_hit_is_counted_in_the_singular(client, make_article):
    make_article("Innovation i fokus")
    assertContains(search(client, "innovation"), "1 träff för ”innovation”")


def test_search_highlights_the_match_in_title_and_lead(client, make_article):
    make_article("Innovation i fokus", lead="Ett år av innovation i kommunerna.")
    response = search(client, "innovation")
    assertContains(response, "<mark>Innovation</mark> i fokus</a>")
    assertContains(response, "Ett år av <mark>innovation</mark> i kommunerna.")


def test_search_results_show_date_categories_and_link(client, make_article, make_category):
    article = make_article(
        "Innovation i fokus",
        published_at=timezone.make_aware(timezone.datetime(2022, 6, 21, 9, 0)),
        categories=[make_category("Digitalisering")],
    )
    response = search(client, "innovation")
    assertContains(response, '<time datetime="2022-06-21">21 juni 2022</time>', html=True)
    assertContains(response, '<a href="/nyheter/kategori/digitalisering/">Digitalisering</a>')
    assertContains(response, f'<a href="{article.get_absolute_url()}"><mark>Innovation</mark>')


def test_search_without_hits_says_what_to_try(client, some_news):
    response = search(client, "cykelbanor")
    assertContains(response, "0 träffar för ”cykelbanor”")
    assertInHTML(
        '<p class="search-empty">Kontrollera stavningen, pröva andra eller färre ord, '
        'eller bläddra bland <a href="/nyheter/">alla nyheter</a>.</p>',
        response.text,
    )


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_search_asks_for_words(client, some_news, query):
    response = search(client, query)
    assert response.status_code == 200
    assertContains(response, "<h1>Sök</h1>", html=True)
    assertContains(response, "Skriv ett eller flera ord för att söka bland nyheterna.")
    assertNotContains(response, "träff")


def test_search_page_without_a_query_parameter_asks_for_words(client, db):
    response = client.get("/nyheter/sok/")
    assert response.status_code == 200
    assertContains(response, "Skriv ett eller flera ord för att söka bland nyheterna.")


def test_search_results_have_pages_that_keep_the_query(client, make_article):
    for _ in range(12):
        make_article(lead="Om innovation & samverkan.")
    first = search(client, "innovation & samverkan")
    assert len(found_titles(first)) == 10
    assertContains(first, "12 träffar för ”innovation &amp; samverkan”")
    assertContains(first, 'href="?q=innovation+%26+samverkan&amp;sida=2" rel="next"')
    second = search(client, "innovation & samverkan", sida="2")
    assert len(found_titles(second)) == 2
    assertContains(second, "Sida 2 av 2")
    assertContains(second, 'href="?q=innovation+%26+samverkan" rel="prev"')


def test_search_results_page_is_not_indexed_by_search_engines(client, some_news):
    assertContains(search(client, "nätverk"), '<meta name="robots" content="noindex">')


# Hostile queries


def test_html_in_the_query_is_shown_as_text(client, some_news):
    response = search(client, '<script>alert("x")</script> nätverk')
    assert response.status_code == 200
    assertNotContains(response, '<script>alert("x")')
    assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; nätverk")


def test_html_in_a_found_title_stays_text_around_the_highlight(client, make_article):
    make_article("<b>Innovation</b> & <script>mer</script>", lead="Om <i>innovation</i>.")
    response = search(client, "innovation")
    assertContains(
        response,
        "&lt;b&gt;<mark>Innovation</mark>&lt;/b&gt; &amp; &lt;script&gt;mer&lt;/script&gt;</a>",
    )
    assertContains(response, "Om &lt;i&gt;<mark>innovation</mark>&lt;/i&gt;.")
    assertNotContains(response, "<script>mer")


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE news_article; --",
        '" OR 1=1 --',
        "% _ \\",
        "innovation | ! & : * ( )",
        '"innovation',
        "-innovation",
        "or",
        "och att som",
    ],
)
def test_sql_and_query_syntax_give_a_normal_page(client, some_news, query):
    response = search(client, query)
    assert response.status_code == 200
    assert Article.objects.count() == 2


def test_percent_and_underscore_are_searched_for_literally(client, make_article):
    make_article("Hundra procent förnybart")
    assert found_titles(search(client, "%")) == []
    assert found_titles(search(client, "_")) == []


def test_ten_thousand_character_query_gives_a_normal_page_with_a_message(client, some_news):
    response = search(client, "nätverk " * 1250)
    assert response.status_code == 200
    assertContains(response, "Säkerställ att detta värde har som mest 200 tecken (den har 9999).")
    assertContains(response, 'aria-invalid="true" aria-describedby="id_q-fel"')


def test_query_with_a_nul_character_gives_a_normal_page(client, some_news):
    response = search(client, "nät\x00verk")
    assert response.status_code == 200
    assertContains(response, "Null-tecken är inte tillåtna.")


def test_many_words_are_searched_without_error(client, some_news):
    response = search(client, " ".join(f"o{number}" for number in range(50)))
    assert response.status_code == 200
    assertContains(response, "0 träffar")


text_without_surrogates = st.text(st.characters(exclude_categories=["Cs"]), max_size=250)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=text_without_surrogates)
def test_any_text_gives_a_normal_page_that_echoes_it_escaped(client, some_news, query):
    response = search(client, query)
    assert response.status_code == 200
    if len(query) <= 200 and "\x00" not in query:
        assertContains(response, f'name="q" value="{escape(query)}"')


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(prefix=text_without_surrogates)
def test_no_tag_typed_into_the_search_reaches_the_page(client, some_news, prefix):
    response = search(client, f"{prefix} nätverk<img src=x data-injected>")
    assert response.status_code == 200
    assertNotContains(response, "<img src=x data-injected>")


# PostgreSQL's Swedish full-text search


@postgresql_only
def test_swedish_stemming_finds_kommun_when_searching_kommunerna(client, make_article):
    make_article("Stöd till varje kommun", lead="Ett nytt stöd.")
    make_article("Om regionerna", lead="Något annat.")
    response = search(client, "kommunerna")
    assert found_titles(response) == ["Stöd till varje kommun"]
    assertContains(response, "Stöd till varje <mark>kommun</mark>")


@postgresql_only
def test_a_match_in_the_title_ranks_above_the_lead_and_the_lead_above_the_body(
    client, make_article
):
    now = timezone.now()
    make_article(
        "Nyhet med ordet i brödtexten",
        lead="Ingressen.",
        body="<p>Om upphandling.</p>",
        published_at=now,
    )
    make_article(
        "Nyhet med ordet i ingressen",
        lead="Om upphandling.",
        published_at=now - timedelta(days=1),
    )
    make_article("Upphandling i rubriken", lead="Ingressen.", published_at=now - timedelta(days=2))
    assert found_titles(search(client, "upphandlingen")) == [
        "Upphandling i rubriken",
        "Nyhet med ordet i ingressen",
        "Nyhet med ordet i brödtexten",
    ]


@postgresql_only
def test_web_search_syntax_quotes_and_minus(client, make_article):
    make_article("Hållbara inköp i regionen", lead="Miljökrav.")
    make_article("Inköp av hållbara material", lead="Krav.")
    assert found_titles(search(client, '"hållbara inköp"')) == ["Hållbara inköp i regionen"]
    assert found_titles(search(client, "hållbara -regionen")) == ["Inköp av hållbara material"]


@postgresql_only
def test_full_text_search_uses_the_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Article.objects.search("kommunerna").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_article_search" in plan


# The fallback on SQLite


@sqlite_only
def test_sqlite_fallback_finds_words_inside_longer_words(client, make_article):
    make_article("Stöd till kommunerna", lead="Ett nytt stöd.")
    assert found_titles(search(client, "kommun")) == ["Stöd till kommunerna"]
    assertContains(search(client, "kommun"), "Stöd till <mark>kommun</mark>erna")


@sqlite_only
def test_sqlite_fallback_lists_hits_newest_first(client, make_article):
    now = timezone.now()
    make_article("Äldre om upphandling", published_at=now - timedelta(days=2))
    make_article("Nyare om upphandling", published_at=now - timedelta(days=1))
    assert found_titles(search(client, "upphandling")) == [
        "Nyare om upphandling",
        "Äldre om upphandling",
    ]


def test_an_article_titled_sok_does_not_take_the_search_pages_address(client, make_article):
    article = make_article("Sök")
    assert article.slug == "sok-2"
    assert client.get("/nyheter/sok/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editors_cannot_give_an_article_the_search_pages_address(make_article):
    article = make_article("Sökfunktionen")
    article.slug = "sok"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["slug"] == ["Adressen används av webbplatsen: välj en annan."]
