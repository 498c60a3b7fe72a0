from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import spam
from .models import clean_name, clean_text


class CommentTextField(forms.CharField):
    def to_python(self, value):
        # Browsers send a line break as CRLF but count it as one character against the
        # textarea's maxlength: count it as one here too.
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your e-mail address is never published."),
    )
    text = CommentTextField(
        label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # The honeypot: hidden from people and screen readers, named so autofill leaves it alone.
    hp_kontroll = forms.CharField(required=False, label=_("Leave this field empty"))
    # Not required: a missing stamp is refused in clean() with a message the visitor sees,
    # which an error on a hidden field would not give.
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["hp_kontroll"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        # A re-shown form gets a new stamp, so a corrected comment is never "too old".
        self.initial["stamp"] = spam.make_stamp()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template renders the token
        self.helper.layout = Layout(
            "name",
            "email",
            "text",
            Div("hp_kontroll", css_class="comment-hp", aria_hidden="true"),
            "stamp",
        )
        self.helper.add_input(Submit("submit", gettext("Send comment")))

    def renew_stamp(self) -> None:
        """Re-shown forms get a new time stamp, so correcting a comment never expires it."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["stamp"] = spam.make_stamp()

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

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # nothing is stored anyway; the field errors are what matter
        try:
            spam.check_stamp(cleaned.get("stamp", ""))
        except spam.StampError as error:
            messages = {
                "too_fast": gettext("That was quick! Please check your comment and send it again."),
                "too_old": gettext(
                    "The form had been open for too long. Your text is kept: please send it again."
                ),
            }
            raise forms.ValidationError(
                messages.get(str(error), gettext("Please send your comment again.")),
                code=str(error),
            ) from None
        return cleaned

    @property
    def is_honeypot_hit(self) -> bool:
        return bool(self.cleaned_data.get("hp_kontroll"))
