from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_VALID_DAYS = 7
# Links are for a colleague's read-through, not a way around publishing.
MAX_VALID_DAYS = 90
# The token is the link's id signed with SECRET_KEY: unguessable and unforgeable, yet the
# editor can see the address again at any time. Revocation and expiry are in the database.
TOKEN_SALT = "reviews.ReviewLink"


def default_expiry():
    return timezone.now() + timedelta(days=DEFAULT_VALID_DAYS)


class ReviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())

    def revoked(self):
        return self.filter(revoked_at__isnull=False)

    def for_token(self, token: str) -> "ReviewLink | None":
        """The link a token was made for, whatever its state; None for a forged token."""
        try:
            pk = signing.Signer(salt=TOKEN_SALT).unsign(token)
        except signing.BadSignature:
            return None
        if not pk.isdigit():
            return None
        return self.filter(pk=int(pk)).first()

    def revoke(self) -> int:
        """Withdraw the links for good: their addresses give the "withdrawn" page."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class ReviewLink(models.Model):
    """A read-only address of an article as it is saved, for a reviewer without an
    account in the admin."""

    class State(models.TextChoices):
        # In context: "aktiv", "utgången", "återkallad" agree with "länk".
        ACTIVE = "active", pgettext_lazy("review link", "active")
        EXPIRED = "expired", pgettext_lazy("review link", "expired")
        REVOKED = "revoked", pgettext_lazy("review link", "revoked")

    article = models.ForeignKey(
        "news.Article",
        models.CASCADE,
        related_name="review_links",
        verbose_name=_("article"),
    )
    note = models.CharField(
        _("for whom"),
        max_length=200,
        blank=True,
        help_text=_("Optional: who gets the link, so that you know which one to revoke."),
    )
    expires_at = models.DateTimeField(_("valid until"), default=default_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review link")
        verbose_name_plural = _("review links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="reviews_reviewlink_expires_after_creation",
            ),
        ]

    def __str__(self):
        return str(self.article)

    def get_absolute_url(self):
        return reverse("reviews:review", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.Signer(salt=TOKEN_SALT).sign(str(self.pk))

    @property
    def address(self) -> str:
        """The full address to send: the site's own, whatever host the editor uses."""
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def state(self) -> "ReviewLink.State":
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE
