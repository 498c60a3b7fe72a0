"""An article's history: a version for every save, published versions marked, named
checkpoints, comparing two versions, restoring one, and a save refused when someone else
saved the article after the form was opened."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from test_admin_forms import browser_data

from news import history
from news.models import Article


def change_url(article) -> str:
    return f"/admin/news/article/{article.pk}/change/"


def history_url(article) -> str:
    return f"/admin/news/article/{article.pk}/history/"


def compare_url(article, old, new) -> str:
    return (
        f"/admin/news/article/{article.pk}/historik/jamfor/"
        f"?fran={old.history_id}&till={new.history_id}"
    )


def restore_url(article, version) -> str:
    return f"/admin/news/article/{article.pk}/historik/{version.history_id}/aterstall/"


def edit(client, article, **changes):
    """Open the article's change form and send it back with ``changes``, as a browser."""
    data = browser_data(client.get(change_url(article)), Article) | changes
    return client.post(change_url(article), data)


def newest(article):
    return history.versions(article.pk).first()


@pytest.fixture
def draft(make_article):
    return make_article("Utkast om upphandling", status=Article.Status.DRAFT)


@pytest.fixture
def second_editor(editor, django_user_model):
    user = django_user_model.objects.create_user(
        "redaktor2", "redaktor2@example.se", "ett-langt-losenord-456", is_staff=True
    )
    user.groups.set(editor.groups.all())
    user.first_name, user.last_name = "Bertil", "Berg"
    user.save()
    return user


# Versions


def test_every_admin_save_keeps_one_version_saying_who_and_what(editor_client, editor, draft):
    before = history.versions(draft.pk).count()

    response = edit(editor_client, draft, title="Ny rubrik om upphandling")

    assert response.status_code == 302
    assert history.versions(draft.pk).count() == before + 1
    version = newest(draft)
    assert version.history_user == editor
    assert version.title == "Ny rubrik om upphandling"
    assert version.changed_fields == ["title"]


def test_a_version_keeps_the_categories_chosen_in_the_same_save(
    editor_client, draft, make_category
):
    innovation = make_category("Innovation")

    edit(editor_client, draft, categories=[innovation.pk])

    version = newest(draft)
    assert history.category_ids(version) == [innovation.pk]
    assert version.changed_fields == ["categories"]


def test_publishing_in_the_form_marks_the_version_as_published(editor_client, draft):
    edit(editor_client, draft, title="Sparat utkast")
    assert not newest(draft).is_published_version

    edit(editor_client, draft, status=Article.Status.PUBLISHED)

    assert newest(draft).is_published_version


def test_publish_action_keeps_a_published_version_by_the_editor(editor_client, editor, draft):
    editor_client.post(
        "/admin/news/article/", {"action": "publish", "_selected_action": [draft.pk]}
    )

    version = newest(draft)
    assert version.is_published_version
    assert version.history_user == editor
    assert version.changed_fields == ["status"]


def test_version_number_counts_every_save_and_every_bulk_publication(draft):
    assert draft.version == 1
    draft.title = "Ändrad"
    draft.save()
    assert draft.version == 2

    Article.objects.filter(pk=draft.pk).publish()
    Article.objects.filter(pk=draft.pk).unpublish()

    draft.refresh_from_db()
    assert draft.version == 4
    assert newest(draft).version == 4


def test_editor_names_a_checkpoint_when_saving(editor_client, draft):
    edit(editor_client, draft, checkpoint_name="Skickad till förvaltningschefen")

    assert newest(draft).checkpoint_name == "Skickad till förvaltningschefen"


def test_editor_names_an_existing_version_from_the_history(editor_client, draft):
    version = newest(draft)

    editor_client.post(
        f"/admin/news/article/{draft.pk}/historik/{version.history_id}/namn/",
        {"checkpoint_name": "Första utkastet"},
    )

    version.refresh_from_db()
    assert version.checkpoint_name == "Första utkastet"


def test_history_shows_published_and_named_versions_and_all_on_demand(editor_client, draft):
    edit(editor_client, draft, title="Mellanversion som ingen namngett")
    edit(editor_client, draft, title="Namngiven version", checkpoint_name="Till juristen")
    edit(editor_client, draft, title="Publicerad version", status=Article.Status.PUBLISHED)
    edit(editor_client, draft, title="Senaste versionen", status=Article.Status.DRAFT)

    shown = editor_client.get(history_url(draft))

    assertContains(shown, "Historik: Senaste versionen")
    assertContains(shown, "namn: ”Till juristen”")
    assertContains(shown, "publicerad version")
    assertContains(shown, "den nuvarande versionen")
    assertContains(shown, "Visa alla 5 versioner")
    assert len(shown.context["page"].object_list) == 3
    everything = editor_client.get(history_url(draft) + "?alla=1")
    assertContains(everything, "Alla 5 versioner visas.")
    assert len(everything.context["page"].object_list) == 5


