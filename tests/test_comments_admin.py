import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from adda_site import groups
from comments.models import BlockedWord, Comment, CommentRules

CHANGELIST = "/admin/comments/comment/"
ACTIONS = {
    "publish": "Godkänn valda kommentarer",
    "reject": "Avvisa valda kommentarer",
    "mark_spam": "Markera valda som skräppost",
}
SUBJECT = "En ny kommentar väntar på granskning"


@pytest.fixture
def article(make_article):
    return make_article("Nätverk för stärkt innovationskraft")


@pytest.fixture
def waiting(article, make_comment):
    """Three comments waiting for review."""
    return [
        make_comment(article, f"Väntande kommentar {n}.", status=Comment.Status.PENDING)
        for n in range(1, 4)
    ]


@pytest.fixture
def notify_editors(comment_settings):
    comment_settings.COMMENTS_NOTIFY_EDITORS = True


def change_url(comment: Comment) -> str:
    return f"{CHANGELIST}{comment.pk}/change/"


def listed(response) -> list[str]:
    """The excerpts of the comments in the admin list, in order."""
    return re.findall(r'<th class="field-excerpt"><a href="[^"]+">([^<]*)</a>', response.text)


def run_action(client, action: str, comments) -> object:
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [comment.pk for comment in comments]},
        follow=True,
    )


