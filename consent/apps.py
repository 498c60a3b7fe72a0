from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("cookie consent")

    def ready(self):
        from adda_site import page_cache

        from . import checks  # noqa: F401
        from .models import Cookie, CookieCategory, GatedScript, PolicyText, PolicyVersion

        # The banner and the scripts on every page come from these.
        page_cache.refresh_on_change(Cookie, CookieCategory, GatedScript, PolicyText, PolicyVersion)
