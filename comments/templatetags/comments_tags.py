import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..forms import CommentForm
from ..models import Comment, CommentRules
from ..submission import comments_open
from ..views import PUBLISHED_PARAMETER, THANKS_PARAMETER

register = template.Library()

THANKS = {THANKS_PARAMETER: "waiting", PUBLISHED_PARAMETER: "published"}
URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}'\""


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    request = context["request"]
    # One query gives both the list and the count in the heading.
    comments = list(
        Comment.objects.published()
        .filter(article=article)
        .only("name", "text", "created_at", "reply", "replied_at")
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


@register.filter
def comment_text(text: str):
    """Plain text with line breaks kept and http(s) addresses as links; nothing else."""
    paragraphs = []
    for block in re.split(r"\n{2,}", text.strip()):
        parts, position = [], 0
        for match in URL.finditer(block):
            url = match[0].rstrip(TRAILING)
            end = match.start() + len(url)
            parts.append(escape(block[position : match.start()]))
            parts.append(format_html('<a href="{}" rel="nofollow ugc noopener">{}</a>', url, url))
            position = end
        parts.append(escape(block[position:]))
        paragraphs.append("<p>" + "".join(parts).replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(paragraphs))


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
