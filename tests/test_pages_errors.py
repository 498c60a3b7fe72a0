import re

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertInHTML

SEARCH_FORM = """<form class="search-form" method="get" action="/nyheter/sok/" novalidate>
  <div class="search-form__field">
    <label class="form-label" for="fel-sok">Sök</label>
    <input type="search" class="form-control" id="fel-sok" name="q" value="" maxlength="200">
  </div>
  <button type="submit" class="btn">Sök</button>
</form>"""
NEWS_LINK = '<a href="/nyheter/">Läs de senaste nyheterna</a>'


@pytest.fixture
def server_error_page(django_db_blocker):
    """The 500 page as Django's own handler renders it, with every database query refused."""
    with django_db_blocker.block():
        response = server_error(RequestFactory().get("/nyheter/"))
    return response


def test_unknown_address_gives_a_swedish_404_page_in_the_sites_layout(client, db):
    response = client.get("/nyheter/den-har-nyheten-finns-inte/")

    assert response.status_code == 404
    assertInHTML("<h1>Sidan kunde inte hittas</h1>", response.text)
    assertContains(
        response, "<title>Sidan kunde inte hittas – Adda</title>", html=True, status_code=404
    )
    assertContains(response, 'class="site-header"', status_code=404)
    assertContains(
        response, '<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>', status_code=404
    )


def test_404_page_has_a_search_field_and_a_link_to_the_news(client, db):
    response = client.get("/finns-inte/")

    assertInHTML(SEARCH_FORM, response.text)
    assertInHTML(NEWS_LINK, response.text)


def test_404_page_asks_search_engines_not_to_index_it(client, db):
    response = client.get("/finns-inte/")

    assertContains(response, '<meta name="robots" content="noindex">', status_code=404)


def test_500_page_renders_in_swedish_without_a_database(server_error_page):
    assert server_error_page.status_code == 500
    html = server_error_page.content.decode()
    assertInHTML("<h1>Något gick fel</h1>", html)
    assertInHTML("<title>Något gick fel – Adda</title>", html)
    assert "Ett fel hos oss gjorde att sidan inte kunde visas." in html


def test_500_page_has_the_sites_stylesheet_header_and_footer(server_error_page):
    html = server_error_page.content.decode()

    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assertInHTML('<a class="site-name" href="/">Adda</a>', html)
    assertInHTML('<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>', html)
    assert '<html lang="sv">' in html


def test_500_page_has_a_search_field_and_a_link_to_the_news(server_error_page):
    html = server_error_page.content.decode()

    assertInHTML(SEARCH_FORM, html)
    assertInHTML(NEWS_LINK, html)


def test_500_page_has_no_inline_script_or_style_the_csp_would_block(server_error_page):
    html = server_error_page.content.decode()

    assert "<script" not in html
    assert not re.search(r"<style|\sstyle=", html)
