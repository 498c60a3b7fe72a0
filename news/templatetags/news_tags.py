from django import template
from django.utils.translation import gettext

from ..forms import SearchForm

register = template.Library()


@register.inclusion_tag("_search_form.html")
def search_form(form: SearchForm | None = None, *, field_id: str = "", compact: bool = False):
    """The search form: the search page's own (``form``, with its errors and query), a
    compact one in the page header, or a plain one on the error pages. Reads no database,
    so the 500 page can use it."""
    return {
        "form": form or SearchForm(),
        "field_id": field_id or "id_q",
        "label": form["q"].label if form else gettext("Search"),
        "compact": compact,
    }
