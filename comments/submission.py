"""What happens to a comment a visitor sends: spam checks, moderation rule, storage, mail."""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import DatabaseError, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from adda_site import groups
from news.models import Article

from . import spam
from .models import Comment

logger = logging.getLogger(__name__)


def comments_open(article) -> bool:
    if not article.comments_enabled:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return not days or article.published_at > timezone.now() - timedelta(days=days)


def next_comments_closing(now):
    """When the next article's comments close by themselves (COMMENTS_CLOSE_AFTER_DAYS)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days:
        return None
    oldest_open = (
        Article.objects.filter(comments_enabled=True, published_at__gt=now - timedelta(days=days))
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return oldest_open and oldest_open + timedelta(days=days)


def _initial_status(email: str) -> str:
    mode = settings.COMMENTS_MODERATION
    if mode == "none":
        return Comment.Status.PUBLISHED
    if mode == "first" and Comment.objects.published().by_email(email).exists():
        return Comment.Status.PUBLISHED
    return Comment.Status.PENDING


def submit_comment(article, data: dict, *, ip_hash: str, honeypot_hit: bool) -> Comment:
    """Store a valid comment once; the same text twice on one article is kept once."""
    with transaction.atomic():
        # Comments on one article are stored one at a time, so that two copies of a
        # double-clicked form cannot both pass the check below (PostgreSQL reads under
        # READ COMMITTED; SQLite's IMMEDIATE transactions serialise writers already).
        list(type(article).objects.select_for_update().filter(pk=article.pk).values("pk"))
        # The same person sending the same text again (a double click, a reload), not
        # another visitor who happens to write the same words.
        duplicate = Comment.objects.filter(
            article=article, text=data["text"], email__iexact=data["email"]
        ).first()
        if duplicate:
            return duplicate
        reason = ""
        if honeypot_hit:
            reason = "honeypot"
        elif phrase := spam.blocked_phrase(data["name"], data["text"]):
            reason = f"blocklist: {phrase}"[:100]
        status = Comment.Status.SPAM if reason else _initial_status(data["email"])
        notify = status == Comment.Status.PENDING and settings.COMMENTS_NOTIFY_EDITORS
        comment = Comment.objects.create(
            article=article,
            name=data["name"],
            email=data["email"],
            text=data["text"],
            status=status,
            spam_reason=reason,
            ip_hash=ip_hash,
            has_unsent_notification=notify,
        )
        if notify:
            # robust: a failure to notify never turns the stored comment into an error page.
            transaction.on_commit(lambda: notify_editors(comment), robust=True)
    return comment


def _in_background(function, *args) -> threading.Thread:
    # The visitor's response does not wait for the mail server.
    def run():
        try:
            function(*args)
        finally:
            # The thread's own connection, opened to note that the mail has gone.
            connections.close_all()

    thread = threading.Thread(target=run, name="editors-mail", daemon=True)
    thread.start()
    return thread


def notify_editors(comment: Comment) -> threading.Thread | None:
    """Mail the editors about a waiting comment, after it is committed.

    The database is read here, in the committing thread; the background thread talks to
    the mail server and then only notes that the mail has gone.
    """
    mail = _editors_mail(comment)
    if mail is None:
        return None
    return _in_background(_send_to_editors, comment.pk, *mail)


def send_unsent_notifications() -> tuple[int, int]:
    """Mail the editors about the waiting comments whose mail has not gone yet (the mail
    server was down or slow, or the worker stopped first): (sent, not sent)."""
    sent = failed = 0
    # Comments the editors have moderated since need no mail any more.
    Comment.objects.awaiting_notification().exclude(status=Comment.Status.PENDING).update(
        has_unsent_notification=False
    )
    for comment in Comment.objects.awaiting_notification().select_related("article"):
        mail = _editors_mail(comment)
        if mail is not None and _send_to_editors(comment.pk, *mail):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _editors_mail(comment: Comment) -> tuple[str, str, list[str]] | None:
    """The subject, body and recipients of the mail about ``comment``; None if no
    editor has an address (the comment then keeps waiting for its mail)."""
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=groups.EDITORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        logger.warning("No editor has an e-mail address to be told about comment %s", comment.pk)
        return None
    link = settings.SITE_URL + reverse("admin:comments_comment_change", args=[comment.pk])
    # The editors' mail is in the site's language, whatever the commenter's.
    with translation.override(settings.LANGUAGE_CODE):
        # The commenter's words stay out of the headers: a fixed subject only.
        subject = _("A new comment is waiting for review")
        body = _(
            "A new comment on “%(article)s” is waiting for review.\n\n"
            "Open it in the admin to publish or reject it:\n%(link)s\n"
        ) % {"article": comment.article.title, "link": link}
    return subject, body, recipients


def _send_to_editors(comment_pk: int, subject: str, body: str, recipients: list[str]) -> bool:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    except Exception:
        logger.exception(
            "Could not e-mail the editors about comment %s; "
            "send_comment_notifications will try again",
            comment_pk,
        )
        return False
    try:
        Comment.objects.filter(pk=comment_pk).update(has_unsent_notification=False)
    except DatabaseError:
        logger.warning("E-mailed the editors about comment %s, but could not note it", comment_pk)
    return True
