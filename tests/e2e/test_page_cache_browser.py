"""Two visitors in real browsers, one with JavaScript and one without, read the same
article (the second from the page cache) and both send a comment from it."""

import pytest

from comments.models import Comment

THANKS = "Tack för din kommentar! Den publiceras när den har granskats."


@pytest.fixture(autouse=True)
def comment_settings(settings):
    settings.FORM_MIN_SECONDS = 0  # a browser driven by a test types instantly
    settings.COMMENTS_MODERATION = "all"
    settings.COMMENTS_NOTIFY_EDITORS = False


def send_comment(page, name: str) -> None:
    page.get_by_role("textbox", name="Namn").fill(name)
    page.get_by_role("textbox", name="E-post").fill(f"{name.lower()}@example.se")
    page.get_by_role("textbox", name="Kommentar").fill(f"{name} tycker till.")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka kommentar").click()


def test_visitors_with_and_without_javascript_comment_from_one_cached_page(
    new_context, live_server, make_article, consent_categories
):
    article = make_article("Kommunerna samarbetar")
    scripted = new_context(base_url=live_server.url).new_page()
    refused_scripts = []
    scripted.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and refused_scripts.append(message.text)
        ),
    )
    without_scripts = new_context(base_url=live_server.url, java_script_enabled=False).new_page()

    scripted.goto(article.get_absolute_url())  # rendered and stored
    without_scripts.goto(article.get_absolute_url())  # from the cache
    scripted.reload()  # from the cache too, with a nonce and a token of its own
    # The cached page's scripts run (its nonce is this response's): the banner's choice
    # is saved in place, by fetch with the page's CSRF token, without a reload.
    scripted.get_by_role("button", name="Acceptera alla").click()
    scripted.locator("[data-consent-banner]").wait_for(state="detached")
    assert scripted.locator("#consent-status").text_content() != ""
    assert refused_scripts == []

    send_comment(scripted, "Anna")
    send_comment(without_scripts, "Bo")

    for page in (scripted, without_scripts):
        assert page.get_by_role("status").filter(has_text=THANKS).is_visible()
    assert sorted(Comment.objects.values_list("name", flat=True)) == ["Anna", "Bo"]
