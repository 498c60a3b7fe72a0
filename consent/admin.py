import csv
import io
import json
import zipfile
from collections import Counter, defaultdict
from datetime import timedelta
from functools import reduce
from operator import or_

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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


@admin.register(GatedScript)
class GatedScriptAdmin(SimpleHistoryAdmin):
    list_display = ("name", "category", "placement", "is_active")
    list_filter = ("is_active", "category")
    list_select_related = ("category",)
    history_list_display = ("is_active", "src")


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

    def lookups(self, request, model_admin):
        return [("alla", _("accepted optional cookies")), ("nodvandiga", _("only necessary"))]

    def queryset(self, request, queryset):
        if self.value() == "nodvandiga":
            return queryset.exclude(_accepted_optional())
        if self.value() == "alla":
            return queryset.filter(_accepted_optional())
        return queryset


def _accepted_optional() -> Q:
    """Records allowing at least one optional category.

    Judged from the choices, not from how they were given: a settings page save
    with nothing ticked (a withdrawal) declines just as "Only necessary" does.
    has_key keeps the negation true for records older than a category.
    """
    slugs = CookieCategory.objects.filter(is_required=False).values_list("slug", flat=True)
    return reduce(
        or_,
        (Q(choices__has_key=slug, **{f"choices__{slug}": True}) for slug in slugs),
        Q(pk__isnull=True),
    )


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
        records = (
            ConsentRecord.objects.annotate(week=TruncWeek("created_at"))
            .values("week", "policy_version__number")
            .annotate(total=Count("id"), accepted=Count("id", filter=_accepted_optional()))
            .order_by()
        )
        for row in records:
            week = timezone.localtime(row["week"]).date()
            counts[week, row["policy_version__number"]].update(
                total=row["total"], accepted=row["accepted"]
            )
        # Weeks whose records the retention rule has deleted live on as counts.
        kept = WeeklyConsentCount.objects.values(
            "week", "policy_version", "optional_accepted"
        ).annotate(total=Sum("count"))
        for row in kept:
            counts[row["week"], row["policy_version"]].update(
                total=row["total"], accepted=row["total"] if row["optional_accepted"] else 0
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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="samtyckesposter.csv"'
        response.write(_records_csv(queryset))
        return response

    @admin.action(description=_("Export for a supervisory authority (selected period)"))
    def export_for_authority(self, request, queryset):
        """Records, the policy texts they refer to, cookies in force and the script log."""
        records = queryset.select_related("policy_version", "texts").order_by("id")
        first = records.first()
        since = first.created_at if first else timezone.now() - timedelta(days=365)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
            pack.writestr("samtyckesposter.csv", _records_csv(records))
            texts = {r.texts.sha256: r.texts.snapshot for r in records}
            pack.writestr("policytexter.json", _json(texts))
            versions = PolicyVersion.objects.select_related("texts").order_by("number")
            pack.writestr(
                "policyversioner.json",
                _json(
                    [
                        {
                            "version": v.number,
                            "created_at": v.created_at,
                            "change_note": v.change_note,
                            "texts_sha256": v.texts.sha256,
                            "texts": v.texts.snapshot,
                        }
                        for v in versions
                    ]
                ),
            )
            cookies = Cookie.objects.select_related("category")
            pack.writestr(
                "cookiedeklarationer.json",
                _json(
                    [
                        {
                            "category": c.category.name,
                            "name": c.name,
                            "provider": c.provider,
                            "purpose": c.purpose,
                            "duration": c.duration,
                        }
                        for c in cookies
                    ]
                ),
            )
            changes = GatedScript.history.filter(history_date__gte=since).select_related(
                "history_user"
            )
            pack.writestr(
                "skriptlogg.json",
                _json(
                    [
                        {
                            "time": h.history_date,
                            "user": h.history_user.get_username() if h.history_user else None,
                            "change": h.get_history_type_display(),
                            "name": h.name,
                            "src": h.src,
                            "code": h.code,
                            "is_active": h.is_active,
                        }
                        for h in changes.order_by("history_date")
                    ]
                ),
            )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="samtycke-tillsyn.zip"'
        return response


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _records_csv(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "consent_id",
            "created_at",
            "policy_version",
            "texts_sha256",
            "method",
            "choices",
            "previous_hash",
            "record_hash",
        ]
    )
    for r in records.select_related("policy_version", "texts"):
        writer.writerow(
            [
                r.consent_id,
                r.created_at.isoformat(),
                r.policy_version.number,
                r.texts.sha256,
                r.method,
                json.dumps(r.choices, sort_keys=True),
                r.previous_hash,
                r.record_hash,
            ]
        )
    return out.getvalue()


@admin.register(WeeklyConsentCount)
class WeeklyConsentCountAdmin(admin.ModelAdmin):
    list_display = ("week", "policy_version", "method", "optional_accepted", "count")
    list_filter = ("policy_version", "method")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
