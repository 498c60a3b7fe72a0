"""The consent banner and settings page for keyboard, small-screen and screen-reader users."""

import pytest

pytestmark = pytest.mark.usefixtures("consent_categories")

SAVED = "Dina val om cookies har sparats."
CHOICES = ["Acceptera alla", "Endast nödvändiga", "Inställningar för cookies"]
FOCUSED_TEXT = "document.activeElement.textContent.trim()"


def banner(page):
    return page.get_by_role("region", name="Vi använder cookies")


def banner_controls(page) -> list:
    return [
        banner(page).get_by_role("button", name=CHOICES[0], exact=True),
        banner(page).get_by_role("button", name=CHOICES[1], exact=True),
        banner(page).get_by_role("link", name=CHOICES[2], exact=True),
    ]


def test_keyboard_user_tabs_through_the_three_choices_and_on_to_the_skip_link(page):
    page.goto("/")
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(FOCUSED_TEXT))
    assert focused == [*CHOICES, "Hoppa till innehållet"]


def test_escape_neither_hides_the_banner_nor_counts_as_consent(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert banner(page).is_visible()
    assert "samtycke" not in {cookie["name"] for cookie in page.context.cookies()}
    page.reload()
    assert banner(page).is_visible()


def test_banner_choices_have_equal_size_at_every_screen_width(page):
    page.goto("/")
    controls = banner(page).locator("button, a")
    assert controls.all_text_contents() == CHOICES
    unequal = {}
    # From a small phone (or 400 % zoom) to a desktop, wherever the choices wrap.
    for width in range(320, 1281, 40):
        page.set_viewport_size({"width": width, "height": 800})
        sizes = controls.evaluate_all(
            "controls => controls.map(c => [c.offsetWidth, c.offsetHeight])"
        )
        widths, heights = [w for w, _h in sizes], [h for _w, h in sizes]
        if max(widths) - min(widths) > 1 or max(heights) - min(heights) > 1:
            unequal[width] = sizes
    assert unequal == {}


def test_banner_choices_have_equal_colours(page):
    page.goto("/")
    colours = [
        control.evaluate(
            "element => { const style = getComputedStyle(element);"
            " return [style.backgroundColor, style.color, style.borderColor, style.fontWeight]; }"
        )
        for control in banner_controls(page)
    ]
    assert colours == [colours[0]] * 3


def test_banner_choices_fit_a_320_pixel_wide_screen_without_scrolling_sideways(visitor):
    page = visitor(viewport={"width": 320, "height": 640})
    page.goto("/")
    for control in banner_controls(page):
        box = control.bounding_box()
        assert control.is_visible()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_page_with_the_banner_open_has_no_wcag_violations(visitor, axe_audit):
    page = visitor(bypass_csp=True)
    page.goto("/")
    assert banner(page).is_visible()
    assert axe_audit(page) == []


def test_page_after_a_choice_on_the_banner_has_no_wcag_violations(visitor, axe_audit):
    page = visitor(bypass_csp=True)
    page.goto("/")
    page.get_by_role("button", name="Endast nödvändiga").click()
    page.get_by_role("status").get_by_text(SAVED).wait_for()
    assert axe_audit(page) == []


def test_settings_page_with_a_recorded_choice_has_no_wcag_violations(visitor, axe_audit):
    page = visitor(bypass_csp=True)
    page.goto("/cookies/")
    page.get_by_role("button", name="Endast nödvändiga").click()
    page.get_by_role("status").get_by_text(SAVED).wait_for()
    page.reload()
    assert page.get_by_role("link", name="Ladda ner kvitto").is_visible()
    assert axe_audit(page) == []
