"""The admin side of an article's versions (news.history): the form that refuses a save
over someone else's, the history page, comparing and restoring versions, and the review
of changes by those who may not publish ("Skribenter")."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import compare, history
from .models import Article

Review = history.Review


def editor_name(user) -> str:
    if user is None:
        return gettext("unknown")
    return user.get_full_name() or user.get_username()


def saved_when(version) -> str:
    return date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")


class ArticleForm(forms.ModelForm):
    """The article form, which knows the version of the article it shows: a save from a
    form opened before someone else's save is refused, and both texts are kept."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    checkpoint_name = forms.CharField(
        label=_("Name this version"),
        max_length=100,
        required=False,
        help_text=_(
            "Optional: a name such as “Sent to the director” makes the version easy to find "
            "in the history."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The newest version, when someone else saved after this form was opened.
        self.conflict = None
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.version
            waiting = getattr(self.instance, "waiting_version", None)
            if waiting and "categories" in self.fields:
                self.initial["categories"] = history.category_ids(waiting)

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        # A request without the number (a script, not this form) is not checked.
        if self.instance.pk and loaded is not None:
            current = history.current_number(self.instance.pk)
            if current is not None and current != loaded:
                self.refuse_as_conflict(current)
        return cleaned_data

    def refuse_as_conflict(self, current: int) -> None:
        self.conflict = history.versions(self.instance.pk).select_related("history_user").first()
        # The form now carries the number it was refused for: saving again is a choice
        # made knowing the other text.
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = str(current)
        self.data = data
        if self.conflict is None:
            message = gettext(
                "Someone else saved the article after you opened it. Your changes have not "
                "been saved, but they are still in the form: open the article in another tab "
                "to see the saved text, take what you want to keep from it and save again."
            )
        elif self.conflict.history_user is None:
            message = gettext(
                "The article was saved %(time)s, after you opened it. Your changes have not "
                "been saved, but they are still in the form. The saved text is shown below "
                "the form: take what you want to keep from it and save again."
            ) % {"time": saved_when(self.conflict)}
        else:
            message = gettext(
                "%(user)s saved the article %(time)s, after you opened it. Your changes have "
                "not been saved, but they are still in the form. The saved text is shown "
                "below the form: take what you want to keep from it and save again."
            ) % {"user": editor_name(self.conflict.history_user), "time": saved_when(self.conflict)}
        raise ValidationError(message, code="conflict")


class VersionsForm(forms.Form):
    """Which two versions to compare: from one ("fran") to the other ("till")."""

    fran = forms.IntegerField()
    till = forms.IntegerField()


class VersionNameForm(forms.Form):
    checkpoint_name = forms.CharField(
        label=_("Name of the version"), max_length=100, required=False
    )


class ReviewFilter(admin.SimpleListFilter):
    """What waits for someone who may publish: articles submitted for review, and
    published articles with a change waiting."""

    title = _("review")
    parameter_name = "granskning"
    WAITING = "vantar"

    def lookups(self, request, model_admin):
        return [(self.WAITING, _("Waiting for review"))]

    def queryset(self, request, queryset):
        if self.value() == self.WAITING:
            return queryset.waiting_for_review()
        return queryset


class VersionsAdminMixin:
    """An article's history in the admin, and who may publish.

    Every save keeps one version. The history page replaces the admin's own (a list of
    log entries); restoring is a POST of its own, checked like a save: the user must be
    allowed to change the article, and to publish it to publish it, and the content
    must pass the model's checks, so no one gets around the form's rules through the
    history (the hole django-simple-history's revert form has: consent.admin).

    Those without the permission "publish_article" choose only "draft" and "waiting for
    review", and their changes to a published article wait for review as a version,
    while visitors keep seeing the article as it is.
    """

    change_form_template = "admin/news/article/change_form_versions.html"

    def get_urls(self):
        def view(function, name):
            return {"view": self.admin_site.admin_view(function), "name": f"news_article_{name}"}

        return [
            path("<int:pk>/historik/jamfor/", **view(self.compare_view, "compare")),
            path(
                "<int:pk>/historik/<int:version_id>/aterstall/",
                **view(self.restore_view, "restore"),
            ),
            path(
                "<int:pk>/historik/<int:version_id>/namn/",
                **view(self.name_version_view, "name_version"),
            ),
            path("<int:pk>/historik/kasta/", **view(self.discard_view, "discard")),
            *super().get_urls(),
        ]

    # Who may publish

    def has_publish_permission(self, request, obj=None) -> bool:
        codename = get_permission_codename("publish", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Those who may not publish may not unpublish either: their changes to a published
        # article wait for review instead.
        if (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and not self.has_publish_permission(request)
        ):
            return (*fields, "status")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # Saving

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        return history.working_copy(article) if article is not None else None

    def save_model(self, request, obj, form, change):
        may_publish = self.has_publish_permission(request)
        if change and not may_publish:
            # The row is locked since the form checked its version (ArticleForm.clean).
            saved = Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if saved == Article.Status.PUBLISHED:
                obj.left_waiting = form.has_changed()
                if obj.left_waiting:
                    obj.waiting_version = history.leave_waiting(
                        obj,
                        user=request.user,
                        categories=form.cleaned_data["categories"],
                        checkpoint_name=form.cleaned_data["checkpoint_name"],
                    )
                return
        if obj.status == Article.Status.PUBLISHED and not may_publish:
            # The form offers no such status to them: a crafted request.
            raise PermissionDenied
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        article = form.instance
        if hasattr(article, "left_waiting"):
            # Nothing but the change is kept; the admin's log reads what formsets saved.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        del article.skip_history_when_saving
        # The form showed the change that waited, if any: saved published, it is published.
        waiting = getattr(article, "waiting_version", None)
        history.keep_version(
            article,
            user=request.user,
            history_type="~" if change else "+",
            checkpoint_name=form.cleaned_data["checkpoint_name"],
            published=waiting if article.status == Article.Status.PUBLISHED else None,
        )

    def response_change(self, request, obj):
        if not hasattr(obj, "left_waiting"):
            return super().response_change(request, obj)
        if obj.left_waiting:
            message = gettext(
                "Your change waits for review. Visitors keep seeing the published article "
                "until an editor publishes the change."
            )
        else:
            message = gettext("Nothing was changed, so there is nothing new to review.")
        self.message_user(request, message, messages.SUCCESS)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_publish"] = self.has_publish_permission(request)
        if obj is not None and obj.pk:
            waiting = getattr(obj, "waiting_version", None)
            current = history.saved_versions(obj.pk).first()
            context["waiting_version"] = waiting
            if waiting and current:
                context["review_url"] = self.compare_url(obj, current, waiting)
            if waiting:
                context["waiting_by"] = editor_name(waiting.history_user)
                context["waiting_when"] = saved_when(waiting)
            form = context["adminform"].form if "adminform" in context else None
            if conflict := getattr(form, "conflict", None):
                context |= {
                    "conflict_by": editor_name(conflict.history_user),
                    "conflict_when": saved_when(conflict),
                    "conflict_fields": [
                        (compare.label(name), getattr(conflict, name)) for name in ("title", "lead")
                    ],
                    "conflict_body_label": compare.label("body"),
                    "conflict_body": compare.body_text(conflict.body),
                }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The history

    def article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, str(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def compare_url(self, article, old, new) -> str:
        url = reverse(f"{self.admin_site.name}:news_article_compare", args=[article.pk])
        return f"{url}?{urlencode({'fran': old.history_id, 'till': new.history_id})}"

    def history_view(self, request, object_id, extra_context=None):
        article = self.article_or_404(request, unquote(object_id))
        show_all = request.GET.get("alla") == "1"
        every_version = history.versions(article.pk).select_related("history_user")
        current = history.saved_versions(article.pk).first()
        shown = every_version
        if not show_all:
            # Published versions, named ones, the change waiting and the current one.
            shown = every_version.filter(
                Q(is_published_version=True)
                | ~Q(checkpoint_name="")
                | Q(review=Review.WAITING)
                | Q(history_id=getattr(current, "history_id", None))
            )
        page = Paginator(shown, 50).get_page(request.GET.get("sida"))
        for version in page:
            version.changed_labels = [compare.label(name) for name in version.changed_fields]
            version.by = editor_name(version.history_user)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(title)s") % {"title": article.title},
            "opts": self.opts,
            "article": article,
            "page": page,
            "show_all": show_all,
            "version_count": every_version.count(),
            "current": current,
            "may_change": self.has_change_permission(request, article),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/news/article/history.html", context)

    def compare_view(self, request, pk):
        article = self.article_or_404(request, pk)
        form = VersionsForm(request.GET)
        if not form.is_valid():
            return redirect(f"{self.admin_site.name}:news_article_history", article.pk)
        versions = history.versions(article.pk).select_related("history_user")
        old = get_object_or_404(versions, history_id=form.cleaned_data["fran"])
        new = get_object_or_404(versions, history_id=form.cleaned_data["till"])
        for version in (old, new):
            version.by = editor_name(version.history_user)
        current = history.saved_versions(article.pk).first()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare versions: %(title)s") % {"title": article.title},
            "opts": self.opts,
            "article": article,
            "old": old,
            "new": new,
            "current": current,
            "rows": compare.rows(old, new),
            "body_changed": old.body != new.body,
            "body_diff": compare.body_diff(old.body, new.body),
            "may_change": self.has_change_permission(request, article),
            "may_publish": self.has_publish_permission(request),
            "is_published": Article.objects.filter(
                pk=article.pk, status=Article.Status.PUBLISHED
            ).exists(),
            "name_form": VersionNameForm(initial={"checkpoint_name": new.checkpoint_name}),
        }
        return TemplateResponse(request, "admin/news/article/compare.html", context)

    @method_decorator(require_POST)
    def restore_view(self, request, pk, version_id):
        article = self.article_or_404(request, pk)
        publish = "publicera" in request.POST
        if not self.has_change_permission(request, article) or (
            publish and not self.has_publish_permission(request)
        ):
            raise PermissionDenied
        version = get_object_or_404(history.versions(article.pk), history_id=version_id)
        try:
            new, has_image = history.restore(version, user=request.user, publish=publish)
        except ValidationError as error:
            self.message_user(
                request,
                gettext("The version could not be restored: %(errors)s")
                % {"errors": " ".join(error.messages)},
                messages.ERROR,
            )
            current = history.saved_versions(article.pk).first() or version
            return redirect(self.compare_url(article, current, version))
        if new.review == Review.WAITING:
            message = gettext(
                "Version %(number)s is restored as a change waiting for review: visitors "
                "keep seeing the published article until it is published."
            )
        elif publish:
            message = gettext("Version %(number)s is published again.")
        else:
            message = gettext("Version %(number)s is restored as a draft.")
        self.message_user(request, message % {"number": version.version}, messages.SUCCESS)
        if not has_image:
            self.message_user(
                request,
                gettext(
                    "The hero image of that version is no longer stored: the article keeps "
                    "its current image."
                ),
                messages.WARNING,
            )
        return redirect(f"{self.admin_site.name}:news_article_change", article.pk)

    @method_decorator(require_POST)
    def name_version_view(self, request, pk, version_id):
        article = self.article_or_404(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(history.versions(article.pk), history_id=version_id)
        form = VersionNameForm(request.POST)
        if form.is_valid():
            history.name_version(version, form.cleaned_data["checkpoint_name"])
            self.message_user(request, gettext("The name of the version is saved."))
        else:
            self.message_user(request, " ".join(form.errors["checkpoint_name"]), messages.ERROR)
        return redirect(f"{self.admin_site.name}:news_article_history", article.pk)

    @method_decorator(require_POST)
    def discard_view(self, request, pk):
        article = self.article_or_404(request, pk)
        if not (
            self.has_change_permission(request, article) and self.has_publish_permission(request)
        ):
            raise PermissionDenied
        if history.discard_waiting(article):
            self.message_user(
                request,
                gettext("The change is discarded; the article stays as visitors see it."),
                messages.SUCCESS,
            )
        return redirect(f"{self.admin_site.name}:news_article_change", article.pk)
