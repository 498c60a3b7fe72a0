"""Roles: "Skribenter" write and submit for review but cannot publish; their changes to a
published article wait as a version until a "Redaktör" publishes or discards them, while
visitors keep seeing the published article."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains
from test_admin_forms import browser_data

from news import history
from news.models import Article, Image

CHANGELIST = "/admin/news/article/"
ADD_URL = "/admin/news/article/add/"


def change_url(article) -> str:
    return f"{CHANGELIST}{article.pk}/change/"


def edit(client, article, **changes):
    data = browser_data(client.get(change_url(article)), Article) | changes
    return client.post(change_url(article), data)


@pytest.fixture
def writer_client(writer):
    client = Client()
    client.force_login(writer)
    return client


@pytest.fixture
def published(make_article):
    return make_article("Publicerad rubrik", slug="nyheten", lead="Publicerad ingress.")


@pytest.fixture
def waiting(writer_client, published):
    """A Skribent's change to the published article, waiting for review."""
    edit(writer_client, published, title="Skribentens rubrik")
    return history.waiting_version(published.pk)


def test_writers_may_write_but_not_publish_or_delete(writer):
    permissions = writer.get_all_permissions()
    assert {"news.add_article", "news.change_article", "news.add_image"} <= permissions
    assert "news.publish_article" not in permissions
    assert "news.delete_article" not in permissions
    assert not any(permission.startswith("comments.") for permission in permissions)


def test_editors_may_publish(editor):
    assert editor.has_perm("news.publish_article")


def test_writer_gets_no_publish_actions(writer_client, make_article):
    make_article("Utkastet", status=Article.Status.DRAFT)

    response = writer_client.get(CHANGELIST)

    assertNotContains(response, 'value="publish"')
    assertNotContains(response, 'value="unpublish"')


def test_writer_cannot_publish_by_sending_the_action(writer_client, make_article):
    draft = make_article("Utkastet", status=Article.Status.DRAFT)

    writer_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_writer_chooses_between_draft_and_review(writer_client):
    status = writer_client.get(ADD_URL).context["adminform"].form.fields["status"]

    assert [label for _value, label in status.choices] == ["utkast", "väntar på granskning"]


def test_writer_cannot_publish_through_the_status_field(writer_client, make_article):
    draft = make_article("Utkastet", status=Article.Status.DRAFT)

    response = edit(writer_client, draft, status=Article.Status.PUBLISHED)

    assertContains(response, "Välj ett giltigt alternativ. published finns inte bland")
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_writer_cannot_add_a_published_article_by_a_crafted_post(writer_client):
    data = browser_data(writer_client.get(ADD_URL), Article) | {
        "title": "Smygpublicering",
        "slug": "smygpublicering",
        "lead": "Ingress.",
        "status": Article.Status.PUBLISHED,
    }

    response = writer_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert not Article.objects.exists()


def test_writer_submits_an_article_for_review_that_visitors_cannot_see(
    writer_client, client, make_article
):
    draft = make_article("Utkastet", slug="utkastet", status=Article.Status.DRAFT)

    response = edit(writer_client, draft, status=Article.Status.REVIEW)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert draft.visibility == Article.Visibility.DRAFT
    assert client.get("/nyheter/utkastet/").status_code == 404


def test_article_in_review_is_not_published(make_article):
    article = make_article("Granskas", status=Article.Status.REVIEW)

    assert article not in Article.objects.published()
    assert article in Article.objects.drafts()
    assert article in Article.objects.waiting_for_review()


def test_writer_cannot_unpublish_a_published_article(writer_client, published):
    form = writer_client.get(change_url(published)).context["adminform"].form

    assert "status" not in form.fields


def test_writers_change_to_a_published_article_waits_while_visitors_see_the_published_one(
    writer_client, client, published
):
    assertContains(client.get("/nyheter/nyheten/"), "<h1>Publicerad rubrik</h1>", html=True)

    response = edit(writer_client, published, title="Skribentens rubrik")

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Publicerad rubrik"
    page = client.get("/nyheter/nyheten/")
    assertContains(page, "<h1>Publicerad rubrik</h1>", html=True)
    assertNotContains(page, "Skribentens rubrik")
    waiting = history.waiting_version(published.pk)
    assert waiting.title == "Skribentens rubrik"
    assert not waiting.is_published_version


def test_writer_is_told_the_change_waits(writer_client, published):
    data = browser_data(writer_client.get(change_url(published)), Article)

    response = writer_client.post(change_url(published), data | {"title": "Ny"}, follow=True)

    assertContains(response, "Din ändring väntar på granskning.")


def test_writer_reopening_the_article_sees_their_waiting_change(writer_client, published, waiting):
    form = writer_client.get(change_url(published)).context["adminform"].form

    assert form["title"].value() == "Skribentens rubrik"


def test_second_change_by_a_writer_replaces_the_first(writer_client, published, waiting):
    edit(writer_client, published, lead="Skribentens ingress.")

    latest = history.waiting_version(published.pk)
    assert (latest.title, latest.lead) == ("Skribentens rubrik", "Skribentens ingress.")
    waiting.refresh_from_db()
    assert waiting.review == history.Review.REPLACED


