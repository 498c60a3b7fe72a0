"""How a published comment is written in HTML for the article page.

Written once, when the comment is saved (``Comment.html``, in the site's language and
time zone), rather than on every page view: with hundreds of comments, writing them out
was a quarter of the article page's time (issue 11). The page writes them here itself
only for comments a server of the previous release stored, and in another language.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from html import escape as escape_html

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext

from adda_site.retention import change_in_batches
from news.templatetags.news_tags import TimeElements

URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}'\""
PARAGRAPH_BREAK = re.compile(r"\n{2,}")

# One published comment, and the editors' reply to it. Every value put in is HTML
# already: escaped here, or made by text_html() and TimeElements.
COMMENT = """<article class="comment">
    <p class="comment__meta"><strong class="comment__name">{name}</strong> {time}</p>
    <div class="comment__text">{text}</div>{reply}
  </article>
"""
REPLY = """
    <div class="comment__reply">
      <p class="comment__reply-label"><strong>{label}</strong></p>
      <div class="comment__text">{text}</div>
    </div>"""

# What a comment's HTML is written from: a change to any of them writes it again.
WRITTEN_FROM = ("name", "text", "created_at", "reply")

type Row = tuple[str, str, datetime, str]


def comment_html(name: str, text: str, created_at: datetime, reply: str) -> str:
    """One published comment and the editors' reply, in the active language and time zone."""
    return comments_html([(name, text, created_at, reply)])[0]


def comments_html(rows: Iterable[Row]) -> list[str]:
    """The HTML of each comment in ``rows`` (name, text, created_at, reply), in the active
    language and time zone."""
    time_html = TimeElements().html
    reply_label = escape_html(gettext("Reply from the editors"))
    comment, reply_html = COMMENT.format, REPLY.format
    return [
        comment(
            name=escape_html(name),
            time=time_html(created_at, with_time=True),
            text=text_html(text),
            reply=reply_html(label=reply_label, text=text_html(reply)) if reply else "",
        )
        for name, text, created_at, reply in rows
    ]


@contextmanager
def stored_language() -> Iterator[None]:
    """The language and time zone ``Comment.html`` is written in: settings.LANGUAGE_CODE
    and the default time zone, whatever the language of whoever saves (an editor in
    admin, a visitor's POST)."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(timezone.get_default_timezone()),
    ):
        yield


def stored_html_applies() -> bool:
    """Whether the active language and time zone are those ``Comment.html`` is written in
    (zoneinfo gives the same object for the same zone)."""
    return (
        translation.get_language() == settings.LANGUAGE_CODE
        and timezone.get_current_timezone() is timezone.get_default_timezone()
    )


def write_stored(comments: models.QuerySet) -> int:
    """Write the ``html`` of ``comments`` again, a batch per transaction; how many changed.

    Takes any queryset of comments, also a migration's, which knows none of our methods.
    """

    def rewrite(batch: models.QuerySet) -> int:
        # Locked while read and written (PostgreSQL; SQLite's transaction holds the write
        # lock already): an editor's save in between would be overwritten with old text.
        found = list(batch.select_for_update().only(*WRITTEN_FROM, "html"))
        with stored_language():
            written = comments_html((c.name, c.text, c.created_at, c.reply) for c in found)
        changed = []
        for comment, html in zip(found, written, strict=True):
            if comment.html != html:
                comment.html = html
                changed.append(comment)
        return batch.bulk_update(changed, ["html"])

    return change_in_batches(comments, rewrite)


def text_html(text: str) -> str:
    """Plain text with line breaks kept and http(s) addresses as links; nothing else."""
    text = text.strip()
    if "\n" not in text:
        # Most comments are one paragraph: no splitting, no line breaks to write.
        return "<p>" + _escaped_with_links(text) + "</p>"
    return "\n".join(
        "<p>" + _escaped_with_links(block).replace("\n", "<br>") + "</p>"
        for block in PARAGRAPH_BREAK.split(text)
    )


def _escaped_with_links(block: str) -> str:
    if "http" not in block:
        return escape_html(block)
    parts, position = [], 0
    for match in URL.finditer(block):
        url = match[0].rstrip(TRAILING)
        end = match.start() + len(url)
        link = escape_html(url)
        parts.append(escape_html(block[position : match.start()]))
        parts.append(f'<a href="{link}" rel="nofollow ugc noopener">{link}</a>')
        position = end
    parts.append(escape_html(block[position:]))
    return "".join(parts)
