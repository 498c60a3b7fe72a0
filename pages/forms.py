import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityReport


class AccessibilityReportForm(forms.ModelForm):
    # The honeypot: hidden from people and screen readers, named so autofill leaves it alone.
    hp_kontroll = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = AccessibilityReport
        fields = ["problem", "page", "name", "email"]
        labels = {
            "problem": _("Describe the problem, or the content you need in an accessible form"),
            "page": _("On which page? (optional)"),
            "name": _("Your name (optional)"),
            "email": _("Your e-mail address (optional)"),
        }
        help_texts = {
            "page": _("The address or the name of the page."),
            "email": _("Give it if you want an answer. We only use it to answer you."),
        }
        error_messages = {
            "problem": {"required": _("Describe the problem or the content you need.")},
        }
        widgets = {"problem": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["page"].widget.attrs["autocomplete"] = "off"
        self.fields["hp_kontroll"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template renders the token
        self.helper.layout = Layout(
            "problem",
            "page",
            "name",
            "email",
            Div("hp_kontroll", css_class="form-hp", aria_hidden="true"),
        )
        self.helper.add_input(Submit("submit", gettext("Send report")))

    def clean_problem(self):
        problem = self.cleaned_data["problem"]
        # Only spaces and invisible characters say nothing: refused like an empty field.
        if not any(unicodedata.category(ch)[0] not in "CZ" for ch in problem):
            raise forms.ValidationError(
                self.fields["problem"].error_messages["required"], code="required"
            )
        return problem

    @property
    def is_honeypot_hit(self) -> bool:
        return bool(self.cleaned_data.get("hp_kontroll"))
