"""The article form kept while the editor types, and offered back after a crash."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from test_admin_forms import browser_data

from autosave.models import KeptForm
from news import history
from news.models import Article

ADD_URL = "/admin/news/article/add/"
NEW_KEEP_URL = "/admin/autosave/artikel/ny/"


def change_url(article) -> str:
    return f"/admin/news/article/{article.pk}/change/"


def keep_url(article) -> str:
    return f"/admin/autosave/artikel/{article.pk}/"


@pytest.fixture
def draft(make_article):
    return make_article("Utkast om upphandling", status=Article.Status.DRAFT)


@pytest.fixture
def second_editor(editor, django_user_model):
    user = django_user_model.objects.create_user("redaktor2", password="x", is_staff=True)
    user.groups.set(editor.groups.all())
    return user


@pytest.fixture
def kept(editor_client, editor, draft):
    """The editor typed a new title; the form was kept, the article not saved."""
    data = browser_data(editor_client.get(change_url(draft)), Article)
    data["title"] = "Upphandling av ny it-plattform"
    assert editor_client.post(keep_url(draft), data).status_code == 204
    return KeptForm.objects.get(user=editor, article=draft)


# Keeping


def test_the_open_form_is_kept_without_saving_the_article(editor_client, draft):
    versions = history.versions(draft.pk).count()
    response = editor_client.post(keep_url(draft), {"title": "Ny rubrik", "lead": "Ny ingress"})
    assert response.status_code == 204
    kept = KeptForm.objects.get()
    assert kept.fields == {"title": ["Ny rubrik"], "lead": ["Ny ingress"]}
    draft.refresh_from_db()
    assert draft.title == "Utkast om upphandling"
    assert history.versions(draft.pk).count() == versions


def test_keeping_again_replaces_the_editors_kept_form(editor_client, draft):
    editor_client.post(keep_url(draft), {"title": "Första"})
    editor_client.post(keep_url(draft), {"title": "Andra"})
    assert list(KeptForm.objects.values_list("fields", flat=True)) == [{"title": ["Andra"]}]


def test_a_new_articles_form_is_kept_once_per_editor(editor_client, editor):
    editor_client.post(NEW_KEEP_URL, {"title": "Första"})
    editor_client.post(NEW_KEEP_URL, {"title": "Andra"})
    kept = KeptForm.objects.get()
    assert (kept.user, kept.article, kept.fields) == (editor, None, {"title": ["Andra"]})


def test_each_editor_has_a_kept_form_of_their_own(editor_client, draft, django_user_model):
    other = django_user_model.objects.create_user("skribent", password="x", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="change_article"))
    client = Client()
    client.force_login(other)
    editor_client.post(keep_url(draft), {"title": "Redaktörens"})
    client.post(keep_url(draft), {"title": "Skribentens"})
    assert KeptForm.objects.count() == 2


def test_the_csrf_token_is_not_kept(editor_client, draft):
    editor_client.post(keep_url(draft), {"title": "Rubrik", "csrfmiddlewaretoken": "x" * 64})
    assert KeptForm.objects.get().fields == {"title": ["Rubrik"]}


def test_staff_without_permission_to_change_articles_is_refused(client, django_user_model, draft):
    user = django_user_model.objects.create_user("lasare", password="x", is_staff=True)
    client.force_login(user)
    assert client.post(keep_url(draft), {"title": "Rubrik"}).status_code == 403
    assert client.post(NEW_KEEP_URL, {"title": "Rubrik"}).status_code == 403
    assert not KeptForm.objects.exists()


def test_a_visitor_is_sent_to_the_login(client, draft):
    response = client.post(keep_url(draft), {"title": "Rubrik"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert not KeptForm.objects.exists()


def test_keeping_without_the_csrf_token_is_refused(editor, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(keep_url(draft), {"title": "Rubrik"}).status_code == 403
    assert not KeptForm.objects.exists()


def test_keeping_is_a_post(editor_client, draft):
    assert editor_client.get(keep_url(draft)).status_code == 405


def test_keeping_a_missing_article_is_not_found(editor_client):
    assert editor_client.post("/admin/autosave/artikel/999999/", {"title": "x"}).status_code == 404


def test_a_form_too_large_is_refused(editor_client, draft, settings):
    settings.AUTOSAVE_MAX_BYTES = 1000
    response = editor_client.post(keep_url(draft), {"body": "x" * 2000})
    assert response.status_code == 413
    assert not KeptForm.objects.exists()


def test_a_form_past_the_upload_limit_is_a_bad_request(editor_client, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor_client.post(keep_url(draft), {"body": "x" * 2000})
    assert response.status_code == 400
    assert not KeptForm.objects.exists()


# Saving


def test_saving_the_article_removes_the_kept_form(editor_client, kept, draft):
    data = browser_data(editor_client.get(change_url(draft)), Article)
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert not KeptForm.objects.exists()


def test_a_refused_save_leaves_the_kept_form(editor_client, kept, draft):
    data = browser_data(editor_client.get(change_url(draft)), Article) | {"title": ""}
    assert editor_client.post(change_url(draft), data).status_code == 200
    assert KeptForm.objects.exists()


def test_adding_an_article_removes_the_kept_new_form(editor_client):
    editor_client.post(NEW_KEEP_URL, {"title": "Ny"})
    data = browser_data(editor_client.get(ADD_URL), Article) | {
        "title": "En helt ny nyhet",
        "slug": "en-helt-ny-nyhet",
        "lead": "Ingressen.",
        "body": "<p>Texten.</p>",
    }
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not KeptForm.objects.exists()


# Offering back


def test_the_form_offers_kept_changes_newer_than_the_last_save(editor_client, kept, draft):
    response = editor_client.get(change_url(draft))
    assertContains(response, "Det finns osparade ändringar från")
    assertContains(response, 'href="?aterstall=1">Återställ dem</a>', html=False)
    assertContains(response, f'action="/admin/autosave/artikel/{draft.pk}/slang/"')
    assertContains(response, 'value="Släng dem"')
    # The title in the form is still the saved one.
    assert response.context["adminform"].form["title"].value() == "Utkast om upphandling"


def test_kept_changes_older_than_the_last_save_are_not_offered(editor_client, kept, draft):
    Article.objects.filter(pk=draft.pk).update(updated_at=timezone.now() + timedelta(minutes=1))
    assertNotContains(editor_client.get(change_url(draft)), "osparade ändringar")


def test_another_editors_kept_changes_are_not_offered(kept, draft, second_editor):
    client = Client()
    client.force_login(second_editor)
    assertNotContains(client.get(change_url(draft)), "osparade ändringar")


def test_restoring_fills_the_form_with_the_kept_text(editor_client, kept, draft):
    response = editor_client.get(change_url(draft) + "?aterstall=1")
    assert response.context["adminform"].form["title"].value() == "Upphandling av ny it-plattform"
    assertContains(response, "Formuläret visar dina osparade ändringar från")
    assertContains(response, "Spara artikeln för att behålla dem.")
    assertNotContains(response, "Återställ dem")


def test_saving_the_restored_form_saves_the_kept_text(editor_client, kept, draft):
    url = change_url(draft) + "?aterstall=1"
    response = editor_client.post(url, browser_data(editor_client.get(url), Article))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Upphandling av ny it-plattform"
    assert history.versions(draft.pk).first().title == "Upphandling av ny it-plattform"
    assert not KeptForm.objects.exists()


def test_restoring_a_new_articles_form(editor_client):
    editor_client.post(NEW_KEEP_URL, {"title": "Påbörjad nyhet", "lead": "Ingressen."})
    assertContains(editor_client.get(ADD_URL), "Det finns osparade ändringar från")
    form = editor_client.get(ADD_URL + "?aterstall=1").context["adminform"].form
    assert (form["title"].value(), form["lead"].value()) == ("Påbörjad nyhet", "Ingressen.")


def test_throwing_the_kept_changes_away(editor_client, kept, draft):
    response = editor_client.post(f"/admin/autosave/artikel/{draft.pk}/slang/", follow=True)
    assert response.redirect_chain == [(change_url(draft), 302)]
    assertContains(response, "De osparade ändringarna har slängts.")
    assertNotContains(response, "Det finns osparade ändringar")
    assert not KeptForm.objects.exists()


def test_throwing_away_is_a_post(editor_client, kept, draft):
    assert editor_client.get(f"/admin/autosave/artikel/{draft.pk}/slang/").status_code == 405
    assert KeptForm.objects.exists()
