import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adda_site.forms import HoneypotForm, StampedForm

from .models import AccessibilityReport


class AccessibilityReportForm(HoneypotForm, StampedForm, forms.ModelForm):
    stamp_refusals = {
        "too_fast": _("That was quick! Please check your report and send it again."),
        "too_old": _(
            "The form had been open for too long. Your text is kept: please send it again."
        ),
        "invalid": _("Please send your report again."),
    }

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
        super().__init__(*args, stamp_target="pages.accessibilityreport", **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["page"].widget.attrs["autocomplete"] = "off"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template renders the token
        self.helper.layout = Layout(
            "problem",
            "page",
            "name",
            "email",
            self.honeypot_layout(),
            "stamp",
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
