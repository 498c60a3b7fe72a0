from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "adda_site"
    verbose_name = _("site")

    def ready(self):
        from . import checks  # noqa: F401
