from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.translation import gettext

from .models import Article, Category

FEED_LENGTH = 20


def correction_text(article: Article) -> str:
    """The correction note as the article page shows it: "Updated 22 June 2022: …"."""
    date = date_format(timezone.localtime(article.corrected_at), "j F Y")
    return gettext("Updated %(date)s:") % {"date": date} + " " + article.correction_note


class LatestNewsFeed(Feed):
    """RSS 2.0: the latest published news. Django makes every address absolute with the
    request's host and writes RFC 822 dates."""

    def title(self) -> str:
        return gettext("%(site)s: news") % {"site": settings.SITE_NAME}

    def link(self) -> str:
        return reverse("news:list")

    def description(self) -> str:
        return gettext("The latest news from %(site)s.") % {"site": settings.SITE_NAME}

    def feed_url(self) -> str:
        return reverse("news:feed")

    def items(self):
        return Article.objects.published().for_list()[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Feed readers read a description as HTML: the lead and the note are plain text.
        if not item.corrected_at:
            return escape(item.lead)
        return format_html("<p>{}</p><p>{}</p>", correction_text(item), item.lead)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.modified_at

    def item_categories(self, item: Article) -> list[str]:
        return [category.name for category in item.categories.all()]


class CategoryNewsFeed(LatestNewsFeed):
    """RSS 2.0: the latest published news of one category."""

    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return gettext("%(site)s: news about %(category)s") % {
            "site": settings.SITE_NAME,
            "category": obj.name,
        }

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Category) -> str:
        return obj.description or gettext("The latest news about %(category)s from %(site)s.") % {
            "category": obj.name,
            "site": settings.SITE_NAME,
        }

    def feed_url(self, obj: Category) -> str:
        return reverse("news:category_feed", kwargs={"slug": obj.slug})

    def items(self, obj: Category):
        return Article.objects.published().in_category(obj).for_list()[:FEED_LENGTH]
