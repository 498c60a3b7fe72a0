from urllib.parse import urlsplit

import pytest

from news.models import Image


@pytest.fixture
def full_article(make_article, make_category, make_image_upload, make_bank_image):
    """An article using everything editors may write, with a hero image and categories."""
    image = Image.objects.create(
        file=make_image_upload("torget.png", width=640, height=480),
        description="Stortorget i vinterljus",
        alt_text="Stortorget täckt av snö en vintermorgon",
    )
    body = (
        "<h2>Ett nätverk för hela länet</h2>"
        "<p>Kommunerna delar erfarenheter och bygger tjänster tillsammans.</p>"
        "<h3>Så går arbetet till</h3>"
        "<p>Läs mer på <a href='https://www.example.se/natverk'>nätverkets webbplats</a>.</p>"
        "<blockquote><p>Tillsammans kommer vi längre än var för sig.</p>"
        '<p class="quote-source">Anna Andersson, projektledare</p></blockquote>'
        "<ol><li>Kartlägg behoven</li><li>Pröva en lösning</li><li>Dela resultatet</li></ol>"
        "<ul><li>Digitala tjänster</li><li>Gemensam upphandling</li></ul>"
        f'<figure><img src="{image.file.url}" alt="Stortorget täckt av snö en vintermorgon">'
        "<figcaption>Stortorget, där nätverket träffades första gången.</figcaption></figure>"
        "<p>Nästa träff är i mars.</p>"
    )
    return make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar länets kommuner kring innovation.",
        body=body,
        hero=make_bank_image(
            "Nätverksträffen",
            alt_text="Sex personer samtalar runt ett bord med post-it-lappar",
            name="nätverket.png",
            width=800,
            height=450,
        ),
        categories=[make_category("Innovation"), make_category("Samverkan")],
    )


def test_start_page_has_no_wcag_violations(axe_violations, make_article, make_category):
    innovation = make_category("Innovation")
    for _ in range(3):
        make_article(categories=[innovation])
    assert axe_violations("/") == []


def test_news_list_with_pagination_has_no_wcag_violations(
    axe_violations, make_article, make_category
):
    innovation = make_category("Innovation")
    for _ in range(12):
        make_article(categories=[innovation])
    assert axe_violations("/nyheter/") == []


def test_article_with_images_quote_and_lists_has_no_wcag_violations(axe_violations, full_article):
    assert axe_violations(full_article.get_absolute_url()) == []


def test_keyboard_user_tabs_to_a_visible_skip_link_that_moves_to_the_content(page, full_article):
    page.goto(full_article.get_absolute_url())
    page.get_by_role("button", name="Endast nödvändiga").click()
    page.get_by_role("status").get_by_text("Dina val om cookies har sparats.").wait_for()
    page.goto(full_article.get_absolute_url())
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip_link.evaluate("link => link === document.activeElement")
    assert skip_link.is_visible()
    box, viewport = skip_link.bounding_box(), page.viewport_size
    assert 0 <= box["x"] <= viewport["width"] - box["width"]
    assert 0 <= box["y"] <= viewport["height"] - box["height"]
    page.keyboard.press("Enter")
    assert page.url.endswith("#innehall")
    assert page.evaluate("document.activeElement.id") == "innehall"


def test_article_page_loads_nothing_from_other_hosts(page, live_server, full_article):
    hosts = set()

    def record(request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob"):
            hosts.add(url.netloc)

    page.on("request", record)
    page.goto(full_article.get_absolute_url(), wait_until="networkidle")
    assert hosts == {urlsplit(live_server.url).netloc}


def test_article_page_breaks_no_content_security_policy_rule(page, csp_violations, full_article):
    page.goto(full_article.get_absolute_url(), wait_until="networkidle")
    assert page.locator("img").count() >= 2
    assert csp_violations == []
