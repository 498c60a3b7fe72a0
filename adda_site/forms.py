"""Form pieces the apps share: defences against bots that need no CAPTCHA and no third
party. The comment form and the accessibility report form use them."""

import time

from crispy_forms.layout import Div
from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

# The salt the comment form used before the stamp was shared: stamps in forms open
# during a deployment stay valid.
STAMP_SALT = "comments.form-stamp"


class HoneypotForm(forms.Form):
    """A field people never see and bots fill in; a filled one marks the sender a bot.

    The form decides what a hit means (comments keep it as spam for review).
    """

    # Named so that browsers' autofill leaves it alone.
    hp_kontroll = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hp_kontroll"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @staticmethod
    def honeypot_layout() -> Div:
        """The field for a crispy layout: hidden from people and screen readers."""
        return Div("hp_kontroll", css_class="honeypot", aria_hidden="true")

    @property
    def is_honeypot_hit(self) -> bool:
        return bool(self.cleaned_data.get("hp_kontroll"))


class StampError(Exception):
    pass


def make_stamp(target: str) -> str:
    """A signed note of when a form for ``target`` (an article, the report page) was
    shown; a stamp made for one form is refused by every other."""
    return signing.dumps([time.time(), target], salt=STAMP_SALT)


def stamp_target(stamp: str) -> str | None:
    """What a stamp was made for (whatever its age), or None if it is not one of ours: the
    page cache renews the stamps of the pages it stores."""
    try:
        _issued, target = signing.loads(stamp, salt=STAMP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return target if isinstance(target, str) else None


def check_stamp(stamp: str, *, target: str, min_seconds: float, max_seconds: float) -> None:
    """Refuse a form sent faster than a person types, one left open too long, or one
    whose stamp was made for another form."""
    try:
        issued, stamped_target = signing.loads(stamp, salt=STAMP_SALT)
        issued = float(issued)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise StampError("invalid") from error
    if stamped_target != target:
        raise StampError("invalid")
    age = time.time() - issued
    if age < min_seconds:
        raise StampError("too_fast")
    if age > max_seconds:
        raise StampError("too_old")


class StampedForm(forms.Form):
    """A signed time stamp of when the form was shown, checked when it comes back.

    ``stamp_target`` names what the form is for (``news.article:12``), so that a stamp
    cannot be collected once and reused on every other form. Subclasses word the
    refusals for what the form sends.
    """

    # What the visitor is told, by reason ("too_fast", "too_old", "invalid"), in the
    # words of what the form sends: each form sets its own.
    stamp_refusals: dict[str, str]

    # Not required: a missing stamp is refused in clean() with a message the visitor sees,
    # which an error on a hidden field would not give.
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, stamp_target: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp_target = stamp_target
        self.initial["stamp"] = make_stamp(stamp_target)

    def renew_stamp(self) -> None:
        """A form shown again gets a new stamp, so correcting it never makes it too old."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["stamp"] = make_stamp(self.stamp_target)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # nothing is stored anyway; the field errors are what matter
        try:
            check_stamp(
                cleaned.get("stamp", ""),
                target=self.stamp_target,
                min_seconds=settings.FORM_MIN_SECONDS,
                max_seconds=settings.FORM_MAX_AGE_SECONDS,
            )
        except StampError as error:
            reason = str(error)
            raise forms.ValidationError(self.stamp_refusals[reason], code=reason) from None
        return cleaned
