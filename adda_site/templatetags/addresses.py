from django import template

from ..addresses import address as _address

register = template.Library()


@register.simple_tag(name="address")
def address(viewname: str, *args) -> str:
    """``{% url %}`` for links repeated on every page: ``{% address "news:list" %}``."""
    return _address(viewname, *args)
