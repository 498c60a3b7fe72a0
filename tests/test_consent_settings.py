import json
import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from consent.models import ConsentRecord, canonical_sha256

GPC_NOTICE = (
    "Din webbläsare skickar signalen Global Privacy Control (GPC), så vi använder bara "
    "nödvändiga cookies. Du kan ändå välja att tillåta fler nedan."
)
STATISTIK_UNCHECKED = (
    '<input type="checkbox" name="categories" value="statistik" id="kategori-statistik" '
    'aria-describedby="kategori-statistik-beskrivning">'
)
STATISTIK_CHECKED = (
    '<input type="checkbox" name="categories" value="statistik" id="kategori-statistik" '
    'checked aria-describedby="kategori-statistik-beskrivning">'
)


def test_settings_page_asks_which_cookies_to_allow(client, db):
    response = client.get("/cookies/")
    assertContains(response, "<h1>Vilka cookies vill du tillåta?</h1>", html=True)


def test_necessary_cookies_are_checked_disabled_and_always_on(client, db):
    response = client.get("/cookies/")
    assertContains(
        response,
        '<input type="checkbox" id="kategori-nodvandiga" checked disabled '
        'aria-describedby="kategori-nodvandiga-beskrivning">',
        html=True,
    )
    assertContains(
        response,
        '<label for="kategori-nodvandiga">Nödvändiga '
        '<span class="consent-category__always">(alltid på)</span></label>',
        html=True,
    )


def test_statistics_is_unchecked_before_a_choice(client, db):
    response = client.get("/cookies/")
    assertContains(response, STATISTIK_UNCHECKED, html=True)
    assertContains(response, '<label for="kategori-statistik">Statistik</label>', html=True)


def test_statistics_is_checked_after_accepting_all(client, choose):
    choose(client, "alla")
    assertContains(client.get("/cookies/"), STATISTIK_CHECKED, html=True)


def test_statistics_is_unchecked_after_only_necessary(client, choose):
    choose(client, "nodvandiga")
    assertContains(client.get("/cookies/"), STATISTIK_UNCHECKED, html=True)


def test_each_category_is_described_in_a_fieldset(client, db):
    html = client.get("/cookies/").text
    fieldset = re.search(r"<fieldset>.*?</fieldset>", html, re.S)[0]
    assert '<legend class="visually-hidden">Cookiekategorier</legend>' in fieldset
    assert (
        '<p class="hint" id="kategori-statistik-beskrivning">Hjälper oss att förstå hur '
        "webbplatsen används, så att vi kan förbättra den. Uppgifterna är anonyma och delas "
        "inte med någon annan.</p>"
    ) in fieldset


def test_settings_page_has_the_save_button(client, db):
    assertContains(
        client.get("/cookies/"),
        '<button type="submit" class="consent-button">Spara inställningar</button>',
        html=True,
    )


def test_settings_page_lists_the_declared_cookies_per_category(client, db):
    response = client.get("/cookies/")
    assertContains(response, "<h2>Cookies vi använder</h2>", html=True)
    assertContains(
        response,
        "<tr><td><code>_pk_id.*</code></td><td>Matomo (webbplatsens egen statistiktjänst)</td>"
        "<td>Känner igen din webbläsare mellan besök för statistik.</td>"
        "<td>13 månader</td></tr>",
        html=True,
    )
    assertContains(
        response,
        "<tr><td><code>samtycke</code></td><td>Webbplatsen</td>"
        "<td>Kommer ihåg vilka cookies du har tillåtit.</td><td>12 månader</td></tr>",
        html=True,
    )


def test_settings_page_says_no_choice_yet_before_a_choice(client, db):
    response = client.get("/cookies/")
    assertContains(response, "Du har inte gjort något val än.")
    assertNotContains(response, "Ladda ner kvitto")


def test_settings_page_shows_the_current_choice_with_id_time_and_version(client, choose):
    choose(client, "alla")
    record = ConsentRecord.objects.get()
    response = client.get("/cookies/")
    assertContains(response, '<h2 id="current-choice">Ditt nuvarande val</h2>', html=True)
    assertContains(
        response, f"<dt>Samtyckes-id</dt><dd><code>{record.consent_id}</code></dd>", html=True
    )
    assertContains(response, "<dt>Policyversion</dt><dd>1</dd>", html=True)
    assertContains(response, "<dt>Tillåtna</dt><dd>Nödvändiga, Statistik</dd>", html=True)
    assertContains(response, "<dt>Tidpunkt</dt>")


def test_settings_page_links_to_the_receipt(client, choose):
    choose(client, "alla")
    assertContains(
        client.get("/cookies/"),
        '<a href="/cookies/kvitto/" download>Ladda ner kvitto</a>',
        html=True,
    )


