"""Finding the news in a browser: search, the category pages and the category filter."""

import re

import pytest


@pytest.fixture
def innovation_news(make_article, make_category):
    """Twelve news about innovation (two pages), one about sustainability."""
    innovation = make_category("Innovation")
    innovation.description = "Nya arbetssätt och lösningar som kommuner och regioner prövar."
    innovation.save()
    for number in range(12):
        make_article(
            f"Innovation i kommunerna, del {number + 1}",
            lead="Ett nätverk för innovation samlar kommuner och regioner.",
            categories=[innovation],
        )
    make_article(
        "Hållbara inköp",
        lead="Miljökrav i upphandlingar.",
        categories=[make_category("Hållbarhet", slug="hallbarhet")],
    )
    return innovation


def test_search_results_with_highlights_and_pages_have_no_wcag_violations(
    axe_violations, innovation_news
):
    assert axe_violations("/nyheter/sok/?q=innovation") == []


def test_search_without_hits_and_with_a_too_long_query_have_no_wcag_violations(
    axe_violations, innovation_news
):
    assert axe_violations("/nyheter/sok/?q=cykelbanor") == []
    assert axe_violations("/nyheter/sok/?q=" + "innovation+" * 30) == []


def test_category_page_with_description_and_pages_has_no_wcag_violations(
    axe_violations, innovation_news
):
    assert axe_violations("/nyheter/kategori/innovation/") == []


def test_news_list_with_the_category_filter_has_no_wcag_violations(axe_violations, innovation_news):
    assert axe_violations("/nyheter/?kategori=innovation") == []


def test_visitor_without_javascript_searches_from_the_header(
    new_context, live_server, innovation_news
):
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    page.goto("/nyheter/kategori/innovation/")
    page.get_by_role("search").get_by_role("searchbox", name="Sök").fill("innovation")
    page.get_by_role("search").get_by_role("button", name="Sök").click()
    page.wait_for_url(re.compile(r"/nyheter/sok/\?q=innovation$"))
    assert page.get_by_text("12 träffar för ”innovation”").is_visible()
    assert page.locator("mark").first.inner_text() == "Innovation"
    page.get_by_role("link", name="Äldre nyheter").click()
    page.wait_for_url(re.compile(r"/nyheter/sok/\?q=innovation&sida=2$"))
    assert page.get_by_text("Sida 2 av 2").is_visible()


def test_visitor_without_javascript_filters_the_news_by_category(
    new_context, live_server, innovation_news
):
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    page.goto("/nyheter/")
    page.get_by_label("Kategori").select_option(label="Hållbarhet")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(re.compile(r"/nyheter/\?kategori=hallbarhet$"))
    titles = page.locator(".summary__title").all_inner_texts()
    assert titles == ["Hållbara inköp"]
    assert page.get_by_label("Kategori").input_value() == "hallbarhet"
