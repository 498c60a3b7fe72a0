import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from consent.cookie import SALT
from consent.models import ConsentRecord
from consent.policy import publish_version

BANNER_HEADING = "Vi använder cookies"
BANNER_TEXT = (
    "Vi använder cookies som behövs för att webbplatsen ska fungera (Nödvändiga). Med ditt "
    "samtycke använder vi också cookies för: Statistik. Du kan när som helst ändra ditt val "
    "under ”Cookie-inställningar” längst ned på varje sida."
)


def banner_of(response) -> str:
    match = re.search(r"<section class=\"consent-banner\".*?</section>", response.text, re.S)
    assert match, "no consent banner on the page"
    return match[0]


def test_first_visit_shows_the_banner_with_its_heading(client, db):
    response = client.get("/")
    assertContains(response, f'<h2 id="consent-banner-heading">{BANNER_HEADING}</h2>', html=True)


def test_banner_text_names_the_categories_and_that_the_choice_can_be_changed(client, db):
    assertContains(client.get("/"), f"<p>{BANNER_TEXT}</p>", html=True)


def test_banner_offers_accept_reject_and_settings_as_three_equal_controls(client, db):
    banner = banner_of(client.get("/"))
    controls = re.findall(r"<(?:button|a) [^>]*class=\"consent-button\"[^>]*>([^<]+)<", banner)
    assert controls == ["Acceptera alla", "Endast nödvändiga", "Inställningar för cookies"]


def test_banner_settings_link_leads_to_the_settings_page(client, db):
    banner = banner_of(client.get("/"))
    assert '<a href="/cookies/" class="consent-button">Inställningar för cookies</a>' in banner


def test_banner_comes_first_in_the_body_before_the_skip_link(client, db):
    html = client.get("/").text
    assert re.search(r"<body>\s*<section class=\"consent-banner\"", html)
    assert html.index("consent-banner") < html.index('class="skip-link"')


def test_banner_is_a_labelled_region_not_a_modal_dialog(client, db):
    banner = banner_of(client.get("/"))
    assert 'aria-labelledby="consent-banner-heading"' in banner
    assert "dialog" not in banner
    assert "aria-modal" not in banner


def test_banner_is_a_plain_form_post_with_csrf_token_and_the_page_to_return_to(client, db):
    banner = banner_of(client.get("/nyheter/?sida=1"))
    assert '<form method="post" action="/cookies/val/"' in banner
    assert 'name="csrfmiddlewaretoken"' in banner
    assert '<input type="hidden" name="next" value="/nyheter/?sida=1">' in banner


def test_banner_on_a_page_answering_a_post_returns_to_the_referring_page(client, db):
    response = client.post(
        "/cookies/",
        {"categories": "finns-inte"},
        HTTP_REFERER="http://testserver/nyheter/?sida=2",
    )
    assert response.status_code == 400
    assert '<input type="hidden" name="next" value="/nyheter/?sida=2">' in banner_of(response)


@pytest.mark.parametrize("choice", ["alla", "nodvandiga"])
def test_choice_on_the_banner_redirects_back_to_the_page(client, db, choice):
    response = client.post("/cookies/val/", {"choice": choice, "next": "/nyheter/"})
    assertRedirects(response, "/nyheter/", fetch_redirect_response=False)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_choice_never_redirects_away_from_the_site(client, db, next_url):
    response = client.post("/cookies/val/", {"choice": "alla", "next": next_url})
    assertRedirects(response, "/", fetch_redirect_response=False)


@pytest.mark.parametrize("choice", ["alla", "nodvandiga"])
def test_banner_is_gone_after_a_choice(client, choose, choice):
    choose(client, choice)
    assertNotContains(client.get("/"), BANNER_HEADING)


def test_banner_is_gone_on_every_page_after_a_choice(client, choose, make_article):
    article = make_article()
    choose(client, "nodvandiga")
    for url in ["/", "/nyheter/", article.get_absolute_url(), "/cookies/"]:
        assertNotContains(client.get(url), "consent-banner")


def test_confirmation_is_shown_after_the_redirect(client, db):
    response = client.post("/cookies/val/", {"choice": "alla", "next": "/"}, follow=True)
    assertContains(response, "Dina val om cookies har sparats.")


def test_unknown_choice_leads_to_the_settings_page_with_a_message(client, db):
    response = client.post("/cookies/val/", {"choice": "kanske", "next": "/"}, follow=True)
    assertRedirects(response, "/cookies/")
    assertContains(response, "Vi kunde inte läsa ditt val. Välj igen nedan.")
    assert not ConsentRecord.objects.exists()


def test_choice_cannot_be_made_by_get(client, db):
    assert client.get("/cookies/val/?choice=alla").status_code == 405


def test_choice_without_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    response = client.post("/cookies/val/", {"choice": "alla", "next": "/"})
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists()


