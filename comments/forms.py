from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adda_site.forms import HoneypotForm, StampedForm

from . import spam
from .models import clean_name, clean_text


class CommentTextField(forms.CharField):
    def to_python(self, value):
        # Browsers send a line break as CRLF but count it as one character against the
        # textarea's maxlength: count it as one here too.
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(HoneypotForm, StampedForm):
    """A visitor's comment on an article; comments_tags.comment_fields writes its fields."""

    name = forms.CharField(label=_("Name"), max_length=80)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your e-mail address is never published."),
    )
    text = CommentTextField(
        label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )

    stamp_refusals = {
        "too_fast": _("That was quick! Please check your comment and send it again."),
        "too_old": _(
            "The form had been open for too long. Your text is kept: please send it again."
        ),
        "invalid": _("Please send your comment again."),
    }

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, stamp_target=f"news.article:{article.pk}", **kwargs)

    def clean_name(self):
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(gettext("Write your name."), code="required")
        return name

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(gettext("Write a comment."), code="required")
        if spam.link_count(text) > settings.COMMENTS_MAX_LINKS:
            raise forms.ValidationError(
                gettext("Your comment has too many links: at most %(max)s are allowed.")
                % {"max": settings.COMMENTS_MAX_LINKS},
                code="too_many_links",
            )
        return text
