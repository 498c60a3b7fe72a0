"""Review links: an editor sends a colleague without an admin account a read-only,
expiring, revocable address of an unpublished article."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from news.models import Article
from reviews.models import TOKEN_SALT, ReviewLink

LINKS_URL = "/admin/reviews/reviewlink/"
ADD_URL = f"{LINKS_URL}add/"
EXPIRED = "Granskningslänken har gått ut"
WITHDRAWN = "Granskningslänken har dragits tillbaka"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def draft(make_article):
    return make_article(
        "Hemligt utkast om nätverket",
        status=Article.Status.DRAFT,
        lead="Ett utkast som ingen besökare får se.",
        body="<p>Nätverket startar i höst.</p>",
    )


@pytest.fixture
def make_link(editor):
    def factory(article, **fields):
        return ReviewLink.objects.create(article=article, created_by=editor, **fields)

    return factory


def anonymous() -> Client:
    return Client()


def test_editor_creates_a_review_link_valid_for_seven_days_by_default(editor_client, draft, editor):
    response = editor_client.get(f"{ADD_URL}?article={draft.pk}")
    assertContains(response, "Lägg till granskningslänk")
    assertContains(
        response, f'<option value="{draft.pk}" selected>{draft.title}</option>', html=True
    )
    assertContains(
        response,
        '<input type="radio" name="valid_days" value="7" id="id_valid_days_2" required checked>',
        html=True,
    )

    response = editor_client.post(
        ADD_URL, {"article": draft.pk, "valid_days": "7", "note": "Anna på juridik"}, follow=True
    )

    link = ReviewLink.objects.get()
    assert (link.article, link.note, link.created_by) == (draft, "Anna på juridik", editor)
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(days=7), abs=timedelta(minutes=1)
    )
    assert response.redirect_chain[-1][0] == f"{LINKS_URL}{link.pk}/change/"
    assertContains(
        response,
        f"Skicka den här adressen till den som ska granska artikeln: http://testserver/granska/{link.token}/",
    )
    assertContains(response, f'<a href="http://testserver/granska/{link.token}/">')


def test_editor_chooses_how_long_the_link_is_valid(editor_client, draft):
    editor_client.post(ADD_URL, {"article": draft.pk, "valid_days": "1"})
    link = ReviewLink.objects.get()
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(days=1), abs=timedelta(minutes=1)
    )


def test_article_page_in_the_admin_offers_a_review_link(editor_client, draft):
    response = editor_client.get(f"/admin/news/article/{draft.pk}/change/")
    assertContains(
        response,
        f'<a href="/admin/reviews/reviewlink/add/?article={draft.pk}">Skapa granskningslänk</a>',
        html=True,
    )


def test_colleague_without_an_account_reads_the_draft(draft, make_link):
    link = make_link(draft)
    response = anonymous().get(link.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, "<h1>Hemligt utkast om nätverket</h1>", html=True)
    assertContains(response, "Nätverket startar i höst.")
    assertContains(response, "Förhandsgranskning: artikeln är utkast")
    assertContains(response, "Granskningslänk: du ser artikeln som den är sparad just nu.")
    assertContains(response, '<meta name="robots" content="noindex">', html=True)
    # No comments on a text that is not out yet.
    assertNotContains(response, "Skriv en kommentar")


def test_review_page_is_kept_from_search_engines_and_caches(draft, make_link):
    response = anonymous().get(make_link(draft).get_absolute_url())
    assert response["X-Robots-Tag"] == "noindex"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["Referrer-Policy"] == "no-referrer"


def test_review_page_shows_the_latest_save(draft, make_link):
    link = make_link(draft)
    reviewer = anonymous()
    reviewer.get(link.get_absolute_url())
    Article.objects.filter(pk=draft.pk).update(title="Ny rubrik på utkastet")
    assertContains(
        reviewer.get(link.get_absolute_url()), "<h1>Ny rubrik på utkastet</h1>", html=True
    )


def test_draft_itself_stays_hidden_from_visitors(client, draft, make_link):
    make_link(draft)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "forge",
    [
        lambda pk: str(pk),
        lambda pk: f"{pk}:not-the-signature",
        lambda pk: signing.Signer(salt="another.purpose").sign(str(pk)),
        lambda pk: signing.Signer(salt=TOKEN_SALT, key="not-the-secret-key").sign(str(pk)),
        lambda pk: signing.Signer(salt=TOKEN_SALT).sign(f"{pk}x"),
    ],
)
def test_forged_token_is_not_found(draft, make_link, forge):
    link = make_link(draft)
    assert anonymous().get(f"/granska/{forge(link.pk)}/").status_code == 404


def test_token_of_a_deleted_link_is_not_found(draft, make_link):
    link = make_link(draft)
    address = link.get_absolute_url()
    link.delete()
    assert anonymous().get(address).status_code == 404


def test_expired_link_says_so_in_swedish(draft, make_link, time_machine):
    time_machine.move_to(datetime(2026, 6, 21, 9, 30, tzinfo=STOCKHOLM), tick=False)
    link = make_link(draft)
    time_machine.shift(timedelta(days=7, seconds=1))

    response = anonymous().get(link.get_absolute_url())

    assert response.status_code == 410
    assertContains(response, f"<h1>{EXPIRED}</h1>", html=True, status_code=410)
    assertContains(
        response,
        "Länken gällde till 28 juni 2026 09:30. Be den som skickade den om en ny länk om du "
        "fortfarande ska granska texten.",
        status_code=410,
    )
    assertNotContains(response, draft.title, status_code=410)
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_revoked_link_says_it_was_withdrawn(draft, make_link):
    link = make_link(draft)
    ReviewLink.objects.filter(pk=link.pk).revoke()

    response = anonymous().get(link.get_absolute_url())

    assert response.status_code == 410
    assertContains(response, f"<h1>{WITHDRAWN}</h1>", html=True, status_code=410)
    assertContains(
        response, "Den som skickade länken till dig har dragit tillbaka den", status_code=410
    )
    assertNotContains(response, draft.title, status_code=410)


def test_editor_revokes_links_from_the_list(editor_client, draft, make_link):
    links = [make_link(draft), make_link(draft)]
    response = editor_client.post(
        LINKS_URL,
        {"action": "revoke", "_selected_action": [link.pk for link in links]},
        follow=True,
    )
    assertContains(response, "2 granskningslänkar återkallade.")
    assert ReviewLink.objects.revoked().count() == 2
    assert anonymous().get(links[0].get_absolute_url()).status_code == 410


def test_editor_revokes_a_link_on_its_page(editor_client, draft, make_link):
    link = make_link(draft)
    local = timezone.localtime(link.expires_at)
    editor_client.post(
        f"{LINKS_URL}{link.pk}/change/",
        {
            "note": "",
            "expires_at": local.strftime("%Y-%m-%dT%H:%M"),
            "revoke": "on",
        },
    )
    link.refresh_from_db()
    assert link.state == ReviewLink.State.REVOKED


def test_editor_cannot_move_the_expiry_into_the_past(editor_client, draft, make_link):
    link = make_link(draft)
    past = timezone.localtime() - timedelta(hours=1)
    response = editor_client.post(
        f"{LINKS_URL}{link.pk}/change/",
        {"note": "", "expires_at": past.strftime("%Y-%m-%dT%H:%M")},
    )
    assertContains(
        response, "Välj en tid i framtiden, eller återkalla länken för att avsluta den nu."
    )


def test_editor_extends_an_expired_link(editor_client, draft, make_link, time_machine):
    time_machine.move_to(datetime(2026, 6, 21, 9, 30, tzinfo=STOCKHOLM), tick=False)
    link = make_link(draft)
    time_machine.shift(timedelta(days=8))
    assert anonymous().get(link.get_absolute_url()).status_code == 410

    editor_client.post(
        f"{LINKS_URL}{link.pk}/change/", {"note": "", "expires_at": "2026-07-01T16:00"}
    )

    assert anonymous().get(link.get_absolute_url()).status_code == 200


def test_links_list_shows_each_links_state(editor_client, draft, make_link):
    active = make_link(draft, note="Aktiv länk")
    revoked = make_link(draft, note="Återkallad länk")
    ReviewLink.objects.filter(pk=revoked.pk).revoke()
    response = editor_client.get(LINKS_URL)
    assertContains(response, '<td class="field-state_label">aktiv</td>', html=True)
    assertContains(response, '<td class="field-state_label">återkallad</td>', html=True)
    assertContains(
        response, f'<a href="http://testserver{active.get_absolute_url()}">Öppna</a>', html=True
    )


def test_staff_without_permission_cannot_create_review_links(client, django_user_model, draft):
    user = django_user_model.objects.create_user("skribent", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, {"article": draft.pk, "valid_days": "7"}).status_code == 403
    assert not ReviewLink.objects.exists()


def test_writer_shares_a_draft_with_a_colleague_and_withdraws_the_link(writer, draft):
    writer_client = Client()
    writer_client.force_login(writer)

    response = writer_client.post(
        ADD_URL, {"article": draft.pk, "valid_days": "3", "note": "Kalle på ekonomi"}, follow=True
    )

    link = ReviewLink.objects.get()
    assert (link.article, link.created_by) == (draft, writer)
    assertContains(response, f"http://testserver/granska/{link.token}/")
    assertContains(anonymous().get(f"/granska/{link.token}/"), "Hemligt utkast om nätverket")

    expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%dT%H:%M")
    writer_client.post(
        f"{LINKS_URL}{link.pk}/change/",
        {"note": link.note, "expires_at": expires, "revoke": "on"},
    )
    assertContains(anonymous().get(f"/granska/{link.token}/"), WITHDRAWN, status_code=410)
    # Deleting a link, and its record of who shared what, stays with the editors.
    assert writer_client.post(f"{LINKS_URL}{link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReviewLink.objects.filter(pk=link.pk).exists()


def test_writer_cannot_change_a_link_someone_else_made(writer, draft, make_link):
    link = make_link(draft)
    expires = link.expires_at
    writer_client = Client()
    writer_client.force_login(writer)

    assertNotContains(writer_client.get(LINKS_URL), draft.title)
    later = timezone.localtime(expires + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = writer_client.post(
        f"{LINKS_URL}{link.pk}/change/", {"note": "", "expires_at": later, "revoke": "on"}
    )

    assert response.status_code == 302  # to the admin index: no such link for them
    link.refresh_from_db()
    assert (link.expires_at, link.revoked_at) == (expires, None)


def test_editors_group_may_create_review_links(editor):
    assert editor.has_perm("reviews.add_reviewlink")
    assert editor.has_perm("reviews.change_reviewlink")


def test_review_link_shows_a_change_waiting_for_review(make_article, make_link, editor):
    from news import history

    article = make_article("Publicerad rubrik", body="<p>Publicerad text.</p>")
    article.title = "Ändrad rubrik som väntar"
    article.body = "<p>Ändrad text som väntar.</p>"
    history.leave_waiting(article, user=editor, categories=[])
    link = make_link(Article.objects.get(pk=article.pk))

    response = anonymous().get(link.get_absolute_url())

    assertContains(response, "<h1>Ändrad rubrik som väntar</h1>", html=True)
    assertContains(response, "Ändrad text som väntar.")
    assertNotContains(response, "Publicerad text.")
