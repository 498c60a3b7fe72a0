import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from comments.models import Comment, CommentRules

COMMENTS_MIGRATION = importlib.import_module("comments.migrations.0002_editors_and_rules")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
})"""
THANKS = "Tack för din kommentar! Den publiceras när den har granskats."
TEXT = "Bra att kommunerna samarbetar.\nHoppas nätverket når ut till de små orterna också."


@pytest.fixture(autouse=True)
def comment_settings(settings):
    # The signed time stamp refuses forms sent faster than a person types; a browser
    # driven by a test types instantly.
    settings.FORM_MIN_SECONDS = 0
    settings.COMMENTS_MODERATION = "all"
    settings.COMMENTS_NOTIFY_EDITORS = False


@pytest.fixture
def article(make_article, consent_categories):
    """An open article, on a site with its cookie categories and comment rules, which
    the database flush after each live server test removes."""
    CommentRules.objects.create(text=COMMENTS_MIGRATION.RULES)
    return make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar länets kommuner kring innovation.",
        body="<p>Kommunerna i länet delar nu erfarenheter i ett gemensamt nätverk.</p>",
    )


@pytest.fixture
def comment_editor(editors_group, editor):
    """The editor, with the comment permissions the data migration gives the group."""
    editors_group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=COMMENTS_MIGRATION.EDITOR_PERMISSIONS,
        )
    )
    return editor


@pytest.fixture
def audit_page(new_context, live_server):
    """A page whose context lets the injected axe-core script past the site's CSP."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS}): run `npm ci` in the project root")
    return new_context(base_url=live_server.url, bypass_csp=True).new_page()


def axe_audit(page) -> list[str]:
    """A line per WCAG 2.0/2.1 A/AA violation on the page as it is now."""
    page.add_script_tag(path=AXE_JS)
    results = page.evaluate(AXE_RUN)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
    ]


def send_comment(page, *, name="Anna Andersson", email="anna@example.se", text=TEXT):
    page.get_by_role("textbox", name="Namn").fill(name)
    page.get_by_role("textbox", name="E-post").fill(email)
    page.get_by_role("textbox", name="Kommentar").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka kommentar").click()


def comments_heading(page):
    return page.get_by_role("heading", name="Kommentarer (", level=2)


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="Din kommentar skickades inte")


def publish_in_admin(page) -> None:
    """An editor logs in, ticks the only comment and approves it with the bulk action."""
    # The comment list sends a visitor who is not logged in to the login form first.
    page.goto("/admin/comments/comment/")
    page.get_by_label("Användarnamn").fill("redaktor")
    page.get_by_label("Lösenord").fill("ett-langt-losenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/comments/comment/")
    page.get_by_role("checkbox", name="Välj detta objekt för en åtgärd").check()
    page.get_by_label("Åtgärd:").select_option(label="Godkänn valda kommentarer")
    page.get_by_role("button", name="Kör").click()
    page.get_by_text("1 kommentar publicerad.").wait_for()


def test_visitor_sees_thanks_and_unchanged_count_then_comment_after_editor_approves_it(
    page, new_context, live_server, article, comment_editor
):
    page.goto(article.get_absolute_url())
    send_comment(page)

    assert page.url.endswith("#kommentarer")
    assert page.get_by_role("status").filter(has_text=THANKS).is_visible()
    assert comments_heading(page).text_content() == "Kommentarer (0)"
    assert page.locator(".comment").count() == 0

    publish_in_admin(new_context(base_url=live_server.url).new_page())

    page.reload()
    assert comments_heading(page).text_content() == "Kommentarer (1)"
    comment = page.locator("#kommentarer .comment")
    assert comment.get_by_text("Anna Andersson").is_visible()
    assert comment.get_by_text("Bra att kommunerna samarbetar.").is_visible()


def test_comment_without_name_comes_back_with_the_text_and_an_error_linked_to_the_name(
    page, article
):
    page.goto(article.get_absolute_url())
    send_comment(page, name="")

    assert page.get_by_role("textbox", name="Kommentar").input_value() == TEXT
    link = error_summary(page).get_by_role("link", name="Namn: Detta fält måste fyllas i.")
    assert link.get_attribute("href") == "#id_name"
    link.click()
    assert page.get_by_role("textbox", name="Namn").evaluate(
        "field => field === document.activeElement"
    )
    assert Comment.objects.count() == 0


