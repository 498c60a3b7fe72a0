import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import timezone
from pytest_django.asserts import assertContains

from consent.middleware import ConsentMiddleware
from consent.models import CookieCategory, GatedScript, PolicyVersion
from consent.policy import current_policy, publish_version

MATOMO = 'var u="https://stats.example.org/"'


def csp_of(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]


def third_party_hosts(response) -> set[str]:
    # Every source but keywords, nonces and hashes ('self', 'nonce-…') and data: is a host.
    return {
        source
        for sources in csp_of(response).values()
        for source in sources
        if not source.startswith("'") and source != "data:"
    }


# Matomo


def test_matomo_is_not_rendered_before_a_choice(client, matomo):
    assert "stats.example.org" not in client.get("/").text


def test_matomo_is_rendered_after_accepting_all(client, choose, matomo):
    choose(client, "alla")
    assert MATOMO in client.get("/").text


def test_matomo_snippet_loads_matomo_js_for_the_configured_site(client, choose, matomo):
    choose(client, "alla")
    html = client.get("/").text
    assert "g.src=u+'matomo.js'" in html
    assert "_paq.push(['setSiteId', \"3\"]);" in html


def test_matomo_snippet_carries_the_pages_nonce(client, choose, matomo):
    choose(client, "alla")
    response = client.get("/")
    script = re.search(r"<script nonce=\"([^\"]+)\">var _paq", response.text)
    assert script[1] == nonce_of(response)


def test_matomo_is_not_rendered_after_only_necessary(client, choose, matomo):
    choose(client, "nodvandiga")
    assert "stats.example.org" not in client.get("/").text


def test_matomo_is_not_rendered_after_withdrawal(client, choose, matomo):
    choose(client, "alla")
    client.post("/cookies/", {"next": "/cookies/"})
    assert "stats.example.org" not in client.get("/").text


def test_matomo_is_not_rendered_with_gpc(client, matomo):
    assert "stats.example.org" not in client.get("/", HTTP_SEC_GPC="1").text


def test_matomo_is_not_rendered_in_the_gpc_visitors_next_pages(client, matomo):
    client.get("/", HTTP_SEC_GPC="1")
    assert "stats.example.org" not in client.get("/nyheter/", HTTP_SEC_GPC="1").text


def test_matomo_is_rendered_after_opting_in_despite_gpc(client, matomo):
    client.get("/", HTTP_SEC_GPC="1")
    client.post("/cookies/", {"categories": ["statistik"], "next": "/"}, HTTP_SEC_GPC="1")
    assert MATOMO in client.get("/", HTTP_SEC_GPC="1").text


def test_matomo_is_not_rendered_after_the_policy_changes(
    client, choose, matomo, django_capture_on_commit_callbacks
):
    choose(client, "alla")
    with django_capture_on_commit_callbacks(execute=True):
        publish_version(change_note="Ny leverantör.")
    assert "stats.example.org" not in client.get("/").text


def test_matomo_is_not_rendered_once_the_choice_is_too_old(client, choose, matomo, settings):
    settings.CONSENT_MAX_AGE_DAYS = 30
    choose(client, "alla")
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = client.get("/")
    assert "stats.example.org" not in response.text


def test_nothing_is_rendered_without_matomo_settings(client, choose, settings):
    settings.MATOMO_URL = ""
    choose(client, "alla")
    assert "_paq" not in client.get("/").text


# Content-Security-Policy


def test_csp_allows_the_analytics_host_for_a_consenting_visitor(client, choose, matomo):
    choose(client, "alla")
    csp = csp_of(client.get("/"))
    for directive in ["script-src", "connect-src", "img-src"]:
        assert "https://stats.example.org" in csp[directive]


def test_csp_allows_the_analytics_host_nowhere_else(client, choose, matomo):
    choose(client, "alla")
    csp = csp_of(client.get("/"))
    for directive in ["default-src", "style-src", "font-src", "form-action", "frame-ancestors"]:
        assert "https://stats.example.org" not in csp[directive]


def test_csp_keeps_the_sites_own_sources_for_a_consenting_visitor(client, choose, matomo):
    choose(client, "alla")
    response = client.get("/")
    csp = csp_of(response)
    assert csp["script-src"] == [
        "'self'",
        f"'nonce-{nonce_of(response)}'",
        "'strict-dynamic'",
        "https://stats.example.org",
    ]
    assert csp["img-src"] == ["'self'", "data:", "https://stats.example.org"]


def test_csp_names_no_third_party_host_before_a_choice(client, matomo):
    assert third_party_hosts(client.get("/")) == set()


def test_csp_names_no_third_party_host_after_only_necessary(client, choose, matomo):
    choose(client, "nodvandiga")
    assert third_party_hosts(client.get("/")) == set()


