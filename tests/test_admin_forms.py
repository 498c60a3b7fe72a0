"""Every admin form opens and saves for the people who use it.

For each model in the admin, with the demo content loaded, a superuser, a member of
"Redaktörer" and a member of "Skribenter" open the add form and the change form of a few
objects (always those with files) and send them back as a browser would: unchanged, and
with one text changed. The answer must be a redirect, the form again with errors a person
can act on, or 403 where the user may not do that; never a server error.
"""

import html
import io
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.db.models import ProtectedError
from django.forms.models import model_to_dict
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage
from pytest_django.asserts import assertContains

from adda_site import groups
from news import history
from news.models import Article, Image

ROLES = ["superuser", "editor", "writer"]
# A few objects per model keep the run short; objects with files are always among them.
OBJECTS_PER_MODEL = 3
CHANGED_SUFFIX = " (ändrad)"
UNCHANGED, CHANGED = STEPS = ("unchanged", "one text changed")


def registered_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


# Form parsing: what a browser sends


class BrowserForm(HTMLParser):
    """The controls of one <form> and what a browser submits for them, without JavaScript."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.found = False
        self.pairs: list[tuple[str, str]] = []
        self.submit_names: list[str] = []
        self._in_form = False
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("id") == self.form_id
            self.found = self.found or self._in_form
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
                "disabled": "disabled" in attrs,
            }
            self._select["options"].append(self._option)
        # Disabled controls and controls without a name are not sent.
        if not name or "disabled" in attrs:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self.submit_names.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
            # An untouched file input sends no file.
            elif kind not in ("file", "button", "reset"):
                self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            self.submit_names.append(name)
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "textarea":
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            # HTML drops the line break that follows <textarea>, and Django writes one.
            self.pairs.append((self._textarea["name"], text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = [o for o in self._select["options"] if not o["disabled"]]
            chosen = [o for o in options if o["selected"]]
            if not self._select["multiple"]:
                # A single select without a selected option sends its first option.
                chosen = chosen[-1:] or options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.pairs.append((self._select["name"], value))
            self._select = None


def browser_data(response, model: type[models.Model]) -> dict[str, str | list[str]]:
    parser = BrowserForm(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    parser.close()
    assert parser.found, "the page has no admin form"
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    if "_save" in parser.submit_names:
        data["_save"] = [""]
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def change_first_text(response, data: dict) -> str | None:
    """Change the first editable CharField/TextField of the form; return its name."""
    form = response.context["adminform"].form
    for fieldset in response.context["adminform"]:
        for line in fieldset:
            for admin_field in line:
                if admin_field.is_readonly:
                    continue
                bound = admin_field.field
                field = bound.field
                if type(field) is not forms.CharField or bound.name not in form.fields:
                    continue
                if bound.is_hidden or bound.html_name not in data:
                    continue
                current = data[bound.html_name]
                limit = field.max_length or len(current) + len(CHANGED_SUFFIX)
                changed = current[: limit - len(CHANGED_SUFFIX)] + CHANGED_SUFFIX
                # Stripped as the form field strips it, so the saved value can be compared.
                data[bound.html_name] = changed.strip()
                return bound.name
    return None


# Errors a person can act on


def shown_errors(response) -> list[str]:
    messages = []
    form = response.context["adminform"].form
    for errors in form.errors.values():
        messages.extend(errors)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        messages.extend(formset.non_form_errors())
        for errors in formset.errors:
            for field_errors in errors.values():
                messages.extend(field_errors)
    return [str(message) for message in messages]


def assert_acceptable(response, *, expected_forbidden: bool, where: str) -> str:
    if expected_forbidden:
        assert response.status_code == 403, f"{where}: expected 403, got {response.status_code}"
        return "forbidden"
    if response.status_code == 302:
        return "saved"
    assert response.status_code == 200, f"{where}: unexpected status {response.status_code}"
    errors = shown_errors(response)
    assert errors, f"{where}: the form came back without any error to act on"
    page = response.content.decode()
    hidden = [message for message in errors if html.escape(message) not in page]
    assert not hidden, f"{where}: errors not shown on the page: {hidden}; all errors: {errors}"
    assert all(message.strip() for message in errors), f"{where}: empty error text: {errors}"
    return f"errors: {errors}"


# Objects and users


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def media_root(settings, demo_media):
    """Overrides the conftest fixture: the demo images, made once, are in demo_media."""
    settings.MEDIA_ROOT = demo_media
    return demo_media


def existing_pks() -> dict[type[models.Model], set]:
    return {
        model: set(model._base_manager.values_list("pk", flat=True))
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker, demo_media):
    """The demo news plus one object of each admin model that has none, made once for the
    module: the images and renditions take seconds. Each test runs in a transaction that
    is rolled back; what this made is deleted at the end."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        before = existing_pks()
        call_command("load_demo_content", verbosity=0)
        add_one_of_each()
        yield
        # Newest models first, so rows are mostly deleted before the rows they protect;
        # those still protected (an image bank image an article shows as its hero, the
        # image being defined after the article) go in a later round.
        remaining = list(reversed(apps.get_models(include_auto_created=True)))
        while remaining:
            protected = []
            for model in remaining:
                try:
                    model._base_manager.exclude(pk__in=before[model]).delete()
                except ProtectedError:
                    protected.append(model)
            assert len(protected) < len(remaining), protected
            remaining = protected


