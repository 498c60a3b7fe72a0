from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Anonymous writes from one client in one time window, for the rate limits
    (adda_site.rate_limits) when the cache is not Redis: a row is shared by every
    worker and app server, which a per-process or per-machine cache is not."""

    # The limit's scope, a keyed hash of the client's address (never the address) and
    # the window's number.
    key = models.CharField(_("key"), max_length=120, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return self.key
