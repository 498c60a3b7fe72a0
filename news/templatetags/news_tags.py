from datetime import date, datetime
from html import escape

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
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


class TimeElements:
    """Writes ``<time datetime="…">21 juni 2022</time>``, with " kl. 14.05" after the day
    for ``with_time``, in the active language and time zone as the ``date`` filter shows
    them (formats "c", "j F Y" and "H.i").

    Written here rather than with date filters in a template, and with the time zone and
    the texts looked up once: an article page shows the time of each of its hundreds of
    comments, and a template per date was most of its rendering (issue 11).
    """

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone() if settings.USE_TZ else None
        self.months: dict[int, str] = {}

    @cached_property
    def day_at_time(self) -> str:
        return gettext("%(day)s at %(time)s")

    def month(self, number: int) -> str:
        if number not in self.months:
            self.months[number] = str(MONTHS[number])
        return self.months[number]

    def __call__(self, value: date | datetime | None, *, with_time: bool = False) -> SafeString:
        return mark_safe(self.html(value, with_time=with_time))

    def html(self, value: date | datetime | None, *, with_time: bool = False) -> str:
        """The element as a str, for callers that put many together and mark them safe."""
        if value is None:
            return ""
        if self.zone is not None and isinstance(value, datetime) and timezone.is_aware(value):
            value = value.astimezone(self.zone)
        day = f"{value.day} {self.month(value.month)} {value.year:04d}"
        if with_time and isinstance(value, datetime):
            machine = value.isoformat()
            text = self.day_at_time % {"day": day, "time": f"{value.hour:02d}.{value.minute:02d}"}
        else:
            machine = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
            text = day
        return f'<time datetime="{machine}">{escape(text)}</time>'


@register.simple_tag
def time_element(value: date | datetime | None, *, with_time: bool = False) -> SafeString:
    """A date as a ``<time>`` element; ``with_time`` adds the time of day."""
    return TimeElements()(value, with_time=with_time)