def test_csp_names_no_third_party_host_after_withdrawal(client, choose, matomo):
    choose(client, "alla")
    response = client.post("/cookies/", {"next": "/cookies/"}, follow=True)
    assert third_party_hosts(response) == set()


def test_csp_names_no_third_party_host_with_gpc(client, matomo):
    assert third_party_hosts(client.get("/", HTTP_SEC_GPC="1")) == set()


def test_responses_that_depend_on_consent_vary_on_cookie_and_gpc(client, db):
    vary = client.get("/")["Vary"]
    assert "Cookie" in vary
    assert "Sec-GPC" in vary


def test_response_that_never_asked_about_consent_does_not_vary_on_it(db):
    response = ConsentMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
    assert not response.has_header("Vary")


def test_response_that_asked_about_consent_varies_on_cookie_and_gpc(db):
    def view(request):
        request.consent.allows("statistik")
        return HttpResponse()

    response = ConsentMiddleware(view)(RequestFactory().get("/"))
    assert response["Vary"] == "Cookie, Sec-GPC"


# {% if_consent %}


def render_through_middleware(source: str, request) -> str:
    def view(request):
        return HttpResponse(Template(source).render(Context({"request": request})))

    return ConsentMiddleware(view)(request).text


IF_CONSENT = (
    '{% load consent_tags %}{% if_consent "statistik" %}karta{% else %}länk{% endif_consent %}'
)


def test_if_consent_renders_the_else_branch_before_a_choice(db):
    assert render_through_middleware(IF_CONSENT, RequestFactory().get("/")) == "länk"


def test_if_consent_renders_the_first_branch_after_accepting_all(client, choose):
    choose(client, "alla")
    request = RequestFactory().get("/")
    request.COOKIES = {"samtycke": client.cookies["samtycke"].value}
    assert render_through_middleware(IF_CONSENT, request) == "karta"


def test_if_consent_renders_the_else_branch_after_only_necessary(client, choose):
    choose(client, "nodvandiga")
    request = RequestFactory().get("/")
    request.COOKIES = {"samtycke": client.cookies["samtycke"].value}
    assert render_through_middleware(IF_CONSENT, request) == "länk"


def test_if_consent_without_else_renders_nothing_without_consent(db):
    source = '{% load consent_tags %}{% if_consent "statistik" %}karta{% endif_consent %}'
    assert render_through_middleware(source, RequestFactory().get("/")) == ""


def test_if_consent_is_always_true_for_a_required_category(db):
    source = '{% load consent_tags %}{% if_consent "nodvandiga" %}ja{% endif_consent %}'
    assert render_through_middleware(source, RequestFactory().get("/")) == "ja"


def test_if_consent_takes_exactly_one_category():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load consent_tags %}{% if_consent %}x{% endif_consent %}")


def test_request_consent_says_what_the_visitor_allows(client, choose):
    choose(client, "alla")
    request = RequestFactory().get("/")
    request.COOKIES = {"samtycke": client.cookies["samtycke"].value}
    ConsentMiddleware(lambda request: HttpResponse())(request)
    assert request.consent.allows("statistik")


# Scripts web managers add


@pytest.fixture(autouse=True)
def script_origins(settings):
    """The origins the scripts of these tests load from, as CONSENT_SCRIPT_ORIGINS says."""
    settings.CONSENT_SCRIPT_ORIGINS = [
        "https://cdn.example.net",
        "https://ads.example.net",
        "https://chat.example.net",
    ]


