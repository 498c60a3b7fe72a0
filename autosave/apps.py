from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutosaveConfig(AppConfig):
    name = "autosave"
    verbose_name = _("kept forms")
