import pytest

from pages.models import AccessibilityReport

THANKS = "Tack för din rapport! Om du lämnade din e-postadress svarar vi dig där."
PROBLEM_LABEL = "Beskriv problemet, eller vilket innehåll du behöver i tillgänglig form"


@pytest.fixture(autouse=True)
def instant_forms(settings):
    # The signed time stamp refuses forms sent faster than a person types; a browser
    # driven by a test types instantly.
    settings.FORM_MIN_SECONDS = 0


@pytest.fixture
def site(site_pages, consent_categories):
    """The statement, the site pages and the cookie categories of the data migrations,
    which the database flush after each live server test removes."""


@pytest.fixture
def audit_page(new_context, live_server):
    """A page whose context lets the injected axe-core script past the site's CSP."""
    return new_context(base_url=live_server.url, bypass_csp=True).new_page()


def send_report(page, *, problem="", email=""):
    page.get_by_role("textbox", name=PROBLEM_LABEL).fill(problem)
    page.get_by_role("textbox", name="Din e-postadress (frivilligt)").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka rapporten").click()


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="Din rapport skickades inte")


def test_statement_with_the_report_form_showing_errors_has_no_wcag_violations(
    audit_page, axe_audit, site
):
    page = audit_page
    page.goto("/tillganglighet/")
    send_report(page, problem="", email="inte-en-adress")

    assert error_summary(page).is_visible()
    assert axe_audit(page) == []


def test_statement_with_errors_without_javascript_has_no_wcag_violations(
    audit_page, axe_audit, site
):
    # axe needs timers, so the context keeps JavaScript; the page's own scripts are
    # switched off while it loads and back on only for the audit.
    page = audit_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto("/tillganglighet/")
    send_report(page, problem="", email="inte-en-adress")
    assert error_summary(page).is_visible()

    cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    assert axe_audit(page) == []


@pytest.mark.parametrize("path", ["/tillganglighet/", "/personuppgifter/", "/om-webbplatsen/"])
def test_statement_and_site_pages_have_no_wcag_violations(axe_violations, site, path):
    assert axe_violations(path) == []


def test_404_page_has_no_wcag_violations(audit_page, axe_audit, site):
    response = audit_page.goto("/finns-inte/")

    assert response.status == 404
    assert axe_audit(audit_page) == []


def test_focus_is_on_the_error_summary_after_a_report_without_a_problem(page, site):
    page.goto("/tillganglighet/")
    send_report(page, problem="")

    assert error_summary(page).evaluate("summary => summary === document.activeElement")
    link = error_summary(page).get_by_role("link", name=PROBLEM_LABEL)
    link.click()
    assert page.get_by_role("textbox", name=PROBLEM_LABEL).evaluate(
        "field => field === document.activeElement"
    )


def test_thank_you_message_gets_focus_so_that_screen_readers_read_it(page, site):
    page.goto("/tillganglighet/")
    send_report(page, problem="Länken Läs mer säger inte vart den leder.")

    thanks = page.get_by_role("status").filter(has_text=THANKS)
    assert thanks.evaluate("message => message === document.activeElement")


def test_visitor_without_javascript_reports_a_problem_and_sees_thanks(
    new_context, live_server, site
):
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    page.goto("/tillganglighet/")
    send_report(page, problem="Jag behöver protokollet från mars som ljudfil.")

    assert page.url.endswith("/tillganglighet/?tack=1#rapportera")
    assert page.get_by_role("status").filter(has_text=THANKS).is_visible()
    report = AccessibilityReport.objects.get()
    assert report.problem == "Jag behöver protokollet från mars som ljudfil."
    assert report.status == AccessibilityReport.Status.NEW


def test_visitor_without_javascript_gets_errors_and_keeps_the_text(new_context, live_server, site):
    page = new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    page.goto("/tillganglighet/")
    send_report(page, problem="Kartan går inte att använda.", email="inte-en-adress")

    assert error_summary(page).is_visible()
    assert page.get_by_role("textbox", name=PROBLEM_LABEL).input_value() == (
        "Kartan går inte att använda."
    )
    assert AccessibilityReport.objects.count() == 0


def test_statement_page_breaks_no_content_security_policy_rule(page, csp_violations, site):
    page.goto("/tillganglighet/")
    send_report(page, problem="")

    assert csp_violations == []
