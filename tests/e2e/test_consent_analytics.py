"""Analytics run only with consent: what the browser requests, runs and keeps."""

import time

import pytest

from consent.models import Cookie

pytestmark = pytest.mark.usefixtures("consent_categories")

SAVED = "Dina val om cookies har sparats."
SECOND_PAGE = "/nyheter/"


@pytest.fixture(params=[True, False], ids=["with-javascript", "without-javascript"])
def javascript(request) -> bool:
    return request.param


def choose_on_banner(page, choice: str) -> None:
    """Press a banner button and wait for the confirmation: announced in place with
    JavaScript, shown on the page the plain form post redirects to without it."""
    page.get_by_role("button", name=choice).click()
    page.get_by_role("status").get_by_text(SAVED).wait_for()


def untick_statistics(page) -> None:
    page.goto("/cookies/")
    page.get_by_label("Statistik").uncheck()


def save_settings(page) -> None:
    # A redirect without JavaScript; with it a reload, since running scripts cannot stop.
    with page.expect_navigation():
        page.get_by_role("button", name="Spara inställningar").click()


def withdraw_statistics(page) -> None:
    untick_statistics(page)
    save_settings(page)


def switch_scripts(page, *, on: bool):
    """Page scripts off (or on again) in a context with JavaScript, as a visitor without
    JavaScript has them, while Playwright keeps working."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": not on})
    return cdp


def undeclared(cookie_names) -> list[str]:
    declared = list(Cookie.objects.all())
    return sorted(name for name in cookie_names if not any(c.matches(name) for c in declared))


def test_no_request_to_another_host_before_a_choice(
    visitor, fake_matomo, other_hosts_requested, javascript
):
    page = visitor(java_script_enabled=javascript)
    requested = other_hosts_requested(page)
    page.goto("/", wait_until="networkidle")
    assert page.get_by_role("region", name="Vi använder cookies").is_visible()
    page.goto(SECOND_PAGE, wait_until="networkidle")
    assert requested == []
    assert fake_matomo.paths == []


def test_no_request_to_another_host_after_only_necessary(
    visitor, fake_matomo, other_hosts_requested, javascript
):
    page = visitor(java_script_enabled=javascript)
    requested = other_hosts_requested(page)
    page.goto("/")
    choose_on_banner(page, "Endast nödvändiga")
    page.wait_for_load_state("networkidle")
    page.goto(SECOND_PAGE, wait_until="networkidle")
    assert requested == []
    assert fake_matomo.paths == []


def test_no_request_to_another_host_after_withdrawal_on_the_settings_page(
    visitor, fake_matomo, other_hosts_requested, javascript
):
    page = visitor(java_script_enabled=javascript)
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    untick_statistics(page)
    if javascript:
        # What the settings page itself sends while consent still holds is not counted.
        page.wait_for_load_state("networkidle")
    requested = other_hosts_requested(page)
    fake_matomo.paths.clear()
    save_settings(page)
    page.goto(SECOND_PAGE, wait_until="networkidle")
    assert requested == []
    assert fake_matomo.paths == []


def test_no_request_to_another_host_with_global_privacy_control(
    visitor, fake_matomo, other_hosts_requested, javascript
):
    page = visitor(java_script_enabled=javascript, extra_http_headers={"Sec-GPC": "1"})
    requested = other_hosts_requested(page)
    page.goto("/", wait_until="networkidle")
    page.goto(SECOND_PAGE, wait_until="networkidle")
    assert requested == []
    assert fake_matomo.paths == []


def test_accepting_all_starts_statistics_at_once_without_a_reload(page, fake_matomo):
    page.goto("/")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Acceptera alla").click()
    fake_matomo.wait_for("/matomo.js")
    assert page.evaluate("window.sameDocument") is True
    assert page.locator("[data-consent-banner]").count() == 0
    assert page.locator("#consent-status").text_content() == SAVED


def test_accepting_all_without_javascript_starts_statistics_on_the_next_page(visitor, fake_matomo):
    page = visitor()
    cdp = switch_scripts(page, on=False)
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    assert page.locator("[data-consent-banner]").count() == 0
    assert fake_matomo.paths == []  # nothing ran on the page: no JavaScript
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    page.goto(SECOND_PAGE)
    fake_matomo.wait_for("/matomo.js")


def test_every_cookie_set_after_accepting_all_is_declared_on_the_settings_page(
    page, fake_matomo, javascript
):
    cdp = None if javascript else switch_scripts(page, on=False)
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    if cdp:
        cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    page.goto(SECOND_PAGE)
    fake_matomo.wait_for("/matomo.php")
    page.goto("/cookies/", wait_until="networkidle")
    names = {cookie["name"] for cookie in page.context.cookies()}
    # Matomo's own cookies are there, so the check covers what a script sets too.
    assert {"samtycke", "_pk_id.1.abcd", "_pk_ses.1.abcd"} <= names
    assert undeclared(names) == []


def wait_for_cookie(page, name: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while name not in {cookie["name"] for cookie in page.context.cookies()}:
        assert time.monotonic() < deadline, f"the browser never got the cookie {name}"
        time.sleep(0.05)


def test_withdrawing_statistics_deletes_its_cookies(page, fake_matomo, javascript):
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    # Polled from here: a condition evaluated in the page would need 'unsafe-eval'.
    wait_for_cookie(page, "_pk_id.1.abcd")
    if not javascript:
        switch_scripts(page, on=False)
    withdraw_statistics(page)
    assert [c["name"] for c in page.context.cookies() if c["name"].startswith("_pk_")] == []


def test_withdrawing_on_the_settings_page_confirms_the_saved_choice(page, fake_matomo, javascript):
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    if not javascript:
        switch_scripts(page, on=False)
    withdraw_statistics(page)
    assert page.get_by_role("status").get_by_text(SAVED).is_visible()


def test_page_with_statistics_running_breaks_no_content_security_policy_rule(
    page, csp_violations, fake_matomo
):
    # Chosen without JavaScript, so that statistics first run on a page rendered with
    # consent (the page of the choice itself is another test's).
    cdp = switch_scripts(page, on=False)
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
    page.goto(SECOND_PAGE)
    fake_matomo.wait_for("/matomo.php")
    page.wait_for_load_state("networkidle")
    assert csp_violations == []


def test_statistics_started_without_a_reload_break_no_rule_for_the_sites_own_resources(
    page, csp_violations, fake_matomo
):
    # The page's policy was sent before consent and names no analytics host, so the
    # tracking request of this one page is refused; from the next page on it is allowed.
    # Accepted trade-off: no policy ever names a third party the visitor has not allowed.
    page.goto("/")
    choose_on_banner(page, "Acceptera alla")
    fake_matomo.wait_for("/matomo.js")
    page.wait_for_load_state("networkidle")
    analytics_host = fake_matomo.netloc
    assert [v for v in csp_violations if analytics_host not in v] == []
    page.goto("/nyheter/")
    fake_matomo.wait_for("/matomo.php")
