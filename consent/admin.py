from collections import Counter, defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .export import authority_package, records_csv
from .models import (
    ConsentRecord,
    Cookie,
    CookieCategory,
    GatedScript,
    PolicyVersion,
    WeeklyConsentCount,
)
from .policy import publish_version


class CookieInline(admin.TabularInline):
    model = Cookie
    extra = 0


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_required", "order", "cookie_count")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CookieInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cookie_count=Count("cookies"))

    @admin.display(ordering="cookie_count", description=_("cookies"))
    def cookie_count(self, obj):
        return obj.cookie_count


class GatedScriptForm(forms.ModelForm):
    def add_error(self, field, error):
        # GatedScript.clean() checks the whole script, read-only fields included (inline
        # code, for all but superusers). Django refuses an error about a field the form
        # lacks, so such errors are shown for the form as a whole.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            errors = {}
            for name, messages_ in error.error_dict.items():
                errors.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(
                    messages_
                )
            error = ValidationError(errors)
        super().add_error(field, error)


@admin.register(GatedScript)
class GatedScriptAdmin(SimpleHistoryAdmin):
    """Scripts run on the site's own origin, beside the admin: editors ("Redaktörer") may
    only view them and switch them on or off, web managers ("Webbansvariga") and
    superusers add and change them, and only superusers write inline code."""

    form = GatedScriptForm
    list_display = ("name", "category", "placement", "is_active")
    list_filter = ("is_active", "category")
    list_select_related = ("category",)
    history_list_display = ("is_active", "src")
    actions = ["switch_on", "switch_off"]

    def get_readonly_fields(self, request, obj=None):
        return () if self.may_write_code(request) else ("code",)

    def may_write_code(self, request) -> bool:
        return request.user.is_superuser

    def has_toggle_permission(self, request, obj=None) -> bool:
        codename = get_permission_codename("toggle", self.opts)
        return request.user.has_perm(
            f"{self.opts.app_label}.{codename}"
        ) or self.has_change_permission(request, obj)

    @admin.action(description=_("Switch on selected scripts"), permissions=["toggle"])
    def switch_on(self, request, queryset):
        switched, refused = queryset.switch_on()
        if switched:
            self.message_user(
                request,
                ngettext(
                    "%(count)d script was switched on.",
                    "%(count)d scripts were switched on.",
                    switched,
                )
                % {"count": switched},
                messages.SUCCESS,
            )
        for script, errors in refused:
            self.message_user(
                request,
                gettext("“%(name)s” was not switched on: %(errors)s")
                % {"name": script.name, "errors": " ".join(errors)},
                messages.ERROR,
            )

    @admin.action(description=_("Switch off selected scripts"), permissions=["toggle"])
    def switch_off(self, request, queryset):
        switched = queryset.switch_off()
        self.message_user(
            request,
            ngettext(
                "%(count)d script was switched off.",
                "%(count)d scripts were switched off.",
                switched,
            )
            % {"count": switched},
            messages.SUCCESS,
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted revert for anyone who may merely view the
        # history, and brings back every field, read-only ones included.
        if request.method == "POST":
            script = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, script):
                raise PermissionDenied
            if script and not self.may_write_code(request):
                version = script.history.filter(history_id=version_id).first()
                if version and version.code != script.code:
                    raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "created_at", "change_note", "texts_hash")
    fields = ("change_note",)
    list_select_related = ("texts",)

    @admin.display(description=_("SHA-256 of the texts"))
    def texts_hash(self, obj):
        return obj.texts.sha256

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A version is its number and a snapshot of the texts at that moment.
        version = publish_version(change_note=obj.change_note)
        obj.pk, obj.number, obj.texts_id = version.pk, version.number, version.texts_id


class ChoiceFilter(admin.SimpleListFilter):
    title = _("choice")
    parameter_name = "val"
    # Not BannerChoiceForm's values, though they read alike: the filter is about what a
    # record allows (a settings page save counts too, and one optional category is
    # enough), not which banner button was pressed. The strings stay as they were, so
    # saved admin links keep working.
    ACCEPTED_OPTIONAL = "alla"
    ONLY_NECESSARY = "nodvandiga"

    def lookups(self, request, model_admin):
        return [
            (self.ACCEPTED_OPTIONAL, _("accepted optional cookies")),
            (self.ONLY_NECESSARY, _("only necessary")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.ONLY_NECESSARY:
            return queryset.declining_optional()
        if self.value() == self.ACCEPTED_OPTIONAL:
            return queryset.accepting_optional()
        return queryset


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ("consent_id", "created_at", "policy_version", "method", "accepted_list")
    list_filter = ("created_at", "policy_version", "method", ChoiceFilter)
    search_fields = ("=consent_id",)
    date_hierarchy = "created_at"
    list_select_related = ("policy_version",)
    actions = ["export_csv", "export_for_authority"]
    readonly_fields = [f.name for f in ConsentRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("allowed"))
    def accepted_list(self, obj):
        return ", ".join(obj.accepted)

    def get_urls(self):
        return [
            path(
                "veckosammanstallning/",
                self.admin_site.admin_view(self.weekly_summary),
                name="consent_consentrecord_weekly",
            ),
            *super().get_urls(),
        ]

    def weekly_summary(self, request):
        # admin_view only checks staff status; the summary is about consent records.
        if not self.has_view_permission(request):
            raise PermissionDenied
        counts = defaultdict(Counter)  # (week, policy version) -> total, accepted
        # Weeks whose records the retention rule has deleted live on as counts.
        kept = WeeklyConsentCount.objects.values(
            "week", "optional_accepted", "count", version=F("policy_version")
        )
        for row in [*ConsentRecord.objects.weekly_counts(), *kept]:
            counts[row["week"], row["version"]].update(
                total=row["count"], accepted=row["count"] if row["optional_accepted"] else 0
            )
        rows = [
            {
                "week": week,
                "policy_version": version,
                "total": count["total"],
                "accepted": count["accepted"],
                "declined": count["total"] - count["accepted"],
                "rate": f"{100 * count['accepted'] / count['total']:.0f} %",
            }
            for (week, version), count in sorted(counts.items(), reverse=True)
        ]
        context = self.admin_site.each_context(request) | {
            "title": _("Weekly summary of consent choices"),
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/consent/weekly_summary.html", context)

    @admin.action(description=_("Export selected records as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(records_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="samtyckesposter.csv"'
        return response

    @admin.action(description=_("Export for a supervisory authority (selected period)"))
    def export_for_authority(self, request, queryset):
        response = HttpResponse(authority_package(queryset), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="samtycke-tillsyn.zip"'
        return response


@admin.register(WeeklyConsentCount)
class WeeklyConsentCountAdmin(admin.ModelAdmin):
    list_display = ("week", "policy_version", "method", "optional_accepted", "count")
    list_filter = ("policy_version", "method")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
