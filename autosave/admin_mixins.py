"""The article form's side of kept forms: the script that keeps the form while the
editor types, the notice that offers a kept form back, and its removal on save."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.forms.widgets import Script
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext

from .models import KeptForm

RESTORE = "aterstall"


def _seconds() -> str:
    return str(getattr(settings, "AUTOSAVE_SECONDS", 60))


# The address is that of a new article's form; the script puts the article's number in
# its place. Both attributes are read when the page is rendered, not at import.
AUTOSAVE_SCRIPT = Script(
    "js/admin-autosave.js",
    **{"data-url": reverse_lazy("autosave:keep_new"), "data-seconds": lazy(_seconds, str)()},
)


class AutosaveAdminMixin:
    """For an article admin whose Media loads AUTOSAVE_SCRIPT. The notice is a message
    because VersionsAdminMixin owns the change form template."""

    def kept_form(self, request: HttpRequest, object_id: str | None) -> KeptForm | None:
        article = None
        if object_id is not None:
            article = self.model._default_manager.filter(pk=unquote(object_id)).first()
            if article is None:
                return None
        return KeptForm.objects.offered(request.user, article).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and IS_POPUP_VAR not in request.GET:
            if kept := self.kept_form(request, object_id):
                self.offer_kept_form(request, kept)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def offer_kept_form(self, request: HttpRequest, kept: KeptForm) -> None:
        time = date_format(timezone.localtime(kept.saved_at), "DATETIME_FORMAT")
        if kept.article_id is None:
            discard_url = reverse("autosave:discard_new")
        else:
            discard_url = reverse("autosave:discard", args=[kept.article_id])
        # A form of its own, outside the article's form: the message list is above it.
        discard = format_html(
            '<form method="post" action="{}" class="autosave-discard">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="submit" value="{}"></form>',
            discard_url,
            get_token(request),
            gettext("Throw them away"),
        )
        if request.GET.get(RESTORE) == "1":
            text = gettext(
                "The form shows your unsaved changes from %(time)s. Save the article to keep them."
            ) % {"time": time}
            notice = format_html("{} {}", text, discard)
        else:
            query = request.GET.copy()
            query[RESTORE] = "1"
            text = gettext("There are unsaved changes from %(time)s.") % {"time": time}
            notice = format_html(
                '{} <a href="?{}">{}</a> {}',
                text,
                query.urlencode(),
                gettext("Restore them"),
                discard,
            )
        messages.warning(request, notice, fail_silently=True)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Only the form shown: the form posted back compares with the saved article, so
        # what was restored counts as changed.
        if request.method != "GET" or request.GET.get(RESTORE) != "1":
            return form
        kept = KeptForm.objects.offered(request.user, obj if change else None).first()
        if kept is None:
            return form
        restored = kept.initial_for(form)

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **restored}
                super().__init__(*args, **kwargs)

        RestoredForm.__name__ = form.__name__
        return RestoredForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saved (or left waiting for review): the kept form has served. In the save's
        # transaction, so a save that fails later keeps it.
        KeptForm.objects.of(request.user, obj if change else None).delete()
