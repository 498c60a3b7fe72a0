"""Naming the hosts of consented scripts in the page's Content-Security-Policy."""

from django.conf import settings
from django.utils.csp import CSP

# Directives an analytics host needs: its script, its beacons and its tracking pixel.
GATED_DIRECTIVES = ("script-src", "connect-src", "img-src")


def allow_origins(response, origins: list[str]) -> None:
    """Let this response's page load from ``origins`` too, beside the site's own policy.

    Django (6.1) has no public API for a policy that depends on the request: its
    decorators (``csp_override``) set one fixed policy per view by putting it on
    ``response._csp_config``, which ContentSecurityPolicyMiddleware reads when it
    writes the header (it must come before ConsentMiddleware in MIDDLEWARE, so it runs
    after it on the way out). This is the one place that relies on that attribute;
    tests/test_consent_csp.py fails if a Django upgrade stops honouring it.
    """
    if not origins:
        return
    # A view's own override (csp_override) wins over the setting, as in Django.
    config = getattr(response, "_csp_config", settings.SECURE_CSP)
    if not config:
        return  # no policy on this response (Django's debug pages): nothing to widen
    config = dict(config)
    for directive in GATED_DIRECTIVES:
        sources = list(config.get(directive, config.get("default-src", [CSP.SELF])))
        config[directive] = sources + [o for o in origins if o not in sources]
    response._csp_config = config
