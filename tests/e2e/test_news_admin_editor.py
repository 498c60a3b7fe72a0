from datetime import timedelta

import pytest
from django.utils import timezone

TITLE = "Nätverk för stärkt innovationskraft"
SLUG = "natverk-for-starkt-innovationskraft"
BODY_TEXT = "Kommunerna i länet delar nu erfarenheter i ett gemensamt nätverk."


@pytest.fixture
def article_form(page, editor):
    """The add-article form, opened by an editor who logged in through the login page."""
    page.goto("/admin/login/")
    page.get_by_label("Användarnamn").fill("redaktor")
    page.get_by_label("Lösenord").fill("ett-langt-losenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/news/article/add/")
    return page


def rich_text_editor(page):
    # The editor's menu pickers carry the ProseMirror class too, but are not editable.
    return page.locator('.prose-editor .ProseMirror[contenteditable="true"]')


def test_editor_gets_the_article_form_in_swedish(article_form):
    assert article_form.locator("html").get_attribute("lang") == "sv"
    assert article_form.get_by_role("heading", level=1).text_content() == "Lägg till artikel"
    assert article_form.get_by_label("Rubrik:").is_visible()


def test_article_form_shows_the_rich_text_editor(article_form):
    rich_text_editor(article_form).wait_for()
    assert rich_text_editor(article_form).is_visible()


def test_article_form_breaks_no_content_security_policy_rule(article_form, csp_violations):
    rich_text_editor(article_form).wait_for()
    article_form.wait_for_load_state("networkidle")
    assert csp_violations == []


def test_typing_a_title_suggests_an_ascii_slug(article_form):
    article_form.get_by_label("Rubrik:").press_sequentially(TITLE)
    assert article_form.get_by_label("Adressnamn:").input_value() == SLUG


def test_article_written_in_the_admin_is_shown_to_visitors(article_form, new_context, live_server):
    page = article_form
    page.get_by_label("Rubrik:").press_sequentially(TITLE)
    page.get_by_label("Ingress:").fill("Ett nytt nätverk samlar länets kommuner kring innovation.")
    rich_text_editor(page).click()
    page.keyboard.type(BODY_TEXT)
    page.get_by_label("Status:").select_option(label="publicerad")
    # The site's time zone, a minute ago: the article is published at once.
    published_at = timezone.localtime(timezone.now() - timedelta(minutes=1))
    page.locator("#id_published_at_0").fill(published_at.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_1").fill(published_at.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**/admin/news/article/")

    visitor = new_context(base_url=live_server.url).new_page()
    response = visitor.goto(f"/nyheter/{SLUG}/")
    assert response.status == 200
    assert visitor.get_by_role("heading", level=1).text_content() == TITLE
    assert visitor.locator(".article__body").text_content() == BODY_TEXT