def test_article_list_filters_what_waits_for_review(editor_client, make_article, waiting):
    make_article("Inskickad", status=Article.Status.REVIEW)
    make_article("Vanlig nyhet")

    response = editor_client.get(f"{CHANGELIST}?granskning=vantar")

    titles = [article.title for article in response.context["cl"].result_list]
    assert sorted(titles) == ["Inskickad", "Publicerad rubrik"]
    assertContains(response, "ändring väntar på granskning")


def test_admin_index_shows_how_many_articles_wait(editor_client, make_article, waiting):
    make_article("Inskickad", status=Article.Status.REVIEW)

    response = editor_client.get("/admin/")

    assertContains(
        response,
        '<a href="/admin/news/article/?granskning=vantar">2 artiklar väntar på granskning</a>',
        html=True,
    )


def test_admin_index_count_is_for_those_who_may_publish(writer_client, waiting):
    assertNotContains(writer_client.get("/admin/"), "?granskning=vantar")


def test_editor_sees_the_waiting_change_on_the_article(editor_client, published, waiting):
    response = editor_client.get(change_url(published))

    assertContains(response, "En ändring av Sara Skribent")
    assertContains(response, "Granska ändringen")


def test_editor_publishes_the_waiting_change_and_visitors_see_it(
    editor_client, client, published, waiting
):
    url = f"{CHANGELIST}{published.pk}/historik/{waiting.history_id}/aterstall/"

    editor_client.post(url, {"publicera": "1"})

    assertContains(client.get("/nyheter/nyheten/"), "<h1>Skribentens rubrik</h1>", html=True)
    waiting.refresh_from_db()
    assert waiting.review == history.Review.PUBLISHED
    assert history.versions(published.pk).first().is_published_version


def test_editor_publishes_the_waiting_change_by_saving_the_form(
    editor_client, client, published, waiting
):
    edit(editor_client, published, lead="Redaktörens ingress.")

    page = client.get("/nyheter/nyheten/")
    assertContains(page, "<h1>Skribentens rubrik</h1>", html=True)
    assertContains(page, "Redaktörens ingress.")
    waiting.refresh_from_db()
    assert waiting.review == history.Review.PUBLISHED


def test_editor_discards_the_waiting_change(editor_client, client, published, waiting):
    editor_client.post(f"{CHANGELIST}{published.pk}/historik/kasta/")

    waiting.refresh_from_db()
    assert waiting.review == history.Review.DISCARDED
    assert history.waiting_version(published.pk) is None
    assertContains(client.get("/nyheter/nyheten/"), "<h1>Publicerad rubrik</h1>", html=True)
    assert not Article.objects.waiting_for_review().exists()


def test_writer_can_neither_publish_nor_discard_a_waiting_change(writer_client, published, waiting):
    restore = f"{CHANGELIST}{published.pk}/historik/{waiting.history_id}/aterstall/"

    assert writer_client.post(restore, {"publicera": "1"}).status_code == 403
    assert writer_client.post(f"{CHANGELIST}{published.pk}/historik/kasta/").status_code == 403
    published.refresh_from_db()
    assert published.title == "Publicerad rubrik"


def test_a_form_opened_before_a_writers_change_is_refused(editor_client, writer_client, published):
    opened = browser_data(editor_client.get(change_url(published)), Article)
    edit(writer_client, published, title="Skribentens rubrik")

    response = editor_client.post(change_url(published), opened | {"lead": "Ny ingress."})

    assertContains(response, "Sara Skribent sparade artikeln")
    published.refresh_from_db()
    assert published.lead == "Publicerad ingress."


def test_writers_new_hero_image_waits_with_the_change_and_is_published_with_it(
    writer_client, editor_client, client, published, make_bank_image
):
    harbour = make_bank_image("Hamnen", alt_text="Hamnen i dimma")
    data = browser_data(writer_client.get(change_url(published)), Article)
    data |= {"hero": str(harbour.pk)}

    writer_client.post(change_url(published), data)

    published.refresh_from_db()
    assert published.hero is None
    assertNotContains(client.get(published.get_absolute_url()), "Hamnen i dimma")
    waiting = history.waiting_version(published.pk)
    assert waiting.hero_id == harbour.pk
    restore = f"{CHANGELIST}{published.pk}/historik/{waiting.history_id}/aterstall/"
    editor_client.post(restore, {"publicera": "1"})
    published.refresh_from_db()
    assert published.hero == harbour
    assertContains(client.get(published.get_absolute_url()), 'alt="Hamnen i dimma"')


def test_image_only_a_waiting_change_shows_cannot_be_deleted(
    writer_client, editor_client, published, make_bank_image
):
    new_hero = make_bank_image("Ny bild till nyheten")
    edit(writer_client, published, hero=str(new_hero.pk))
    assert Article.objects.get(pk=published.pk).hero is None  # visitors see no change yet

    response = editor_client.post(f"/admin/news/image/{new_hero.pk}/delete/", {"post": "yes"})

    assertContains(
        response,
        f"För att ta bort bild “{new_hero}” måste följande skyddade relaterade objekt tas bort:",
    )
    assertContains(response, "Ändring som väntar på granskning: ")
    assert Image.objects.filter(pk=new_hero.pk).exists()
