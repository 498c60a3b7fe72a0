from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP
from django.utils.functional import SimpleLazyObject, empty

from .cookie import read_consent, save_choice
from .models import ConsentRecord
from .policy import current_policy

# Directives an analytics host needs: its script, its beacons and its tracking pixel.
GATED_DIRECTIVES = ("script-src", "connect-src", "img-src")


class ConsentMiddleware:
    """Puts ``request.consent`` on every request and lets the response follow it.

    Must come after Django's CSP middleware, so its CSP changes are seen when
    that middleware writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.consent = SimpleLazyObject(lambda: read_consent(request))
        response = self.get_response(request)
        consent = request.consent
        if isinstance(consent, SimpleLazyObject) and consent._wrapped is empty:
            return response  # nothing on this page asked about consent
        patch_vary_headers(response, ["Cookie", "Sec-GPC"])
        if consent.gpc_unrecorded and _is_page(response):
            # Sec-GPC: 1 is the browser declining on the visitor's behalf: record it as
            # a choice of only the necessary cookies, until the visitor says otherwise.
            save_choice(request, response, allowed=set(), method=ConsentRecord.Method.GPC)
        if origins := current_policy().origins_for(request.consent.allowed):
            response._csp_config = _csp_allowing(origins, getattr(response, "_csp_config", None))
        return response


def _is_page(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def _csp_allowing(origins: list[str], config: dict | None) -> dict:
    config = dict(settings.SECURE_CSP if config is None else config)
    for directive in GATED_DIRECTIVES:
        sources = list(config.get(directive, config.get("default-src", [CSP.SELF])))
        config[directive] = sources + [o for o in origins if o not in sources]
    return config
