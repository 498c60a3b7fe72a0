from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import filepath_to_uri
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from adda_site.writing_help import WritingHelpAdminMixin

from . import chooser
from .focal_point import FocalPointAdminMixin
from .history_admin import ArticleForm, ReviewFilter, VersionsAdminMixin
from .models import Article, ArticleVersionFields, Category, FormerSlug, Image


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class VisibilityFilter(admin.SimpleListFilter):
    """What visitors see now (Article.Visibility), from the status and the times."""

    title = _("visible on the site")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return Article.Visibility.choices

    def queryset(self, request, queryset):
        match self.value():
            case Article.Visibility.DRAFT:
                return queryset.drafts()
            case Article.Visibility.SCHEDULED:
                return queryset.scheduled()
            case Article.Visibility.PUBLISHED:
                return queryset.published()
            case Article.Visibility.EXPIRED:
                return queryset.expired()
        return queryset


class StatusFilter(admin.ChoicesFieldListFilter):
    """What the editor set (Article.Status), whatever the times say."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("status set by the editor")


class FormerSlugInline(admin.TabularInline):
    model = FormerSlug
    extra = 0
    fields = ("slug",)
    readonly_fields = ("slug",)
    verbose_name_plural = _("former addresses (redirect here)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(WritingHelpAdminMixin, VersionsAdminMixin, admin.ModelAdmin):
    form = ArticleForm
    list_display = (
        "title",
        "visibility_label",
        "review_label",
        "published_at",
        "category_names",
        "site_link",
    )
    list_filter = (VisibilityFilter, ReviewFilter, ("status", StatusFilter), "categories")
    search_fields = ("title",)
    date_hierarchy = "published_at"
    ordering = ("-published_at",)
    prepopulated_fields = {"slug": ("title",)}
    # Check boxes rather than Django's two-box filter: a site has a handful of categories,
    # each box has its own label, and the form works the same without JavaScript.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    # Django's lookup popup: it searches the image bank by description and can upload a
    # new image in place (with its alt text) without leaving the article.
    raw_id_fields = ("hero",)
    inlines = [FormerSlugInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ("title", "slug", "lead", "body")}),
        (_("Hero image"), {"fields": ("hero",)}),
        (_("Search engines and sharing"), {"fields": ("seo_description",)}),
        (_("Correction"), {"fields": ("correction_note",)}),
        (
            _("Publishing"),
            {
                "fields": (
                    "categories",
                    "status",
                    "published_at",
                    "unpublish_at",
                    "comments_enabled",
                )
            },
        ),
        (_("Version"), {"fields": ("checkpoint_name",)}),
    ]

    class Media:
        # Asks before leaving the form with unsaved changes.
        # The body editor's image button and the hero field open the image chooser.
        js = ["js/admin-unsaved.js", chooser.CHOOSER_SCRIPT]
        css = {"all": ["css/admin-image-chooser.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories").with_waiting_change()

    def writing_help_image_alt_texts(self, obj):
        # The hero's alt text is the image bank's, checked like those in the body.
        return [obj.hero.alt] if obj.hero else []

    def get_urls(self):
        return [
            path(
                "<int:pk>/forhandsgranska/",
                self.admin_site.admin_view(self.preview),
                name="news_article_preview",
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.visibility == Article.Visibility.PUBLISHED else None

    def preview(self, request, pk):
        article = get_object_or_404(self.get_queryset(request).select_related("hero"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        response = TemplateResponse(
            request, "news/article_detail.html", {"article": article, "is_preview": True}
        )
        response["X-Robots-Tag"] = "noindex"
        add_never_cache_headers(response)
        return response

    @admin.display(description=_("visible on the site"))
    def visibility_label(self, obj):
        return obj.visibility.label

    @admin.display(description=_("review"))
    def review_label(self, obj):
        if obj.status == Article.Status.REVIEW:
            return Article.Status.REVIEW.label
        if obj.has_waiting_change:
            return gettext("change waiting for review")
        return ""

    @admin.display(description=_("categories"))
    def category_names(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    @admin.display(description=_("on the site"))
    def site_link(self, obj):
        if obj.visibility == Article.Visibility.PUBLISHED:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View"))
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:news_article_preview", args=[obj.pk]),
            _("Preview"),
        )

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Turn selected articles into drafts"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext(
                "%(count)d article is now a draft.", "%(count)d articles are now drafts.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Image)
class ImageAdmin(FocalPointAdminMixin, admin.ModelAdmin):
    list_display = ("description", "address", "width", "height", "uploaded_at")
    search_fields = ("description", "alt_text")
    readonly_fields = ("address", "width", "height")

    def has_change_permission(self, request, obj=None):
        # What an image shows is what published articles show: its file, alt text and
        # focal point. Those who may not publish change it only while no published article
        # shows it; they see it read-only after that, as their edits to a published
        # article wait for review.
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("news.publish_article"):
            return True
        return not obj.shown_by_a_published_article

    @admin.display(description=_("address to use in the text"))
    def address(self, obj):
        return format_html("<code>{}</code>", obj.file.url) if obj.file else ""

    def get_urls(self):
        # The chooser of the article form (news.chooser), behind the admin's login.
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        return [
            path("valj/", view(chooser.search), name="news_image_chooser"),
            path("valj/ladda-upp/", view(chooser.upload), name="news_image_chooser_upload"),
            path("valj/<int:pk>/", view(chooser.chosen), name="news_image_chosen"),
            *super().get_urls(),
        ]

    def get_deleted_objects(self, objs, request):
        # An image goes with its file and renditions: the articles showing it would show a
        # broken image. Django's delete page lists them as protected and refuses, as it
        # does for a foreign key with on_delete=PROTECT.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            protected += [
                format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(Article._meta.verbose_name),
                    reverse(f"{self.admin_site.name}:news_article_change", args=[article.pk]),
                    article,
                )
                # Its heroes are listed by Django already: the hero's key protects it.
                for article in Article.objects.with_image(image.file.name)
                .exclude(hero=image)
                .only("title")
            ]
            # A change waiting for review that shows it would be published with a broken
            # image, or without its hero.
            protected += [
                format_html(
                    '{}: <a href="{}">{}</a>',
                    gettext("Change waiting for review"),
                    reverse(f"{self.admin_site.name}:news_article_change", args=[version.id]),
                    version.title,
                )
                for version in Article.history.filter(
                    Q(hero_id=image.pk) | Q(body__contains=filepath_to_uri(image.file.name)),
                    review=ArticleVersionFields.Review.WAITING,
                ).only("id", "title")
            ]
        return deleted, model_count, perms_needed, protected
