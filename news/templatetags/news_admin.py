"""Tags for the admin's own pages (news_tags serves the public ones)."""

from django import template

from news.models import Article

register = template.Library()


@register.simple_tag
def waiting_for_review_count() -> int:
    return Article.objects.waiting_for_review().count()
