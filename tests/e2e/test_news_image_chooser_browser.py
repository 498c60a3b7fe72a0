"""The image chooser in the browser: an editor places an image of the image bank, or a
new one uploaded on the spot, in an article's body as a figure with a caption, and
visitors see it on the published page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article, Image
from tests.e2e.admin_login import log_in

CAPTION = "Kommunhuset en vintermorgon. Foto: Anna Andersson"


@pytest.fixture
def article(make_article):
    return make_article(
        "Nätverk för innovation",
        slug="natverk",
        lead="Kommunerna startar ett nätverk.",
        body="<p>Nätverket träffas varje månad.</p>",
        status=Article.Status.DRAFT,
        published_at=timezone.now() - timedelta(minutes=5),
    )


@pytest.fixture
def bank(make_bank_image):
    make_bank_image("Skolgården på våren", alt_text="Barn som leker på en skolgård")
    return make_bank_image("Kommunhuset i vinterljus", width=1200, height=800)


def open_article(page, article) -> None:
    log_in(page)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    body_editor(page).wait_for()


def body_editor(page):
    return page.locator('.prose-editor .ProseMirror[contenteditable="true"]')


def open_chooser(page):
    """Put the cursor at the end of the body and press the editor's image button."""
    body_editor(page).click()
    page.keyboard.press("Control+End")
    page.get_by_role("button", name="Infoga bild").click()
    dialog = page.get_by_role("dialog", name="Välj bild")
    dialog.get_by_role("heading", name="Sök i bildbanken").wait_for()
    return dialog


@pytest.fixture
def photo(make_image_upload):
    """A PNG as the editor's file picker hands it to the page."""
    upload = make_image_upload("hamnen.png", width=1200, height=800)
    return {"name": upload.name, "mimeType": "image/png", "buffer": upload.read()}


def publish(page) -> None:
    page.get_by_label("Status:").select_option(label="publicerad")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**/admin/news/article/")


def test_editor_chooses_an_image_from_the_bank_and_visitors_see_the_figure(
    page, editor, article, bank, new_context, live_server, csp_violations
):
    open_article(page, article)

    dialog = open_chooser(page)
    dialog.get_by_label("Beskrivning eller alternativtext").fill("kommunhuset")
    dialog.get_by_role("button", name="Sök").click()
    dialog.get_by_text("1 bild hittades.").wait_for()
    dialog.get_by_role("link", name="Välj", exact=True).click()
    chosen = page.get_by_role("dialog", name="Vald bild")
    chosen.get_by_label("Bildtext (valfri)").fill(CAPTION)
    chosen.get_by_role("button", name="Infoga bilden").click()

    assert not page.get_by_role("dialog").is_visible()
    # Focus is back on the button that opened the chooser.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Infoga bild"
    figure = body_editor(page).locator("figure")
    assert figure.locator("img").get_attribute("src") == bank.file.url
    assert figure.locator("figcaption").text_content() == CAPTION
    publish(page)
    assert csp_violations == []

    visitor = new_context(base_url=live_server.url).new_page()
    visitor.goto("/nyheter/natverk/")
    shown = visitor.locator(".article__body figure")
    assert shown.locator("picture img").get_attribute("alt") == (
        "Kommunhuset täckt av snö i morgonljus"
    )
    assert shown.locator("figcaption").text_content() == CAPTION
    assert visitor.locator(".article__body p").first.text_content() == (
        "Nätverket träffas varje månad."
    )


def test_editor_uploads_a_new_image_from_the_body_editor_and_visitors_see_it(
    page, editor, article, photo, new_context, live_server
):
    open_article(page, article)

    dialog = open_chooser(page)
    dialog.get_by_label("Fil:").set_input_files(photo)
    dialog.get_by_label("Beskrivning:").fill("Hamnen en sommarmorgon")
    dialog.get_by_role("button", name="Ladda upp och välj").click()
    # Without an alt text the upload is refused, and focus goes to what to correct.
    dialog.get_by_text("Bilden laddades inte upp: rätta det som är markerat nedan.").wait_for()
    assert dialog.get_by_text(
        "Skriv en alternativtext eller markera bilden som dekorativ."
    ).is_visible()
    assert not Image.objects.exists()

    dialog.get_by_label("Fil:").set_input_files(photo)
    dialog.get_by_label("Alternativtext:").fill("Segelbåtar vid bryggan i hamnen")
    dialog.get_by_role("button", name="Ladda upp och välj").click()
    chosen = page.get_by_role("dialog", name="Vald bild")
    chosen.get_by_text("Alternativtext: Segelbåtar vid bryggan i hamnen").wait_for()
    chosen.get_by_role("button", name="Infoga bilden").click()
    publish(page)

    image = Image.objects.get()
    assert image.description == "Hamnen en sommarmorgon"
    visitor = new_context(base_url=live_server.url).new_page()
    visitor.goto("/nyheter/natverk/")
    shown = visitor.locator(".article__body figure picture img")
    assert shown.get_attribute("alt") == "Segelbåtar vid bryggan i hamnen"
    assert visitor.locator(".article__body figcaption").count() == 0


