import json

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import BlockedWord, Comment, CommentRules


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "name", "email", "article", "status", "created_at")
    # "E-mail to the editors not sent yet": what send_comment_notifications will retry.
    list_filter = (
        "status",
        ("article", admin.RelatedOnlyFieldListFilter),
        "has_unsent_notification",
    )
    search_fields = ("text", "name", "email")
    list_select_related = ("article",)
    date_hierarchy = "created_at"
    actions = ["publish", "reject", "mark_spam", "export_by_email", "erase_by_email"]
    readonly_fields = (
        "article",
        "name",
        "email",
        "text",
        "created_at",
        "moderated_at",
        "spam_reason",
        "replied_at",
        "has_unsent_notification",
    )
    fields = (
        "article",
        "name",
        "email",
        "text",
        "created_at",
        "status",
        "moderated_at",
        "spam_reason",
        "reply",
        "replied_at",
        "has_unsent_notification",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.text).chars(80)

    def save_model(self, request, obj, form, change):
        if "reply" in form.changed_data:
            obj.replied_at = timezone.now() if obj.reply else None
        if "status" in form.changed_data:
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def _report(self, request, message, count):
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self._report(
            request,
            ngettext("%(count)d comment published.", "%(count)d comments published.", count),
            count,
        )

    @admin.action(description=_("Reject selected comments"), permissions=["change"])
    def reject(self, request, queryset):
        count = queryset.reject()
        self._report(
            request,
            ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", count),
            count,
        )

    @admin.action(description=_("Mark selected as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        count = queryset.mark_spam()
        self._report(
            request,
            ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count
            ),
            count,
        )

    def _emails(self, queryset) -> set[str]:
        return {email.lower() for email in queryset.values_list("email", flat=True)}

    @admin.action(
        description=_("Export all comments from the selected comments' e-mail addresses"),
        permissions=["view"],
    )
    def export_by_email(self, request, queryset):
        emails = self._emails(queryset)
        data = {
            email: [c.export() for c in Comment.objects.by_email(email).select_related("article")]
            for email in sorted(emails)
        }
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="kommentarer-export.json"'
        return response

    @admin.action(
        description=_("Erase all comments from the selected comments' e-mail addresses"),
        permissions=["delete"],
    )
    def erase_by_email(self, request, queryset):
        count = 0
        # All the addresses or none: a data subject's erasure is never left half done.
        with transaction.atomic():
            for email in self._emails(queryset):
                count += Comment.objects.by_email(email).delete()[0]
        self._report(
            request,
            ngettext("%(count)d comment erased.", "%(count)d comments erased.", count),
            count,
        )


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ("phrase",)
    search_fields = ("phrase",)


@admin.register(CommentRules)
class CommentRulesAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request):
        # One set of rules; adding it still needs the permission to.
        return super().has_add_permission(request) and not CommentRules.objects.exists()
