from django.contrib import admin
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from adda_site.writing_help import WritingHelpAdminMixin

from .models import (
    AccessibilityReport,
    AccessibilityStatement,
    BurdenExemption,
    InaccessibleContent,
    Page,
)


@admin.register(Page)
class PageAdmin(WritingHelpAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "updated_at")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title",)
    fields = ("title", "slug", "description", "body")
    # A page has no lead: its description is for search engines.
    writing_help_lead_field = None

    class Media:
        # Asks before leaving the form with unsaved changes.
        js = ["js/admin-unsaved.js"]


class InaccessibleContentInline(admin.StackedInline):
    model = InaccessibleContent
    extra = 0


class BurdenExemptionInline(admin.StackedInline):
    model = BurdenExemption
    extra = 0


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):
    list_display = ("__str__", "compliance", "updated_on")
    inlines = [InaccessibleContentInline, BurdenExemptionInline]
    radio_fields = {"compliance": admin.VERTICAL, "assessment_method": admin.VERTICAL}
    fieldsets = [
        (None, {"fields": ("organisation", "service", "compliance")}),
        (
            _("Assessment"),
            {
                "fields": (
                    "assessed_on",
                    "assessment_method",
                    "assessed_by",
                    "assessment_details",
                    "published_on",
                    "updated_on",
                )
            },
        ),
        (
            _("Contact and supervision"),
            {"fields": ("contact_email", "contact_phone", "response_time", "digg_report_url")},
        ),
        (None, {"fields": ("out_of_scope",)}),
    ]

    def has_add_permission(self, request):
        # The site has one statement.
        return super().has_add_permission(request) and not AccessibilityStatement.objects.exists()

    def changelist_view(self, request, extra_context=None):
        # A list of one: go straight to the statement.
        statement = AccessibilityStatement.objects.first()
        if statement is not None and self.has_view_or_change_permission(request, statement):
            return redirect("admin:pages_accessibilitystatement_change", statement.pk)
        return super().changelist_view(request, extra_context)


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "page", "name", "email", "status", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("problem", "page", "name", "email")
    date_hierarchy = "created_at"
    fields = ("problem", "page", "name", "email", "created_at", "status", "note")
    # What the visitor sent is kept as sent; editors set the status and note what they did.
    readonly_fields = ("problem", "page", "name", "email", "created_at")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("problem or request"))
    def excerpt(self, obj):
        return Truncator(obj.problem).chars(80)
