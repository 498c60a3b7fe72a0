"""The article and site page forms ask before the editor leaves them with unsaved changes."""

import pytest

from news.models import Article
from tests.e2e.admin_login import log_in

TITLE = "Nätverk för stärkt innovationskraft"


@pytest.fixture
def article(make_article):
    return make_article(TITLE, status=Article.Status.DRAFT, body="<p>Nätverket startar.</p>")


@pytest.fixture
def dialogs(page):
    """The dialogs the page opens, each dismissed (the editor chooses to stay)."""
    opened = []

    def dismiss(dialog):
        opened.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


@pytest.fixture
def change_form(page, editor, article, dialogs):
    log_in(page)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    return page


def leave(page) -> None:
    """Follow the breadcrumb link to the admin's start page, as an editor would."""
    page.locator(".breadcrumbs").get_by_role("link", name="Hem").click(no_wait_after=True)


def wait_for_dialog(page, dialogs) -> None:
    for _attempt in range(100):
        if dialogs:
            return
        page.wait_for_timeout(20)


def rich_text_editor(page):
    return page.locator('.prose-editor .ProseMirror[contenteditable="true"]')


def test_leaving_after_changing_the_title_asks_first(change_form, dialogs):
    page = change_form
    page.get_by_label("Rubrik:").click()
    page.keyboard.press("End")
    page.keyboard.type(" i länet")
    leave(page)
    wait_for_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]
    # The editor chose to stay: the form and the typing are still there.
    assert page.url.endswith(f"/admin/news/article/{Article.objects.get().pk}/change/")
    assert page.get_by_label("Rubrik:").input_value() == f"{TITLE} i länet"


def test_leaving_after_typing_in_the_body_asks_first(change_form, dialogs):
    page = change_form
    rich_text_editor(page).click()
    page.keyboard.press("End")
    page.keyboard.type(" I höst.")
    leave(page)
    wait_for_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]


def test_saving_leaves_without_asking_and_then_the_form_is_unchanged(change_form, dialogs):
    page = change_form
    page.get_by_label("Rubrik:").click()
    page.keyboard.press("End")
    page.keyboard.type(" i länet")
    page.get_by_role("button", name="Spara och fortsätt redigera").click()
    page.get_by_text("Du kan göra ytterligare förändringar nedan.").wait_for()
    assert dialogs == []
    assert Article.objects.get().title == f"{TITLE} i länet"

    page.get_by_label("Rubrik:").click()
    leave(page)
    page.wait_for_url("**/admin/")
    assert dialogs == []


def test_leaving_an_unchanged_form_does_not_ask(change_form, dialogs):
    page = change_form
    # A click in a field is a gesture, after which the browser would show the question.
    page.get_by_label("Rubrik:").click()
    leave(page)
    page.wait_for_url("**/admin/")
    assert dialogs == []


def test_unsaved_changes_warning_breaks_no_content_security_policy_rule(
    change_form, csp_violations
):
    change_form.wait_for_load_state("networkidle")
    assert change_form.evaluate("document.querySelector('script[src*=\"admin-unsaved\"]') !== null")
    assert csp_violations == []


def test_site_page_form_asks_before_leaving_with_unsaved_changes(
    page, admin_user, site_pages, dialogs
):
    from pages.models import Page

    log_in(page, "admin", "password")
    page.goto(f"/admin/pages/page/{Page.objects.first().pk}/change/")
    page.get_by_label("Rubrik:").click()
    page.keyboard.press("End")
    page.keyboard.type(" och mer")
    leave(page)
    wait_for_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]


def test_form_shown_again_with_errors_asks_before_leaving(change_form, dialogs):
    page = change_form
    page.get_by_label("Rubrik:").fill("")
    page.get_by_role("button", name="Spara och fortsätt redigera").click()
    page.locator(".errornote").wait_for()
    # Nothing typed since: what the form holds was still not saved.
    page.get_by_label("Ingress:").click()
    leave(page)
    wait_for_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]