def test_script_cannot_be_activated_before_its_category_has_declared_cookies(db):
    category = CookieCategory.objects.create(
        name="Marknadsföring", slug="marknadsforing", description="Annonser.", order=3
    )
    script = GatedScript(
        name="Annonser", category=category, src="https://ads.example.net/a.js", is_active=True
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean()
    assert error.value.message_dict["is_active"] == [
        "Deklarera cookies för kategorin ”Marknadsföring” innan du aktiverar ett skript i den."
    ]


def test_inactive_script_can_be_saved_before_its_category_has_declared_cookies(db):
    category = CookieCategory.objects.create(
        name="Marknadsföring", slug="marknadsforing", description="Annonser.", order=3
    )
    GatedScript(name="Annonser", category=category, src="https://ads.example.net/a.js").full_clean()


def test_script_cannot_be_activated_in_a_required_category(db):
    script = GatedScript(
        name="Chatt",
        category=CookieCategory.objects.get(slug="nodvandiga"),
        src="https://chat.example.net/c.js",
        is_active=True,
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean()
    assert error.value.message_dict["category"] == [
        "Ett skript som kräver samtycke kan inte höra till en nödvändig kategori."
    ]


def test_script_address_must_be_https(db):
    script = GatedScript(
        name="Kartor",
        category=CookieCategory.objects.get(slug="statistik"),
        src="http://cdn.example.net/kartor.js",
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean()
    assert error.value.message_dict["src"] == ["Adressen måste börja med https://."]


@pytest.mark.parametrize(
    ("src", "code"), [("", ""), ("https://cdn.example.net/kartor.js", "alert(1)")]
)
def test_script_needs_either_an_address_or_code(db, src, code):
    script = GatedScript(
        name="Kartor", category=CookieCategory.objects.get(slug="statistik"), src=src, code=code
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean()
    assert "src" in error.value.message_dict


def test_active_script_is_rendered_for_a_consenting_visitor_with_the_nonce(
    client, choose, make_gated_script
):
    make_gated_script(src="https://cdn.example.net/kartor.js")
    choose(client, "alla")
    response = client.get("/")
    assert (
        f'<script src="https://cdn.example.net/kartor.js" nonce="{nonce_of(response)}" async>'
        "</script>"
    ) in response.text


def test_active_script_is_not_rendered_without_consent(client, choose, make_gated_script):
    make_gated_script(src="https://cdn.example.net/kartor.js")
    choose(client, "nodvandiga")
    assert "cdn.example.net" not in client.get("/").text


def test_inactive_script_is_not_rendered(client, choose, make_gated_script):
    make_gated_script(src="https://cdn.example.net/kartor.js", is_active=False)
    choose(client, "alla")
    assert "cdn.example.net" not in client.get("/").text


def test_script_placed_in_the_head_is_rendered_in_the_head(client, choose, make_gated_script):
    make_gated_script(src="https://cdn.example.net/kartor.js", placement="head")
    choose(client, "alla")
    html = client.get("/").text
    assert html.index("cdn.example.net") < html.index("</head>")


def test_script_placed_at_the_end_is_rendered_last_in_the_body(client, choose, make_gated_script):
    make_gated_script(src="https://cdn.example.net/kartor.js", placement="body_end")
    choose(client, "alla")
    html = client.get("/").text
    assert html.index("/static/js/consent.js") < html.index("cdn.example.net")
    assert html.index("cdn.example.net") < html.index("</body>")


def test_inline_script_is_rendered_as_written_with_the_nonce_where_allowed(
    client, choose, make_gated_script, settings
):
    settings.CONSENT_ALLOW_INLINE_SCRIPTS = True
    make_gated_script(src="", code="if (1 < 2) console.log('kartor');")
    choose(client, "alla")
    response = client.get("/")
    assert (
        f"<script nonce=\"{nonce_of(response)}\">if (1 < 2) console.log('kartor');</script>"
        in response.text
    )


def test_csp_allows_an_active_scripts_host_for_a_consenting_visitor(
    client, choose, make_gated_script
):
    make_gated_script(src="https://cdn.example.net/kartor.js")
    choose(client, "alla")
    assert "https://cdn.example.net" in csp_of(client.get("/"))["script-src"]


def test_csp_names_no_script_host_without_consent(client, choose, make_gated_script):
    make_gated_script(src="https://cdn.example.net/kartor.js")
    choose(client, "nodvandiga")
    assert third_party_hosts(client.get("/")) == set()


def test_activated_script_asks_those_who_allowed_its_category_again(
    client, choose, make_gated_script, django_capture_on_commit_callbacks
):
    script = make_gated_script(src="https://cdn.example.net/kartor.js", is_active=False)
    choose(client, "alla")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        script.is_active = True
        script.save()

    # They allowed statistics before this script was part of it: asked again first.
    asked_again = client.get("/")
    assert "cdn.example.net/kartor.js" not in asked_again.text
    assertContains(asked_again, "Informationen om cookies och skripten som sätter dem har ändrats.")
    choose(client, "alla")
    assert "cdn.example.net/kartor.js" in client.get("/").text


def test_activated_script_publishes_a_new_policy_version(
    client, make_gated_script, django_capture_on_commit_callbacks
):
    script = make_gated_script(src="https://cdn.example.net/kartor.js", is_active=False)
    before = current_policy().version
    with django_capture_on_commit_callbacks(execute=True):
        script.is_active = True
        script.save()

    assert current_policy().version == before + 1
    assert PolicyVersion.objects.get(number=before + 1).texts.snapshot["scripts"] == [
        {"name": script.name, "category": "statistik", "origin": "https://cdn.example.net"}
    ]


def test_script_in_a_category_later_marked_required_does_not_run_for_everyone():
    from consent.policy import Category, Policy, Script

    policy = Policy(
        version=1,
        change_note="",
        categories=(Category("statistik", "Statistik", "", is_required=True),),
        scripts=(Script(name="Matomo", category="statistik", placement="body_end", code="x"),),
    )
    assert policy.scripts_for(frozenset({"statistik"})) == []
    assert policy.origins_for(frozenset({"statistik"})) == []
