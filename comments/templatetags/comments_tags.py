"""What the public pages' templates call to show comments (adda_site/jinja2.py makes them
Jinja2 globals), and the admin's count of comments waiting for moderation."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..forms import CommentForm
from ..models import Comment, CommentRules
from ..rendering import comments_html, stored_html_applies
from ..submission import comments_open
from ..views import PUBLISHED_PARAMETER, THANKS_PARAMETER

register = template.Library()

THANKS = {THANKS_PARAMETER: "waiting", PUBLISHED_PARAMETER: "published"}


def comment_section(context, article) -> dict:
    """What jinja2/comments/_section.html shows under ``article``: its published comments,
    the form (a refused one, from the view's ``comment_form``), the thanks and the rules."""
    request = context["request"]
    form = context.get("comment_form")
    return {
        "article": article,
        # Each published comment's HTML: the list, and the count in the heading.
        "comments": _published_comments(article),
        "is_open": comments_open(article),
        "form": form or CommentForm(article=article),
        "refusal": context.get("comment_refusal", ""),
        "thanked": None if form else THANKS.get(request.META.get("QUERY_STRING")),
        "rules": CommentRules.current_text(),
    }


def _published_comments(article) -> list[str]:
    published = Comment.objects.published().filter(article=article)
    if stored_html_applies():
        written = list(published.values_list("html", flat=True))
        # An empty one was inserted by a server of the previous release during an
        # upgrade, until manage.py write_comments has run.
        if all(written):
            return written
    # Plain values: building a model instance per comment would cost more than writing it.
    return comments_html(published.values_list("name", "text", "created_at", "reply"))


def comment_list(comments: list[str]) -> SafeString:
    """The published comments, oldest first, as comment_section gives them."""
    return mark_safe("".join(comments))


def comment_fields(form) -> SafeString:
    """The comment form's fields, errors and stamp, written out here rather than by
    crispy-forms, the widgets' templates or a template with a variable per attribute: on an
    article page each of those cost more than everything else but the comments (issue 11).

    Markup and class names are those crispy's Bootstrap 5 pack wrote (static/css/site.css
    styles them); the asterisk is hidden from screen readers, which the required attribute
    tells; each field's errors are tied to it by aria-describedby. The hidden input keeps
    the name "stamp": the page cache renews it by that name."""
    name, email, text, honeypot, stamp = (
        form["name"],
        form["email"],
        form["text"],
        form["hp_kontroll"],
        form["stamp"],
    )
    return mark_safe(
        _field(
            name,
            '<input type="text" name="{name}"{value} maxlength="{max_length}" '
            'autocomplete="name" class="textinput form-control{invalid}" '
            'required{described} id="{id}">',
        )
        + "\n"
        + _field(
            email,
            '<input type="email" name="{name}"{value} maxlength="{max_length}" '
            'autocomplete="email" class="emailinput form-control{invalid}" '
            'required{aria_invalid} aria-describedby="{describedby}" id="{id}">',
            help_text=True,
        )
        + "\n"
        + _field(
            text,
            '<textarea name="{name}" cols="40" rows="6" maxlength="{max_length}" '
            'class="textarea form-control{invalid}" required{described} id="{id}">\n'
            "{text}</textarea>",
        )
        + "\n"
        + HONEYPOT.format(
            id=honeypot.auto_id,
            label=conditional_escape(honeypot.label),
            name=honeypot.html_name,
            value=_value_attribute(honeypot),
        )
        + "\n"
        + SUBMIT.format(
            stamp=conditional_escape(stamp.value()),
            stamp_id=stamp.auto_id,
            send=conditional_escape(gettext("Send comment")),
        )
    )


# The fields of the comment form (comment_fields says why they are written out here).
FIELD = """<div id="div_{id}" class="mb-3">
  <label for="{id}" class="form-label requiredField">{label}<span class="asteriskField" \
aria-hidden="true">*</span></label>
  {input}
  {errors}{help}
</div>"""
HELP = """
  <div id="{id}_helptext" class="form-text">{text}</div>"""
HONEYPOT = """<div class="honeypot" aria-hidden="true">
  <div id="div_{id}" class="mb-3">
    <label for="{id}" class="form-label">{label}</label>
    <input type="text" name="{name}"{value} autocomplete="off" tabindex="-1" \
class="textinput form-control" id="{id}">
  </div>
</div>"""
SUBMIT = """<input type="hidden" name="stamp" value="{stamp}" id="{stamp_id}">
<div class="mb-3">
  <input type="submit" name="submit" value="{send}" class="btn btn-primary" \
id="submit-id-submit">
</div>"""


def _value_attribute(field) -> str:
    value = field.value()
    return f' value="{conditional_escape(value)}"' if value else ""


def _field(field, element: str, *, help_text: bool = False) -> str:
    auto_id, errors = field.auto_id, field.errors
    describedby = conditional_escape(field.aria_describedby or "")
    value = field.value()
    return FIELD.format(
        id=auto_id,
        label=conditional_escape(field.label),
        input=element.format(
            name=field.html_name,
            value=_value_attribute(field),
            text=conditional_escape(value) if value else "",
            max_length=field.field.max_length,
            invalid=" is-invalid" if errors else "",
            aria_invalid=' aria-invalid="true"' if errors else "",
            described=f' aria-invalid="true" aria-describedby="{describedby}"' if errors else "",
            describedby=describedby,
            id=auto_id,
        ),
        errors=_errors_html(field) if errors else "",
        help=HELP.format(id=auto_id, text=conditional_escape(field.help_text)) if help_text else "",
    )


def _errors_html(field) -> str:
    # As Bootstrap's pack wrote a field's errors: tied to the field by aria-describedby.
    auto_id = field.auto_id
    spans = "".join(
        f'<span id="error_{number}_{auto_id}"><strong>{conditional_escape(error)}</strong></span>'
        for number, error in enumerate(field.errors, 1)
    )
    return f'<div id="{auto_id}_error" class="invalid-feedback">{spans}</div>\n'


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