def test_receipt_is_a_json_download(client, choose):
    choose(client, "alla")
    consent_id = ConsentRecord.objects.get().consent_id
    response = client.get("/cookies/kvitto/")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="samtyckeskvitto-{consent_id}.json"'
    )


def test_receipt_shows_the_recorded_choice_and_its_hash(client, choose):
    choose(client, "alla")
    record = ConsentRecord.objects.get()
    receipt = client.get("/cookies/kvitto/").json()
    current = receipt["current"]
    assert receipt["consent_id"] == record.consent_id
    assert current["record_hash"] == record.record_hash
    assert current["choices"] == {"nodvandiga": True, "statistik": True}
    assert current["policy_version"] == 1
    assert current["method"] == "banner_accept"


def test_receipt_hash_can_be_recomputed_from_its_content(client, choose):
    choose(client, "nodvandiga")
    current = client.get("/cookies/kvitto/").json()["current"]
    record_hash = current.pop("record_hash")
    assert canonical_sha256(current) == record_hash


def test_receipt_lists_every_choice_of_the_visitor(client, choose):
    choose(client, "alla")
    client.post("/cookies/", {"next": "/cookies/"})
    history = client.get("/cookies/kvitto/").json()["history"]
    assert [entry["method"] for entry in history] == ["banner_accept", "settings"]
    assert history[1]["previous_hash"] == history[0]["record_hash"]


def test_receipt_without_a_choice_is_not_found(client, db):
    assert client.get("/cookies/kvitto/").status_code == 404


def test_receipt_shows_only_the_visitors_own_records(client, choose, make_consent_record):
    make_consent_record(consent_id="ab" * 16)
    choose(client, "alla")
    receipt = client.get("/cookies/kvitto/").json()
    assert len(receipt["history"]) == 1
    assert receipt["consent_id"] != "ab" * 16


def test_saving_settings_redirects_back_to_the_settings_page(client, db):
    response = client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"})
    assertRedirects(response, "/cookies/", fetch_redirect_response=False)


def test_saving_settings_records_the_choice(client, db):
    client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"})
    record = ConsentRecord.objects.get()
    assert record.method == ConsentRecord.Method.SETTINGS
    assert record.choices == {"nodvandiga": True, "statistik": True}


def test_saving_settings_shows_the_confirmation(client, db):
    response = client.post("/cookies/", {"next": "/cookies/"}, follow=True)
    assertContains(response, "Dina val om cookies har sparats.")


def test_saving_with_nothing_ticked_keeps_necessary_cookies_on(client, db):
    client.post("/cookies/", {"next": "/cookies/"})
    assert ConsentRecord.objects.get().choices == {"nodvandiga": True, "statistik": False}


def test_unknown_category_is_refused_with_a_message(client, db):
    response = client.post("/cookies/", {"categories": ["reklam"], "next": "/cookies/"})
    assert response.status_code == 400
    assertContains(response, "Ditt val kunde inte sparas. Försök igen.", status_code=400)
    assert not ConsentRecord.objects.exists()


def test_withdrawing_statistics_deletes_the_analytics_cookies_the_browser_sent(client, choose):
    choose(client, "alla")
    client.cookies["_pk_id.3.ab12"] = "0123456789abcdef.1700000000."
    client.cookies["_pk_ses.3.ab12"] = "1"
    response = client.post("/cookies/", {"next": "/cookies/"})
    for name in ["_pk_id.3.ab12", "_pk_ses.3.ab12"]:
        assert response.cookies[name].value == ""
        assert response.cookies[name]["max-age"] == 0
        assert response.cookies[name]["path"] == "/"


def test_withdrawing_deletes_the_cookie_the_analytics_script_set_for_the_host(client, choose):
    # Matomo's snippet sets its cookies without a Domain attribute; a deletion with a
    # Domain attribute is a different cookie to the browser and would leave it in place.
    choose(client, "alla")
    client.cookies["_pk_id.3.ab12"] = "0123456789abcdef.1700000000."
    response = client.post("/cookies/", {"next": "/cookies/"})
    assert response.cookies["_pk_id.3.ab12"]["domain"] == ""


def test_withdrawing_keeps_necessary_and_undeclared_cookies(client, choose):
    choose(client, "alla")
    client.cookies["csrftoken"] = "x" * 32
    client.cookies["annan"] = "1"
    response = client.post("/cookies/", {"next": "/cookies/"})
    assert "csrftoken" not in response.cookies
    assert "annan" not in response.cookies