def sent_mail() -> list:
    """The mail sent so far, once the threads sending it in the background are done."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and thread.daemon:
            thread.join(timeout=10)
    return mail.outbox


# The list


def test_editor_sees_comments_with_their_article_name_email_excerpt_status_and_time(
    editor_client, waiting
):
    response = editor_client.get(CHANGELIST)
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)[^"]*">', response.text)
    assert headers == ["excerpt", "name", "email", "article", "status", "created_at"]
    for label in ("Kommentar", "Namn", "E-post", "Artikel", "Status", "Skapad"):
        assert re.search(rf"<div class=\"text\">(<a [^>]+>|<span>){label}</", response.text)


def test_list_row_shows_the_comments_details(editor_client, article, make_comment):
    make_comment(
        article,
        "Ett långt inlägg " * 10,
        name="Bertil Berg",
        email="bertil@example.se",
        status=Comment.Status.PENDING,
    )
    response = editor_client.get(CHANGELIST)
    assertContains(response, '<td class="field-name">Bertil Berg</td>')
    assertContains(response, '<td class="field-email">bertil@example.se</td>')
    assertContains(response, '<td class="field-article nowrap">Nätverk för stärkt innovationskraft')
    assertContains(response, '<td class="field-status">väntar på granskning</td>')
    assert listed(response) == [("Ett långt inlägg " * 10)[:79] + "…"]


def test_list_filters_by_status(editor_client, article, make_comment, waiting):
    make_comment(article, "Redan publicerad.")
    response = editor_client.get(CHANGELIST, {"status__exact": "published"})
    assert listed(response) == ["Redan publicerad."]


def test_status_filter_offers_every_status(editor_client, waiting):
    response = editor_client.get(CHANGELIST)
    for value, label in (
        ("pending", "väntar på granskning"),
        ("published", "publicerad"),
        ("rejected", "avvisad"),
        ("spam", "skräppost"),
    ):
        assertContains(response, f'<a href="?status__exact={value}">{label}</a>')


def test_list_filters_by_article(editor_client, article, make_article, make_comment):
    other = make_article("Annan nyhet")
    make_comment(article, "Om nätverket.")
    make_comment(other, "Om den andra nyheten.")
    response = editor_client.get(CHANGELIST, {"article__id__exact": other.pk})
    assertContains(response, f'<a href="?article__id__exact={other.pk}">Annan nyhet</a>')
    assert listed(response) == ["Om den andra nyheten."]


@pytest.mark.parametrize("query", ["solpaneler", "Cecilia", "cecilia@example"])
def test_list_searches_text_name_and_email(editor_client, article, make_comment, query):
    make_comment(article, "Vad kostar solpanelerna?", name="Cecilia", email="cecilia@example.se")
    make_comment(article, "Något helt annat.", name="David", email="david@example.se")
    response = editor_client.get(CHANGELIST, {"q": query})
    assert listed(response) == ["Vad kostar solpanelerna?"]


def test_bulk_actions_have_the_moderation_labels(editor_client, waiting):
    response = editor_client.get(CHANGELIST)
    for value, label in ACTIONS.items():
        assertContains(response, f'<option value="{value}">{label}</option>', html=True)


def test_editors_cannot_add_comments_in_admin(editor_client, db):
    response = editor_client.get(f"{CHANGELIST}add/")
    assert response.status_code == 403


# Bulk moderation


def test_approving_publishes_the_selected_comments(editor_client, waiting):
    run_action(editor_client, "publish", waiting[:2])
    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["published", "published", "pending"]


def test_approving_says_how_many_were_published(editor_client, waiting):
    response = run_action(editor_client, "publish", waiting[:2])
    assertContains(response, "2 kommentarer publicerade.")


def test_approved_comments_are_counted_on_the_article_page(client, editor_client, article, waiting):
    assertContains(client.get(article.get_absolute_url()), "Kommentarer (0)")
    run_action(editor_client, "publish", waiting)
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (3)")
    assertContains(response, "<p>Väntande kommentar 2.</p>")


def test_rejecting_rejects_the_selected_comments(editor_client, waiting):
    response = run_action(editor_client, "reject", waiting[:1])
    assert Comment.objects.get(pk=waiting[0].pk).status == Comment.Status.REJECTED
    assertContains(response, "1 kommentar avvisad.")


def test_marking_as_spam_marks_the_selected_comments(editor_client, waiting):
    response = run_action(editor_client, "mark_spam", waiting)
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.SPAM}
    assertContains(response, "3 kommentarer markerade som skräppost.")


def test_rejecting_a_published_comment_removes_it_from_the_article_page(
    client, editor_client, article, make_comment
):
    comment = make_comment(article, "Olämpligt inlägg.")
    run_action(editor_client, "reject", [comment])
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (0)")
    assertNotContains(response, "Olämpligt inlägg.")


def test_moderation_records_when_it_happened(editor_client, waiting):
    run_action(editor_client, "publish", waiting[:1])
    assert Comment.objects.get(pk=waiting[0].pk).moderated_at is not None


# Replies


def reply(client, comment: Comment, text: str, status: str = "published"):
    return client.post(change_url(comment), {"status": status, "reply": text, "_save": "Spara"})


def test_editors_reply_appears_under_the_comment(client, editor_client, article, make_comment):
    comment = make_comment(article, "När startar nätverket?")
    make_comment(article, "En senare kommentar.")
    reply(editor_client, comment, "Det startar i augusti.")
    html = client.get(article.get_absolute_url()).text
    question = html.index("När startar nätverket?")
    answer = html.index("Det startar i augusti.")
    assert question < html.index("Svar från redaktionen") < answer < html.index("En senare")


def test_reply_records_when_it_was_written(editor_client, article, make_comment):
    comment = make_comment(article)
    response = reply(editor_client, comment, "Tack för frågan.")
    assert response.status_code == 302
    assert Comment.objects.get().replied_at is not None


def test_removing_the_reply_removes_it_from_the_page(client, editor_client, article, make_comment):
    comment = make_comment(article, reply="Ett gammalt svar.")
    reply(editor_client, comment, "")
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "Svar från redaktionen")
    assert Comment.objects.get().replied_at is None


def test_reply_is_shown_as_plain_text(client, editor_client, article, make_comment):
    comment = make_comment(article)
    reply(editor_client, comment, "<em>Tack</em>, se https://example.se/svar")
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<p>&lt;em&gt;Tack&lt;/em&gt;, se <a href="https://example.se/svar" '
        'rel="nofollow ugc noopener">https://example.se/svar</a></p>',
        response.text,
    )


def test_commenters_words_cannot_be_changed_in_admin(editor_client, article, make_comment):
    comment = make_comment(article, "Det jag skrev.", name="Anna")
    editor_client.post(
        change_url(comment),
        {"status": "published", "reply": "", "text": "Något annat.", "name": "Bertil"},
    )
    assert Comment.objects.values_list("text", "name").get() == ("Det jag skrev.", "Anna")


# The admin index


def test_admin_index_says_how_many_comments_wait(editor_client, waiting):
    response = editor_client.get("/admin/")
    assertInHTML(
        '<p class="pending-comments"><a href="/admin/comments/comment/?status__exact=pending">'
        "3 kommentarer väntar på granskning</a></p>",
        response.text,
    )


def test_admin_index_says_when_one_comment_waits(editor_client, article, make_comment):
    make_comment(article, status=Comment.Status.PENDING)
    response = editor_client.get("/admin/")
    assertContains(response, "1 kommentar väntar på granskning")


def test_admin_index_says_nothing_when_no_comment_waits(editor_client, article, make_comment):
    make_comment(article)
    make_comment(article, status=Comment.Status.SPAM)
    response = editor_client.get("/admin/")
    assertNotContains(response, "väntar på granskning")


def test_admin_index_counts_waiting_comments_in_constant_queries(
    editor_client, article, make_comment
):
    make_comment(article, status=Comment.Status.PENDING)
    editor_client.get("/admin/")
    with CaptureQueriesContext(connection) as one:
        editor_client.get("/admin/")
    for _ in range(40):
        make_comment(article, status=Comment.Status.PENDING)
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get("/admin/")
    assertContains(response, "41 kommentarer väntar på granskning")
    assert len(many.captured_queries) == len(one.captured_queries)


# Rules and blocklist


def test_rules_changed_in_admin_are_shown_at_once(
    client, editor_client, article, django_capture_on_commit_callbacks
):
    client.get(article.get_absolute_url())  # the old rules are now cached
    rules = CommentRules.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/admin/comments/commentrules/{rules.pk}/change/",
            {"text": "Nya regler från redaktionen.", "_save": "Spara"},
        )
    assertContains(client.get(article.get_absolute_url()), "<p>Nya regler från redaktionen.</p>")


def test_rules_from_an_edit_that_is_rolled_back_are_never_shown(client, article):
    client.get(article.get_absolute_url())  # the old rules are now cached
    rules = CommentRules.objects.get()

    @transaction.atomic
    def edit_that_fails():
        rules.text = "Regler som aldrig sparades."
        rules.save()
        CommentRules.current_text()  # read inside the transaction, as a page could
        raise RuntimeError("the edit fails before commit")

    with pytest.raises(RuntimeError):
        edit_that_fails()
    assertNotContains(client.get(article.get_absolute_url()), "Regler som aldrig sparades.")


def test_editor_can_add_a_blocked_phrase(editor_client, db):
    response = editor_client.post(
        "/admin/comments/blockedword/add/", {"phrase": "billiga klockor", "_save": "Spara"}
    )
    assert response.status_code == 302
    assert BlockedWord.objects.filter(phrase="billiga klockor").exists()


# Mail to the editors


@pytest.fixture
def other_editor(django_user_model):
    user = django_user_model.objects.create_user(
        "redaktor2", "redaktor2@example.se", "ett-langt-losenord-456", is_staff=True
    )
    user.groups.add(Group.objects.get(name=groups.EDITORS))
    return user


def test_waiting_comment_is_mailed_to_the_editors(
    post_comment, article, editor, other_editor, notify_editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    [message] = sent_mail()
    assert sorted(message.to) == ["redaktor2@example.se", "redaktor@example.se"]


def test_editors_without_an_address_or_account_are_not_mailed(
    post_comment,
    article,
    editor,
    other_editor,
    django_user_model,
    notify_editors,
    django_capture_on_commit_callbacks,
):
    other_editor.email = ""
    other_editor.save()
    django_user_model.objects.create_user("tidigare", "tidigare@example.se", is_active=False)
    django_user_model.objects.create_user("besokare", "besokare@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    [message] = sent_mail()
    assert message.to == ["redaktor@example.se"]


def test_mail_is_sent_only_after_the_comment_is_committed(
    post_comment, article, editor, notify_editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_comment(article)
    assert sent_mail() == []
    assert len(callbacks) == 1


def test_mail_subject_is_fixed_whatever_the_commenter_wrote(
    post_comment, article, editor, notify_editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, name="Bcc: alla@example.se", text="Subject: Vinn en resa\nKlicka")
    [message] = sent_mail()
    assert message.subject == SUBJECT
    assert "Vinn" not in str(message.message()).split("\n\n")[0]


def test_mail_links_to_the_comment_in_admin(
    post_comment, article, editor, notify_editors, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://www.adda.se"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    [message] = sent_mail()
    comment = Comment.objects.get()
    assert message.body == (
        "En ny kommentar till ”Nätverk för stärkt innovationskraft” väntar på granskning.\n\n"
        "Öppna den i administrationen för att publicera eller avvisa den:\n"
        f"https://www.adda.se/admin/comments/comment/{comment.pk}/change/\n"
    )


def test_mail_is_in_swedish_whatever_the_visitors_language(
    post_comment, article, editor, notify_editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        post_comment(article)
    [message] = sent_mail()
    assert message.subject == SUBJECT


def test_opening_the_mails_link_changes_nothing(
    editor_client, article, make_comment, notify_editors
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    response = editor_client.get(change_url(comment))
    assertContains(response, 'name="_save"')
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_no_mail_when_notification_is_off(
    post_comment, article, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    assert sent_mail() == []


def test_no_mail_about_spam(
    post_comment, article, editor, notify_editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, hp_kontroll="x")
    assert sent_mail() == []


def test_no_mail_about_a_comment_published_directly(
    post_comment, article, editor, notify_editors, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION = "none"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    assert sent_mail() == []


def test_comment_is_kept_when_the_mail_server_fails(
    post_comment,
    article,
    editor,
    notify_editors,
    settings,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 5},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(article)
    sent_mail()
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Could not e-mail the editors about comment" in caplog.text


def test_staff_without_comment_permissions_cannot_add_comment_rules(client, django_user_model):
    from comments.models import CommentRules

    CommentRules.objects.all().delete()
    staff = django_user_model.objects.create_user("personal", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/comments/commentrules/add/").status_code == 403
