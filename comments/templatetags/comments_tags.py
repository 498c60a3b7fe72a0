import re
from html import escape as escape_html

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from news.templatetags.news_tags import TimeElements

from ..forms import CommentForm
from ..models import Comment, CommentRules
from ..submission import comments_open
from ..views import PUBLISHED_PARAMETER, THANKS_PARAMETER

register = template.Library()

THANKS = {THANKS_PARAMETER: "waiting", PUBLISHED_PARAMETER: "published"}
URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}'\""
PARAGRAPH_BREAK = re.compile(r"\n{2,}")

# One published comment, and the editors' reply to it. The list is written here rather
# than by a template loop: with hundreds of comments, resolving template variables per
# comment was most of the article page's rendering (issue 11). Every value put in is
# HTML already: escaped here, or made by comment_text() and TimeElements.
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


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    request = context["request"]
    # One query gives both the list and the count in the heading; plain values, as
    # building a model instance per comment would cost more than writing it out.
    comments = list(
        Comment.objects.published()
        .filter(article=article)
        .values("name", "text", "created_at", "reply")
    )
    form = context.get("comment_form")
    return {
        "article": article,
        "comments": comments,
        "is_open": comments_open(article),
        "form": form or CommentForm(article=article),
        "refusal": context.get("comment_refusal", ""),
        "thanked": None if form else THANKS.get(request.META.get("QUERY_STRING")),
        "rules": CommentRules.current_text(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag
def comment_list(comments: list[dict]) -> SafeString:
    """The published comments (their name, text, created_at and reply), oldest first."""
    time_element = TimeElements()
    reply_label = escape_html(gettext("Reply from the editors"))
    return mark_safe(
        "".join(
            COMMENT.format(
                name=escape_html(comment["name"]),
                time=time_element.html(comment["created_at"], with_time=True),
                text=_text_html(comment["text"]),
                reply=REPLY.format(label=reply_label, text=_text_html(comment["reply"]))
                if comment["reply"]
                else "",
            )
            for comment in comments
        )
    )


@register.filter
def comment_text(text: str) -> SafeString:
    """Plain text with line breaks kept and http(s) addresses as links; nothing else."""
    return mark_safe(_text_html(text))


def _text_html(text: str) -> str:
    return "\n".join(
        "<p>" + _escaped_with_links(block).replace("\n", "<br>") + "</p>"
        for block in PARAGRAPH_BREAK.split(text.strip())
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


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
