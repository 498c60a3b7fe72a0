from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .forms import ReviewLinkCreationForm, ReviewLinkForm
from .models import ReviewLink


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ReviewLink.State.choices

    def queryset(self, request, queryset):
        match self.value():
            case ReviewLink.State.ACTIVE:
                return queryset.active()
            case ReviewLink.State.EXPIRED:
                return queryset.expired()
            case ReviewLink.State.REVOKED:
                return queryset.revoked()
        return queryset


@admin.register(ReviewLink)
class ReviewLinkAdmin(admin.ModelAdmin):
    list_display = ("article", "note", "state_label", "expires_at", "created_by", "review_page")
    list_filter = (StateFilter, "created_at")
    list_select_related = ("article", "created_by")
    search_fields = ("article__title", "note")
    autocomplete_fields = ("article",)
    actions = ["revoke"]
    add_fieldsets = [(None, {"fields": ("article", "valid_days", "note")})]
    fieldsets = [
        (None, {"fields": ("article", "link", "state_label", "note", "expires_at", "revoke")}),
        (None, {"fields": ("created_by", "created_at", "revoked_at")}),
    ]
    readonly_fields = ("article", "link", "state_label", "created_by", "created_at", "revoked_at")

    def has_add_permission(self, request):
        # The link shows the article: only for those who may read articles in the admin.
        return super().has_add_permission(request) and request.user.has_perm("news.view_article")

    def get_queryset(self, request):
        # Skribenter see, extend and withdraw the links they made; those who may publish
        # manage everyone's.
        links = super().get_queryset(request)
        if request.user.has_perm("news.publish_article"):
            return links
        return links.filter(created_by=request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if obj.revoked_at is not None:
            # Withdrawn for good: nothing left to revoke.
            return [
                (name, {"fields": [f for f in options["fields"] if f != "revoke"]})
                for name, options in self.fieldsets
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ReviewLinkForm if obj else ReviewLinkCreationForm
        # The form declares its own fields beside the model's (valid_days, revoke).
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if f not in self.get_readonly_fields(request, obj)]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            gettext("Send this address to the person who is to review the article: %(address)s")
            % {"address": obj.address},
            messages.INFO,
        )
        return response

    def response_post_save_add(self, request, obj):
        # To the link's own page, where its address is shown to copy.
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:reviews_reviewlink_change", args=[obj.pk])
        )

    @admin.display(description=_("state"))
    def state_label(self, obj):
        return obj.state.label

    @admin.display(description=_("address"))
    def link(self, obj):
        if obj.state != ReviewLink.State.ACTIVE:
            return "–"
        return format_html('<a href="{}">{}</a>', obj.address, obj.address)

    @admin.display(description=_("review page"))
    def review_page(self, obj):
        # The full address is long: it is shown on the link's own page, to copy.
        if obj.state != ReviewLink.State.ACTIVE:
            return "–"
        return format_html('<a href="{}">{}</a>', obj.address, _("Open"))

    @admin.action(description=_("Revoke selected review links"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.revoke()
        self.message_user(
            request,
            ngettext("%(count)d review link revoked.", "%(count)d review links revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
