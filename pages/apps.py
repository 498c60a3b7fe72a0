from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("site pages")

    def ready(self):
        from adda_site import page_cache

        from .models import AccessibilityStatement, BurdenExemption, InaccessibleContent, Page

        # The footer links the pages, and the statement is a page of its own.
        page_cache.refresh_on_change(
            Page, AccessibilityStatement, InaccessibleContent, BurdenExemption
        )
