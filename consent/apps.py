from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("cookie consent")

    def ready(self):
        from . import checks, signals  # noqa: F401
