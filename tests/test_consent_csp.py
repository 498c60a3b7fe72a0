"""The page's Content-Security-Policy names the analytics host only for visitors who
consented. consent/csp.py relies on an attribute Django's CSP middleware reads
(``response._csp_config``); these tests fail if a Django upgrade stops honouring it."""

from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import RequestFactory
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from consent.csp import allow_origins

MATOMO_ORIGIN = "https://stats.example.org"


def script_src(response) -> list[str]:
    header = response.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";"))
    return next((sources for name, *sources in directives if name == "script-src"), [])


def test_page_names_matomo_in_script_src_for_a_visitor_who_consented_to_statistics(client, matomo):
    client.post("/cookies/", {"categories": ["statistik"], "next": "/"})
    assert MATOMO_ORIGIN in script_src(client.get("/")), (
        "Django's CSP middleware no longer honours the policy consent.csp.allow_origins "
        "sets on the response: Matomo would be blocked for visitors who consented."
    )


def test_page_does_not_name_matomo_for_a_visitor_who_declined_statistics(client, matomo):
    client.post("/cookies/", {"next": "/"})
    response = client.get("/")
    assert script_src(response)
    assert MATOMO_ORIGIN not in response["Content-Security-Policy"]


def through_csp_middleware(view, origins: list[str]):
    def view_allowing(request):
        response = view(request)
        allow_origins(response, origins)
        return response

    return ContentSecurityPolicyMiddleware(view_allowing)(RequestFactory().get("/"))


def test_allow_origins_widens_a_views_own_policy(db):
    view = csp_override({"default-src": [CSP.SELF], "script-src": [CSP.SELF]})(
        lambda request: HttpResponse()
    )
    response = through_csp_middleware(view, [MATOMO_ORIGIN])
    assert response["Content-Security-Policy"] == (
        f"default-src 'self'; script-src 'self' {MATOMO_ORIGIN}; "
        f"connect-src 'self' {MATOMO_ORIGIN}; img-src 'self' {MATOMO_ORIGIN}"
    )


def test_allow_origins_adds_no_policy_to_a_response_that_has_none(db):
    view = csp_override({})(lambda request: HttpResponse())
    response = through_csp_middleware(view, [MATOMO_ORIGIN])
    assert "Content-Security-Policy" not in response


def test_allow_origins_without_origins_leaves_the_sites_policy(db):
    response = through_csp_middleware(lambda request: HttpResponse(), [])
    assert "script-src 'self' 'strict-dynamic'" in response["Content-Security-Policy"]
