from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Article, Category, modified_at_expression


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "published_at", "public_modified_at")

    def lastmod(self, item: Article):
        return item.modified_at


class CategorySitemap(Sitemap):
    """The pages of the categories that have published news."""

    def items(self):
        return Category.objects.with_published_news().only("slug")

    def lastmod(self, item: Category):
        return item.news_changed_at


class NewsPagesSitemap(Sitemap):
    """The start page and the news list, which change whenever any news does."""

    def items(self) -> list[str]:
        return ["home", "news:list"]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def latest_change(self):
        return Article.objects.published().aggregate(latest=Max(modified_at_expression()))["latest"]

    def lastmod(self, item: str):
        return self.latest_change
