from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    """The site's name for templates rendered without a request, such as 500.html."""
    return settings.SITE_NAME