# Comparing


def test_compare_shows_each_changed_field(editor_client, draft, make_category):
    old = newest(draft)
    edit(
        editor_client,
        draft,
        title="Ny rubrik om upphandling",
        lead="En helt ny ingress.",
        categories=[make_category("Innovation").pk],
        status=Article.Status.REVIEW,
    )

    response = editor_client.get(compare_url(draft, old, newest(draft)))

    assertContains(
        response,
        '<del><span class="visually-hidden">Borttaget: </span>Utkast</del>'
        '<ins><span class="visually-hidden">Tillagt: </span>Ny rubrik</ins> om upphandling',
    )
    assertContains(response, '<span class="visually-hidden">Tillagt: </span>Innovation</ins>')
    assertContains(
        response,
        '<del><span class="visually-hidden">Borttaget: </span>utkast</del> '
        '<ins><span class="visually-hidden">Tillagt: </span>väntar på granskning</ins>',
    )
    assertContains(response, "Det som tagits bort är överstruket, det som lagts till understruket.")


def test_compare_shows_the_body_as_a_readable_escaped_diff(editor_client, make_article):
    article = make_article(
        "Nyhet",
        body="<h2>Bakgrund</h2><p>Kommunen startar ett nätverk.</p><p>Stycke som tas bort.</p>",
    )
    old = newest(article)
    edit(
        editor_client,
        article,
        body="<h2>Bakgrund</h2><p>Regionen startar ett nätverk "
        "&lt;script&gt;alert(1)&lt;/script&gt;.</p><ul><li><p>Ny punkt</p></li></ul>",
    )

    response = editor_client.get(compare_url(article, old, newest(article)))

    diff = response.context["body_diff"]
    assert '<span class="diff-kind">Mellanrubrik:</span> Bakgrund' in diff
    assert ">Kommunen</del>" in diff
    assert ">Regionen</ins>" in diff
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff
    assert "<script>" not in response.content.decode()
    assert ">Stycke som tas bort.</del>" in diff
    assert '<span class="diff-kind">Punkt:</span> <ins>' in diff


def test_compare_of_versions_of_another_article_is_not_found(editor_client, make_article):
    one, other = make_article("Ett"), make_article("Annat")

    response = editor_client.get(compare_url(one, newest(other), newest(one)))

    assert response.status_code == 404


def test_history_is_closed_to_staff_without_permission(client, django_user_model, draft):
    client.force_login(django_user_model.objects.create_user("gast", is_staff=True))

    assert client.get(history_url(draft)).status_code == 403
    assert client.get(compare_url(draft, newest(draft), newest(draft))).status_code == 403


# Restoring


@pytest.fixture
def draft_with_two_versions(editor_client, draft):
    first = newest(draft)
    edit(editor_client, draft, title="Andra rubriken", lead="Andra ingressen.")
    return draft, first


def test_restoring_a_version_as_a_draft_makes_a_new_version_with_its_content(
    editor_client, editor, draft_with_two_versions
):
    draft, first = draft_with_two_versions

    response = editor_client.post(restore_url(draft, first))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.lead) == (first.title, first.lead)
    assert draft.status == Article.Status.DRAFT
    version = newest(draft)
    assert (version.restored_from, version.history_user) == (first.version, editor)
    assert version.version == draft.version == 3


def test_publishing_a_version_again_shows_it_to_visitors(client, editor_client, make_article):
    article = make_article("Rätt rubrik", slug="nyheten")
    published = newest(article)
    edit(editor_client, article, title="Felaktig rubrik")
    assertContains(client.get("/nyheter/nyheten/"), "Felaktig rubrik")

    response = editor_client.post(restore_url(article, published), {"publicera": "1"}, follow=True)

    assertContains(response, "Version 1 är publicerad igen.")
    assertContains(client.get("/nyheter/nyheten/"), "<h1>Rätt rubrik</h1>", html=True)
    assert newest(article).is_published_version


def test_a_published_article_restored_as_a_draft_stays_as_visitors_see_it(
    client, editor_client, make_article
):
    article = make_article("Första rubriken", slug="nyheten")
    first = newest(article)
    edit(editor_client, article, title="Andra rubriken")

    response = editor_client.post(restore_url(article, first), follow=True)

    assertContains(response, "Version 1 är återställd som en ändring som väntar på granskning")
    article.refresh_from_db()
    assert (article.title, article.status) == ("Andra rubriken", Article.Status.PUBLISHED)
    assert history.waiting_version(article.pk).title == "Första rubriken"
    assertContains(client.get("/nyheter/nyheten/"), "<h1>Andra rubriken</h1>", html=True)