def test_choice_with_the_banners_csrf_token_is_saved(db):
    client = Client(enforce_csrf_checks=True)
    banner = banner_of(client.get("/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', banner)[1]
    response = client.post("/cookies/val/", {"choice": "alla", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ConsentRecord.objects.count() == 1


def test_choice_older_than_the_maximum_age_shows_the_banner_again(client, choose, settings):
    settings.CONSENT_MAX_AGE_DAYS = 30
    choose(client, "alla")
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = client.get("/")
    assertContains(response, BANNER_HEADING)


def test_choice_younger_than_the_maximum_age_keeps_the_banner_away(client, choose, settings):
    settings.CONSENT_MAX_AGE_DAYS = 30
    choose(client, "alla")
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        response = client.get("/")
    assertNotContains(response, BANNER_HEADING)


def test_new_policy_version_shows_the_banner_again_with_what_changed(
    client, choose, django_capture_on_commit_callbacks
):
    choose(client, "alla")
    with django_capture_on_commit_callbacks(execute=True):
        publish_version(change_note="Vi har lagt till kartor från en ny leverantör.")
    response = client.get("/")
    assertContains(response, BANNER_HEADING)
    assertContains(
        response,
        "<p><strong>Det här har ändrats:</strong> "
        "Vi har lagt till kartor från en ny leverantör.</p>",
        html=True,
    )


def test_first_visitor_is_not_told_what_changed(client, db):
    publish_version(change_note="Vi har lagt till kartor från en ny leverantör.")
    assertNotContains(client.get("/"), "Det här har ändrats")


def test_choice_made_under_an_older_policy_allows_nothing_optional(
    client, choose, django_capture_on_commit_callbacks
):
    choose(client, "alla")
    with django_capture_on_commit_callbacks(execute=True):
        publish_version(change_note="Ny leverantör.")
    response = client.get("/cookies/")
    assertContains(response, 'value="statistik" id="kategori-statistik" aria-describedby')


def cookie_signed(**data) -> str:
    return signing.dumps(data, salt=SALT, compress=True)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("inte-ett-samtycke", id="garbage"),
        pytest.param("a:b:c", id="colons"),
        pytest.param(signing.dumps({"id": "x"}, salt="annat"), id="other-salt"),
        pytest.param(signing.dumps([1, 2], salt=SALT), id="signed-list"),
        pytest.param(signing.dumps({"id": "x"}, salt=SALT), id="signed-missing-keys"),
        pytest.param(
            signing.dumps(
                {"id": "x", "allowed": 5, "version": 1, "at": "2025-01-01T00:00:00+00:00"},
                salt=SALT,
            ),
            id="signed-allowed-not-a-list",
        ),
        pytest.param(
            signing.dumps(
                {"id": "x", "allowed": [], "version": "ett", "at": "2025-01-01T00:00:00+00:00"},
                salt=SALT,
            ),
            id="signed-version-not-a-number",
        ),
        pytest.param(
            signing.dumps(
                {"id": "x", "allowed": [], "version": 1, "at": "2025-01-01T00:00:00"},
                salt=SALT,
            ),
            id="signed-time-without-zone",
        ),
    ],
)
def test_malformed_consent_cookie_counts_as_no_choice(client, db, value):
    client.cookies["samtycke"] = value
    response = client.get("/")
    assert response.status_code == 200
    assertContains(response, BANNER_HEADING)


def test_tampered_consent_cookie_counts_as_no_choice(client, choose):
    choose(client, "alla")
    value = client.cookies["samtycke"].value
    client.cookies["samtycke"] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    response = client.get("/")
    assert response.status_code == 200
    assertContains(response, BANNER_HEADING)


def test_oversized_consent_cookie_counts_as_no_choice_even_if_signed(client, choose):
    choose(client, "alla")
    record = ConsentRecord.objects.get()
    client.cookies["samtycke"] = signing.dumps(
        {
            "id": record.consent_id,
            "allowed": ["statistik"] + [f"kategori-{n}" for n in range(100)],
            "version": record.policy_version.number,
            "at": record.created_at.isoformat(),
        },
        salt=SALT,
    )
    assert len(client.cookies["samtycke"].value) > 1024
    response = client.get("/")
    assert response.status_code == 200
    assertContains(response, BANNER_HEADING)


def test_article_page_with_the_banner_stays_within_the_query_budget(
    client, make_article, django_assert_max_num_queries
):
    article = make_article()
    client.get("/")  # the site's first visitor records the cookie policy's first version
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assertContains(response, BANNER_HEADING)


def test_article_page_after_a_choice_stays_within_the_query_budget(
    client, choose, make_article, django_assert_max_num_queries
):
    article = make_article()
    choose(client, "alla")
    client.get("/")
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assertNotContains(response, BANNER_HEADING)


@pytest.mark.parametrize(
    ("button", "method"),
    [("Acceptera alla", "banner_accept"), ("Endast nödvändiga", "banner_reject")],
)
def test_each_banner_button_records_its_choice(client, db, button, method):
    banner = banner_of(client.get("/"))
    value = re.search(rf'name="choice" value="([^"]+)" class="consent-button">{button}<', banner)[1]
    client.post("/cookies/val/", {"choice": value, "next": "/"})
    assert ConsentRecord.objects.get().method == method
