"""What the public pages' templates call to show news (adda_site/jinja2.py makes them
Jinja2 globals)."""

from datetime import date, datetime
from functools import lru_cache
from html import escape

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from adda_site.addresses import address

from ..forms import SearchForm


def search_form_context(
    form: SearchForm | None = None, *, field_id: str = "", compact: bool = False
):
    """The search form: the search page's own (``form``, with its errors and query), a
    compact one in the page header, or a plain one on the error pages. Reads no database,
    so the 500 page can use it."""
    return {
        "form": form or SearchForm(),
        "field_id": field_id or "id_q",
        "label": form["q"].label if form else gettext("Search"),
        "compact": compact,
    }


@lru_cache(maxsize=16)
def _months(language: str | None) -> tuple[str, ...]:
    # Month names per language, once per process: str() of a lazy name runs gettext, which
    # was once for each of the hundreds of dates an article page with comments shows.
    return ("", *(str(MONTHS[number]) for number in range(1, 13)))


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
        self.months = _months(get_language())

    @cached_property
    def day_at_time(self) -> str:
        return gettext("%(day)s at %(time)s")

    def month(self, number: int) -> str:
        return self.months[number]

    def __call__(self, value: date | datetime | None, *, with_time: bool = False) -> SafeString:
        return mark_safe(self.html(value, with_time=with_time))

    def html(self, value: date | datetime | None, *, with_time: bool = False) -> str:
        """The element as a str, for callers that put many together and mark them safe."""
        if value is None:
            return ""
        if self.zone is not None and isinstance(value, datetime) and value.utcoffset() is not None:
            value = value.astimezone(self.zone)
        day = f"{value.day} {self.months[value.month]} {value.year:04d}"
        if with_time and isinstance(value, datetime):
            machine = value.isoformat()
            text = self.day_at_time % {"day": day, "time": f"{value.hour:02d}.{value.minute:02d}"}
        else:
            machine = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
            text = day
        return f'<time datetime="{machine}">{escape(text)}</time>'


def time_element(value: date | datetime | None, *, with_time: bool = False) -> SafeString:
    """A date as a ``<time>`` element; ``with_time`` adds the time of day."""
    return TimeElements()(value, with_time=with_time)


# A summary in a list of news, and the links to an article's categories: written here
# rather than by templates, as each list shows ten summaries and resolving template
# variables for each was most of the list page's rendering (issue 11). Every value put
# in is escaped here or is HTML already (TimeElements, marked search results).
SUMMARY = """<article class="summary">
  <p class="summary__date">{time}</p>
  {categories}

  <h{level} class="summary__title"><a href="{url}">{title}</a></h{level}>
  <p class="summary__lead">{lead}</p>
</article>"""


def article_summary(article, heading_level=None, highlighted=False) -> SafeString:
    """One article in a list: date, categories, title as a link and lead; ``highlighted``
    shows a search result's title and lead with the matches marked."""
    if highlighted:
        title, lead = conditional_escape(article.title_html), conditional_escape(article.lead_html)
    else:
        title, lead = escape(article.title), escape(article.lead)
    return mark_safe(
        SUMMARY.format(
            time=TimeElements().html(article.published_at),
            categories=_category_links(article.categories.all()),
            level=int(heading_level or 2),
            url=escape(address("news:article", article.slug)),
            title=title,
            lead=lead,
        )
    )


def category_links(categories) -> SafeString:
    """An article's categories as links, separated by " | " for the eye only."""
    return mark_safe(_category_links(categories))


def _category_links(categories) -> str:
    links = '<span aria-hidden="true"> | </span>'.join(
        f'<a href="{escape(address("news:category", category.slug))}">{escape(category.name)}</a>'
        for category in categories
    )
    if not links:
        return ""
    label = escape(gettext("Categories:"))
    return f'<p class="categories"><span class="visually-hidden">{label} </span>{links}</p>'
