from django.contrib.sitemaps import Sitemap

from .models import AccessibilityStatement, Page


class PageSitemap(Sitemap):
    """The accessibility statement and the site pages editors maintain."""

    def items(self) -> list:
        return [
            *AccessibilityStatement.objects.only("changed_at"),
            *Page.objects.only("slug", "updated_at"),
        ]

    def lastmod(self, item):
        return item.changed_at if isinstance(item, AccessibilityStatement) else item.updated_at
