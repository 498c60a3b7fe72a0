import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adda_site import page_cache

from . import rendering

# Control characters and the Unicode bidirectional overrides and isolates, which
# can make a name display as something else than what was typed.
_INVISIBLE = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def clean_name(name: str) -> str:
    name = _INVISIBLE.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return " ".join(name.split())


def clean_text(text: str) -> str:
    """Keep line breaks and tabs; drop other control and direction characters."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def _set_status(self, status) -> int:
        changed = self.update(status=status, moderated_at=timezone.now())
        if changed:
            # update() sends no signal: the pages showing comments are made fresh here.
            page_cache.pages_changed()
        return changed

    def publish(self) -> int:
        return self._set_status(Comment.Status.PUBLISHED)

    def reject(self) -> int:
        return self._set_status(Comment.Status.REJECTED)

    def mark_spam(self) -> int:
        return self._set_status(Comment.Status.SPAM)

    def awaiting_notification(self):
        """Comments the editors were to be e-mailed about, whose mail has not gone yet."""
        return self.filter(has_unsent_notification=True)

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk-created comments (imports, the load test's) are whole too: save() is not run.
        objs = list(objs)
        with rendering.stored_language():
            written = rendering.comments_html((c.name, c.text, c.created_at, c.reply) for c in objs)
        for comment, html in zip(objs, written, strict=True):
            comment.html = html
        return super().bulk_create(objs, *args, **kwargs)

    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def past_retention(self):
        """What the retention rules allow to be deleted or stripped now."""
        days = settings.COMMENTS_REJECTED_RETENTION_DAYS
        return self.filter(
            status__in=[Comment.Status.REJECTED, Comment.Status.SPAM],
            created_at__lt=timezone.now() - timedelta(days=days),
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        SPAM = "spam", _("spam")

    article = models.ForeignKey(
        "news.Article", models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail"), max_length=254)
    text = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    # A keyed hash, never the address itself, emptied after COMMENTS_IP_RETENTION_DAYS.
    ip_hash = models.CharField(_("hashed IP address"), max_length=64, blank=True)
    spam_reason = models.CharField(_("why it was marked as spam"), max_length=100, blank=True)
    reply = models.TextField(
        _("reply from the editors"),
        blank=True,
        help_text=_("Shown under the comment, marked as a reply from the editors."),
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # Set when the comment is stored, cleared once the mail has gone: a mail server that
    # is down, or a worker that stops before sending, leaves it set for the next try.
    has_unsent_notification = models.BooleanField(
        _("e-mail to the editors not sent yet"),
        default=False,
        help_text=_(
            "The editors are still to be told about this comment by e-mail: "
            "send_comment_notifications tries again."
        ),
    )

    # Written by save() from name, text, created_at and reply, so that the article page
    # reads one column instead of writing each comment on every view (issue 11). The
    # database default is for servers of the previous release, which insert without it
    # during an upgrade: the page writes those itself until manage.py write_comments.
    html = models.TextField(_("HTML on article pages"), editable=False, blank=True, db_default="")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["article", "status", "created_at"])]

    def __str__(self):
        return f"{self.name}: {self.text[:40]}"

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(rendering.WRITTEN_FROM).isdisjoint(update_fields):
            with rendering.stored_language():
                self.html = rendering.comment_html(
                    self.name, self.text, self.created_at, self.reply
                )
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "html"}
        super().save(**kwargs)

    def export(self) -> dict:
        return {
            "article": self.article.title,
            "article_url": self.article.get_absolute_url(),
            "name": self.name,
            "email": self.email,
            "text": self.text,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "reply": self.reply,
        }


class BlockedWord(models.Model):
    """A word or phrase that sends a comment to spam."""

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")

    def __str__(self):
        return self.phrase


class CommentRules(models.Model):
    """Who runs the comment service and its rules, shown next to the form."""

    CACHE_KEY = "comments:rules"

    text = models.TextField(
        _("rules"),
        help_text=_(
            "Who runs the comment service, what is removed, that comments are moderated "
            "and may be kept as public records."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("comment rules")
        verbose_name_plural = _("comment rules")

    def __str__(self):
        return self.text[:60]

    @classmethod
    def current_text(cls) -> str:
        """The rules shown next to every comment form."""

        def newest() -> str:
            rules = cls.objects.order_by("-updated_at").first()
            return rules.text if rules else ""

        return page_cache.remember(cls.CACHE_KEY, newest)
