from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("news")

    def ready(self):
        from adda_site import page_cache

        from .models import Article, Category, FormerSlug, Image

        page_cache.refresh_on_change(Article, Category, FormerSlug, Image)
        page_cache.on_schedule(Article.objects.next_visibility_change)
