from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .cookie import read_consent
from .csp import allow_origins
from .policy import current_policy, scripts_may_run_on


class ConsentMiddleware:
    """Puts ``request.consent`` on every request and lets the response follow it.

    Must come after Django's CSP middleware, so its CSP changes are seen when
    that middleware writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = False

        def read():
            nonlocal asked
            asked = True
            return read_consent(request)

        lazy = request.consent = SimpleLazyObject(read)
        response = self.get_response(request)
        if not asked and request.consent is lazy:
            # Nothing on this page asked about consent: the response is the same for
            # every visitor, so it need not vary on their cookie.
            return response
        patch_vary_headers(response, ["Cookie", "Sec-GPC"])
        if scripts_may_run_on(request):
            # Never on admin pages, whatever the visitor allows: the admin keeps the
            # site's own policy, which names no other host.
            allow_origins(response, current_policy().origins_for(request.consent.allowed))
        return response
