from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, ReviewLink

VALID_DAYS_CHOICES = [
    (days, ngettext_lazy("%(count)d day", "%(count)d days", "count") % {"count": days})
    for days in (1, 3, DEFAULT_VALID_DAYS, 14, 30)
]


class ReviewLinkCreationForm(forms.ModelForm):
    valid_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=VALID_DAYS_CHOICES,
        coerce=int,
        initial=DEFAULT_VALID_DAYS,
        widget=forms.RadioSelect,
        help_text=_("After this the link shows that it has expired. You can revoke it earlier."),
    )

    class Meta:
        model = ReviewLink
        fields = ["article", "note"]

    def clean(self):
        cleaned_data = super().clean()
        if days := cleaned_data.get("valid_days"):
            self.instance.expires_at = timezone.now() + timedelta(days=days)
        return cleaned_data


class ReviewLinkForm(forms.ModelForm):
    # The browser's own date and time picker: the admin's calendar shortcuts have
    # accessible names that do not match their visible text (axe: label-content-name-mismatch).
    expires_at = forms.DateTimeField(
        label=_("Valid until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    revoke = forms.BooleanField(
        label=_("Revoke the link"),
        required=False,
        help_text=_(
            "The address then shows that the link has been withdrawn. It cannot be undone."
        ),
    )

    class Meta:
        model = ReviewLink
        fields = ["note", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if "expires_at" not in self.changed_data:
            return expires_at
        now = timezone.now()
        if expires_at <= now:
            raise forms.ValidationError(
                _("Choose a time in the future, or revoke the link to end it now.")
            )
        if expires_at > now + timedelta(days=MAX_VALID_DAYS):
            raise forms.ValidationError(
                _("A review link is valid for at most %(days)d days."),
                params={"days": MAX_VALID_DAYS},
            )
        return expires_at

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)