def add_one_of_each() -> None:
    from comments.models import BlockedWord, Comment
    from consent.cookie import append_record
    from consent.models import ConsentRecord, CookieCategory, GatedScript, WeeklyConsentCount
    from consent.policy import current_policy
    from pages.models import AccessibilityReport

    article = Article.objects.filter(hero__isnull=False).first()
    Comment.objects.create(
        article=article, name="Anna Andersson", email="anna@example.se", text="Bra initiativ."
    )
    BlockedWord.objects.get_or_create(phrase="kasino")
    GatedScript.objects.create(
        name="Kartor",
        category=CookieCategory.objects.get(slug="statistik"),
        src="https://cdn.example.net/kartor.js",
    )
    append_record(
        consent_id="0" * 32,
        allowed=frozenset({"statistik"}),
        method=ConsentRecord.Method.BANNER_ACCEPT,
        policy=current_policy(),
    )
    WeeklyConsentCount.objects.create(
        week=timezone.localdate(),
        policy_version=1,
        method=ConsentRecord.Method.BANNER_ACCEPT,
        optional_accepted=True,
        count=3,
    )
    AccessibilityReport.objects.create(problem="Knappen Sök går inte att nå med tangentbordet.")


def objects_to_open(model: type[models.Model]) -> list[models.Model]:
    """A few objects: two with each kind of file, then some without any."""
    objects = model._default_manager.order_by("pk")
    file_fields = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
    chosen = []
    for name in file_fields:
        chosen.extend(objects.exclude(**{name: ""})[:2])
    without_files = objects.filter(**dict.fromkeys(file_fields, ""))
    return chosen + list(without_files[: max(OBJECTS_PER_MODEL - len(chosen), 1)])


@pytest.fixture
def writer(django_user_model):
    """A member of "Skribenter", who writes but does not publish."""
    user = django_user_model.objects.create_user("skribent", is_staff=True)
    user.groups.add(Group.objects.get(name=groups.WRITERS))
    return user


@pytest.fixture
def user(request, admin_user, editor, writer):
    return {"superuser": admin_user, "editor": editor, "writer": writer}[request.param]


def form_pages(model: type[models.Model]) -> list[tuple[str, models.Model | None]]:
    opts = model._meta
    pages = [(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), None)]
    for obj in objects_to_open(model):
        pages.append(
            (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), obj)
        )
    return pages


def permissions(model_admin, user, url: str, obj) -> tuple[bool, bool]:
    """Whether the user may open the form, and whether they may save it."""
    request = RequestFactory().get(url)
    request.user = user
    if obj is None:
        may_add = model_admin.has_add_permission(request)
        return may_add, may_add
    return (
        model_admin.has_view_or_change_permission(request, obj),
        model_admin.has_change_permission(request, obj),
    )


def send(method, url: str, data=None, *, where: str):
    try:
        return method(url, data)
    except Exception as error:
        raise AssertionError(f"{where}: server error {error!r}") from error


def form_values(obj: models.Model, names: list[str]) -> dict:
    values = model_to_dict(obj, fields=names)
    # The admin's date and time inputs show whole seconds.
    return {
        name: value.replace(microsecond=0) if isinstance(value, datetime) else value
        for name, value in values.items()
    }


# The tests


def test_article_with_hero_image_saves_with_only_its_title_changed(demo_content, editor_client):
    article = Article.objects.filter(hero__isnull=False).first()
    url = reverse("admin:news_article_change", args=[article.pk])
    data = browser_data(editor_client.get(url), Article)
    data["title"] = "Ny rubrik"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Ny rubrik"
    assert article.hero.file.storage.exists(article.hero.file.name)


def test_replacing_a_hero_image_still_checks_the_new_upload(demo_content, editor_client):
    hero = Article.objects.filter(hero__isnull=False).first().hero
    url = reverse("admin:news_image_change", args=[hero.pk])
    data = browser_data(editor_client.get(url), Image)
    buffer = io.BytesIO()
    PillowImage.new("1", (8000, 6000)).save(buffer, "PNG")
    data["file"] = SimpleUploadedFile("stor.png", buffer.getvalue(), "image/png")
    response = editor_client.post(url, data)
    assertContains(response, "Bilden har för många pixlar: högst 40 megapixlar är tillåtet.")
    assert Image.objects.get(pk=hero.pk).file == hero.file


@pytest.mark.parametrize("user", ROLES, indirect=True)
@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_admin_form_opens_and_saves_without_server_error(demo_content, client, user, model):
    client.force_login(user)
    model_admin = admin.site.get_model_admin(model)
    for url, obj in form_pages(model):
        may_open, may_save = permissions(model_admin, user, url, obj)
        # A page the user may not save has nothing to change.
        for step in STEPS if may_save else STEPS[:1]:
            where = f"{model._meta.label} {obj!r} as {user.username}, {step}, {url}"
            response = send(client.get, url, where=f"{where}, GET")
            if not may_open:
                assert response.status_code == 403, f"{where}: GET gave {response.status_code}"
                data, shown = {}, []
            else:
                assert response.status_code == 200, f"{where}: GET gave {response.status_code}"
                data = browser_data(response, model)
                shown = list(response.context["adminform"].form.fields)
            changed = None
            if step == CHANGED:
                changed = change_first_text(response, data)
                if changed is None:
                    continue
            response = send(client.post, url, data, where=f"{where}, POST")
            outcome = assert_acceptable(
                response, expected_forbidden=not may_save, where=f"{where}, POST"
            )
            if obj is None or outcome != "saved":
                continue
            saved = model._default_manager.get(pk=obj.pk)
            if model is Article:
                # A writer's change to a published article waits for review: the form
                # shows it from then on, visitors not yet.
                saved = history.working_copy(saved)
            if step == UNCHANGED:
                assert form_values(saved, shown) == form_values(obj, shown), (
                    f"{where}: saving the form unchanged changed the object"
                )
            else:
                assert getattr(saved, changed) == data[changed], f"{where}: {changed} not saved"
