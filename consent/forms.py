from django import forms
from django.utils.translation import gettext_lazy as _

from .policy import Policy


class ConsentForm(forms.Form):
    """One checkbox per optional category; required categories are shown, always on."""

    categories = forms.MultipleChoiceField(
        label=_("Which cookies do you want to allow?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            (category.slug, category.name) for category in policy.optional_categories
        ]


class BannerChoiceForm(forms.Form):
    ACCEPT_ALL = "alla"
    ONLY_NECESSARY = "nodvandiga"

    choice = forms.ChoiceField(
        choices=[(ACCEPT_ALL, _("Accept all")), (ONLY_NECESSARY, _("Only necessary"))]
    )