def test_focus_is_on_the_error_summary_after_a_comment_without_name(page, article):
    page.goto(article.get_absolute_url())
    send_comment(page, name="")

    assert error_summary(page).evaluate("summary => summary === document.activeElement")


def test_field_without_name_is_marked_invalid_and_described_by_its_error(page, article):
    page.goto(article.get_absolute_url())
    send_comment(page, name="")

    name = page.get_by_role("textbox", name="Namn")
    assert name.get_attribute("aria-invalid") == "true"
    described_by = (name.get_attribute("aria-describedby") or "").split()
    descriptions = [page.locator(f"[id='{id_}']").text_content() for id_ in described_by]
    assert any("Detta fält måste fyllas i." in text for text in descriptions), descriptions


def test_thank_you_message_gets_focus_so_that_screen_readers_read_it(page, article):
    page.goto(article.get_absolute_url())
    send_comment(page)

    thanks = page.get_by_role("status").filter(has_text=THANKS)
    assert thanks.evaluate("message => message === document.activeElement")


def test_visitor_without_javascript_sends_a_comment_and_sees_thanks_and_unchanged_count(
    new_context, live_server, article
):
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    page.goto(article.get_absolute_url())
    send_comment(page)

    assert page.url.endswith("#kommentarer")
    assert page.get_by_role("status").filter(has_text=THANKS).is_visible()
    assert comments_heading(page).text_content() == "Kommentarer (0)"
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "cookie_choice",
    [pytest.param(None, id="banner-open"), pytest.param("Endast nödvändiga", id="necessary-only")],
)
def test_comment_section_showing_errors_has_no_wcag_violations(audit_page, article, cookie_choice):
    page = audit_page
    page.goto(article.get_absolute_url())
    if cookie_choice:
        page.get_by_role("button", name=cookie_choice).click()
        page.get_by_role("status").get_by_text("Dina val om cookies har sparats.").wait_for()
    send_comment(page, name="", email="inte-en-adress", text="")

    assert error_summary(page).is_visible()
    banner = page.get_by_role("button", name="Endast nödvändiga")
    assert banner.is_visible() == (cookie_choice is None)
    assert axe_audit(page) == []


def test_comment_section_showing_errors_without_javascript_has_no_wcag_violations(
    audit_page, article
):
    # axe needs timers, so the context keeps JavaScript; the page's own scripts are
    # switched off while it loads and back on only for the audit.
    page = audit_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(article.get_absolute_url())
    send_comment(page, name="", email="inte-en-adress", text="")
    assert error_summary(page).is_visible()

    cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    assert axe_audit(page) == []


def test_published_comments_with_an_editors_reply_have_no_wcag_violations(audit_page, article):
    now = timezone.now()
    for minutes, name, text, reply in [
        (50, "Anna Andersson", TEXT, ""),
        (40, "Bo Ek", "Var kan man läsa mer? https://www.example.se/natverk", "Se länken ovan."),
        (30, "Cecilia Öberg", "Vi i Norrby vill gärna vara med!", ""),
    ]:
        Comment.objects.create(
            article=article,
            name=name,
            email=f"{name.split()[0].lower()}@example.se",
            text=text,
            reply=reply,
            replied_at=now if reply else None,
            status=Comment.Status.PUBLISHED,
            created_at=now - timedelta(minutes=minutes),
        )
    page = audit_page
    page.goto(article.get_absolute_url())

    assert comments_heading(page).text_content() == "Kommentarer (3)"
    assert page.get_by_text("Svar från redaktionen").is_visible()
    assert axe_audit(page) == []


def test_html_and_script_in_a_comment_are_shown_as_the_typed_text(page, article):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    typed = "Testar <script>alert(1)</script> och <b>fet</b> text."
    page.goto(article.get_absolute_url())
    send_comment(page, text=typed)
    Comment.objects.publish()

    page.reload()
    comment = page.locator("#kommentarer .comment__text")
    assert comment.text_content().strip() == typed
    assert comment.get_by_text(typed).is_visible()
    assert comment.locator("b, script").count() == 0
    assert dialogs == []