def test_escape_closes_the_chooser_and_changes_nothing(page, editor, article, bank):
    open_article(page, article)

    open_chooser(page)
    page.keyboard.press("Escape")

    assert not page.get_by_role("dialog").is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Infoga bild"
    assert body_editor(page).locator("figure").count() == 0


def test_keyboard_stays_in_the_chooser(page, editor, article, bank):
    open_article(page, article)

    dialog = open_chooser(page)
    for _ in range(30):
        page.keyboard.press("Tab")
        assert dialog.evaluate("(element) => element.contains(document.activeElement)")


def test_hero_gets_the_image_chosen(page, editor, article, bank):
    open_article(page, article)
    if not page.locator("#id_hero").count():
        pytest.fail("The article form has no hero field (id_hero) yet")

    page.get_by_role("button", name="Välj bild").click()
    dialog = page.get_by_role("dialog", name="Välj bild")
    dialog.get_by_label("Beskrivning eller alternativtext").fill("kommunhuset")
    dialog.get_by_role("button", name="Sök").click()
    dialog.get_by_text("1 bild hittades.").wait_for()
    dialog.get_by_role("link", name="Välj", exact=True).click()
    chosen = page.get_by_role("dialog", name="Vald bild")
    assert chosen.get_by_label("Bildtext (valfri)").count() == 0
    chosen.get_by_role("button", name="Använd bilden").click()

    assert page.locator("#id_hero").input_value() == str(bank.pk)
    assert page.locator(".image-chooser-hero").text_content() == "Kommunhuset i vinterljus"
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**/admin/news/article/")
    article.refresh_from_db()
    assert article.hero == bank


def test_chooser_has_no_accessibility_violations(
    new_context, live_server, editor, article, bank, axe_audit
):
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    open_article(page, article)

    dialog = open_chooser(page)
    search = axe_audit(page)
    dialog.get_by_role("button", name="Ladda upp och välj").click()
    dialog.get_by_text("Bilden laddades inte upp: rätta det som är markerat nedan.").wait_for()
    refused = axe_audit(page)
    page.get_by_role("dialog").get_by_role("link", name="Välj", exact=True).first.click()
    page.get_by_role("dialog", name="Vald bild").get_by_label("Bildtext (valfri)").wait_for()
    chosen = axe_audit(page)

    assert (search, refused, chosen) == ([], [], [])


def test_article_form_with_its_editor_and_hero_has_no_accessibility_violations(
    new_context, live_server, editor, article, bank, axe_audit
):
    article.hero = bank
    article.save()
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    open_article(page, article)

    change_form = axe_audit(page)
    page.goto("/admin/news/article/add/")
    body_editor(page).wait_for()
    add_form = axe_audit(page)

    assert (change_form, add_form) == ([], [])


def test_body_editor_toolbar_speaks_swedish(page, editor, article):
    open_article(page, article)
    toolbar = page.locator(".prose-editor")

    for name in ["Fetstil", "Kursiv", "Punktlista", "Numrerad lista", "Citat", "Ångra"]:
        assert toolbar.get_by_role("button", name=name, exact=True).count() == 1, name
    # The heading menu's items, shown when it opens.
    assert toolbar.locator("button", has_text="Rubrik 2").count() == 1
    assert toolbar.get_by_role("button", name="bold").count() == 0
    # The text box is named after the field's label.
    assert page.get_by_role("textbox", name="Brödtext").count() == 1


def test_chooser_that_cannot_reach_the_image_bank_says_so_and_closes(page, editor, article):
    open_article(page, article)
    # As a dropped connection would: the chooser's first page never arrives.
    page.route("**/admin/news/image/valj/**", lambda route: route.abort())

    body_editor(page).click()
    page.get_by_role("button", name="Infoga bild").click()

    dialog = page.get_by_role("dialog", name="Välj bild")
    assert dialog.get_by_role("alert").text_content() == (
        "Det gick inte att nå bildbanken. Försök igen."
    )
    dialog.get_by_role("button", name="Stäng").click()
    assert page.get_by_role("dialog").count() == 0