def test_restore_by_a_user_who_may_only_view_articles_is_refused(
    client, django_user_model, draft_with_two_versions
):
    draft, first = draft_with_two_versions
    viewer = django_user_model.objects.create_user("lasare", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)

    assert client.get(history_url(draft)).status_code == 200
    assert client.post(restore_url(draft, first)).status_code == 403
    assert client.post(restore_url(draft, first), {"publicera": "1"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Andra rubriken"


def test_restore_is_a_post(editor_client, draft_with_two_versions):
    draft, first = draft_with_two_versions

    assert editor_client.get(restore_url(draft, first)).status_code == 405


def test_restore_is_checked_as_the_form_checks_an_article(
    editor_client, make_article, draft_with_two_versions
):
    draft, first = draft_with_two_versions
    Article.objects.filter(pk=draft.pk).update(slug="nytt-namn")
    make_article("Annan nyhet", slug=first.slug)

    response = editor_client.post(restore_url(draft, first), follow=True)

    assertContains(response, "Versionen kunde inte återställas:")
    assertContains(response, "finns redan")
    draft.refresh_from_db()
    assert draft.title == "Andra rubriken"


def test_restore_keeps_the_current_hero_image_when_the_old_one_is_gone(
    editor_client, make_article, make_bank_image
):
    square = make_bank_image("Stortorget", alt_text="Stortorget i snö")
    article = make_article("Med bild", status=Article.Status.DRAFT, hero=square)
    with_old_image = newest(article)
    harbour = make_bank_image("Hamnen", alt_text="Hamnen i dimma")
    article.hero = harbour
    article.save()
    # No article shows it any more: the image bank lets it go.
    square.delete()

    response = editor_client.post(restore_url(article, with_old_image), follow=True)

    assertContains(response, "Huvudbilden i den versionen finns inte längre kvar")
    article.refresh_from_db()
    assert article.hero == harbour
    assert article.hero_alt_text == "Hamnen i dimma"


# The optimistic check: no lost work


def test_a_save_over_someone_elses_is_refused_and_both_texts_are_kept(editor, second_editor, draft):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    opened_by_first = browser_data(first.get(change_url(draft)), Article)
    opened_by_second = browser_data(second.get(change_url(draft)), Article)

    saved = second.post(change_url(draft), opened_by_second | {"title": "Bertils rubrik"})
    refused = first.post(change_url(draft), opened_by_first | {"title": "Redaktörens rubrik"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    assertContains(refused, "Bertil Berg sparade artikeln")
    assertContains(refused, "efter att du öppnade den. Dina ändringar är inte sparade")
    assertContains(refused, 'value="Redaktörens rubrik"')
    assertContains(refused, "Versionen som sparades efter att du öppnade artikeln")
    assertContains(refused, "<dd>Bertils rubrik</dd>", html=True)
    draft.refresh_from_db()
    assert draft.title == "Bertils rubrik"


def test_after_a_refused_save_saving_again_is_accepted(editor, second_editor, draft):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    opened_by_first = browser_data(first.get(change_url(draft)), Article)
    edit(second, draft, title="Bertils rubrik")
    refused = first.post(change_url(draft), opened_by_first | {"title": "Redaktörens rubrik"})

    again = first.post(change_url(draft), browser_data(refused, Article))

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Redaktörens rubrik"


def test_a_form_opened_before_a_bulk_publication_is_refused(editor_client, draft):
    opened = browser_data(editor_client.get(change_url(draft)), Article)
    Article.objects.filter(pk=draft.pk).publish()

    response = editor_client.post(change_url(draft), opened | {"title": "Sent ändrad"})

    assert response.status_code == 200
    assertContains(response, "Artikeln sparades ")
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.title == "Utkast om upphandling"


def test_the_saved_version_is_shown_escaped(editor, second_editor, make_article):
    article = make_article("Nyhet", status=Article.Status.DRAFT)
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    opened = browser_data(first.get(change_url(article)), Article)
    edit(second, article, body="<p>Text med &lt;img src=x onerror=alert(1)&gt; i.</p>")

    refused = first.post(change_url(article), opened)

    assertContains(refused, "Text med &lt;img src=x onerror=alert(1)&gt; i.")
    assertNotContains(refused, "<img src=x")


def test_scheduled_article_versions_are_published_versions(make_article):
    article = make_article("Kommer sen", published_at=timezone.now() + timedelta(days=1))

    assert newest(article).is_published_version


def test_simple_historys_revert_form_is_not_offered(editor_client, draft_with_two_versions):
    draft, first = draft_with_two_versions
    url = f"/admin/news/article/{draft.pk}/history/{first.history_id}/"

    response = editor_client.post(url, {"title": first.title, "lead": first.lead})

    assert response.status_code in (302, 404)
    draft.refresh_from_db()
    assert draft.title == "Andra rubriken"
