"""The admin door: who gets into the editorial administration, and what those refused see.

Lockout is django-axes (AXES_* settings), password rules Django's validators, session
limits adda_site.middleware; this module holds the pieces of our own: the lockout page
and the optional second factor (ADMIN_REQUIRE_2FA, django-otp).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the refusal, in Swedish and in the admin's look."""
    context = admin.site.each_context(request) | {
        "title": _("Logging in is blocked for now"),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """The admin login with the code from the editor's authenticator app."""

    otp_device = forms.CharField(label=_("Authenticator"), required=False, widget=forms.Select)
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    # django-otp has no Swedish catalogue: its messages are ours.
    otp_error_messages = OTPAuthenticationFormMixin.otp_error_messages | {
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": _("The code is wrong or too old. Enter the code the app shows now."),
        "n_failed_attempts": ngettext_lazy(
            "Codes are not checked for a while after %(failure_count)d wrong code. Try again soon.",
            "Codes are not checked for a while after %(failure_count)d wrong codes. "
            "Try again soon.",
            "failure_count",
        ),
        "verification_not_allowed": _("Codes cannot be checked just now. Try again soon."),
        "device_required": _("Choose your authenticator."),
    }

    def clean_otp(self, user) -> None:
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user))
            if not devices:
                raise forms.ValidationError(
                    _("Your account has no authenticator app yet. Ask a web administrator."),
                    code="no_device",
                )
            # Most have one authenticator: it is chosen for them instead of asked for.
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        super().clean_otp(user)

    def asks_for_device(self) -> bool:
        return len(self.fields["otp_device"].widget.choices) > 2  # a blank and two devices


class AdminSite(admin.AdminSite):
    """Django's admin; with ADMIN_REQUIRE_2FA on, only staff verified by a code from their
    authenticator app get in. The setting is read per request."""

    @property
    def login_form(self):
        return TwoFactorLoginForm if settings.ADMIN_REQUIRE_2FA else None

    @property
    def login_template(self):
        return "admin/login_two_factor.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        # request.user.is_verified comes from django_otp.middleware.OTPMiddleware.
        return super().has_permission(request) and (
            not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        )