def test_withdrawing_records_statistics_as_refused(client, choose):
    choose(client, "alla")
    client.post("/cookies/", {"next": "/cookies/"})
    assert ConsentRecord.objects.order_by("id").last().choices == {
        "nodvandiga": True,
        "statistik": False,
    }


def test_withdrawing_keeps_the_consent_id(client, choose):
    choose(client, "alla")
    client.post("/cookies/", {"next": "/cookies/"})
    assert ConsentRecord.objects.values("consent_id").distinct().count() == 1


@pytest.mark.parametrize("url", ["/", "/nyheter/", "/cookies/"])
def test_every_page_links_cookie_settings_in_the_footer(client, db, url):
    response = client.get(url)
    footer = re.search(r"<footer.*?</footer>", response.text, re.S)[0]
    assert '<a href="/cookies/">Cookie-inställningar</a>' in footer


def test_article_page_links_cookie_settings_in_the_footer(client, make_article):
    response = client.get(make_article().get_absolute_url())
    assertContains(response, '<a href="/cookies/">Cookie-inställningar</a>', html=True)


# JavaScript saves without a reload: the same forms, answered with JSON.


def test_choice_by_script_is_answered_with_the_confirmation(client, db):
    response = client.post("/cookies/val/", {"choice": "alla"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["message"] == "Dina val om cookies har sparats."


def test_choice_by_script_is_recorded_and_sets_the_cookie(client, db):
    response = client.post(
        "/cookies/val/", {"choice": "nodvandiga"}, HTTP_ACCEPT="application/json"
    )
    assert ConsentRecord.objects.get().method == ConsentRecord.Method.BANNER_REJECT
    assert response.cookies["samtycke"].value


def test_choice_by_script_returns_the_receipt_to_show(client, db):
    response = client.post("/cookies/val/", {"choice": "alla"}, HTTP_ACCEPT="application/json")
    receipt = response.json()["receipt"]
    assert ConsentRecord.objects.get().consent_id in receipt
    assert "Ladda ner kvitto" in receipt


def test_accepting_by_script_starts_the_analytics_script(client, matomo):
    response = client.post("/cookies/val/", {"choice": "alla"}, HTTP_ACCEPT="application/json")
    (script,) = response.json()["scripts"]
    assert script["src"] == ""
    assert 'var u="https://stats.example.org/"' in script["code"]
    assert response.json()["reload"] is False


def test_rejecting_by_script_starts_no_script(client, matomo):
    response = client.post(
        "/cookies/val/", {"choice": "nodvandiga"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["scripts"] == []


def test_withdrawing_by_script_asks_for_a_reload_to_stop_running_scripts(client, choose, matomo):
    choose(client, "alla")
    response = client.post("/cookies/", {"next": "/cookies/"}, HTTP_ACCEPT="application/json")
    data = json.loads(response.content)
    assert data["scripts"] == []
    assert data["reload"] is True


# Sec-GPC: 1


def test_gpc_visitor_sees_no_banner(client, db):
    response = client.get("/", HTTP_SEC_GPC="1")
    assertNotContains(response, "Vi använder cookies")


def test_gpc_requests_write_no_record_however_many(client, db):
    # The header is its own evidence; recording it would let anyone fill the register.
    for path in ["/", "/nyheter/", "/cookies/", "/"]:
        client.get(path, HTTP_SEC_GPC="1")
    assert not ConsentRecord.objects.exists()


def test_gpc_sets_no_consent_cookie(client, db):
    response = client.get("/", HTTP_SEC_GPC="1")
    assert "samtycke" not in response.cookies


def test_gpc_leaves_statistics_unchecked(client, db):
    client.get("/", HTTP_SEC_GPC="1")
    assertContains(client.get("/cookies/", HTTP_SEC_GPC="1"), STATISTIK_UNCHECKED, html=True)


def test_settings_page_says_the_gpc_signal_was_honoured(client, db):
    assertContains(client.get("/cookies/", HTTP_SEC_GPC="1"), GPC_NOTICE)


def test_settings_page_without_gpc_says_nothing_about_it(client, db):
    assertNotContains(client.get("/cookies/"), "Global Privacy Control")


def test_explicit_opt_in_wins_over_gpc(client, db):
    client.get("/", HTTP_SEC_GPC="1")
    client.post("/cookies/", {"categories": ["statistik"], "next": "/cookies/"}, HTTP_SEC_GPC="1")
    response = client.get("/cookies/", HTTP_SEC_GPC="1")
    assertContains(response, STATISTIK_CHECKED, html=True)
    assert ConsentRecord.objects.order_by("id").last().method == ConsentRecord.Method.SETTINGS
