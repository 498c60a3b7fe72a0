"""What an editor's open article form held a moment ago, kept on the server while they
type so that a crash, a closed tab or a logout loses a minute at most. A kept form is
never a version of the article: it is one row per editor and article, replaced each
time, and gone when the article is saved or the editor throws it away."""

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _


class KeptFormQuerySet(models.QuerySet):
    def of(self, user, article) -> "KeptFormQuerySet":
        """The editor's kept form of the article, or of a new article when it is None."""
        return self.filter(user=user, article=article)

    def offered(self, user, article) -> "KeptFormQuerySet":
        """What to offer back: for a saved article only what is newer than its last save."""
        kept = self.of(user, article)
        if article is not None:
            kept = kept.filter(saved_at__gt=article.updated_at)
        return kept


class KeptForm(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("editor"),
    )
    # Empty for the form of a new, unsaved article.
    article = models.ForeignKey(
        "news.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article"),
    )
    # What the form would send, by field name, each a list of values (files left out).
    fields = models.JSONField(_("fields"))
    saved_at = models.DateTimeField(_("kept at"), auto_now=True)

    objects = KeptFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("kept form")
        verbose_name_plural = _("kept forms")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(article__isnull=False),
                name="autosave_one_kept_form_per_article",
            ),
            # NULLs are distinct in a unique constraint: one "new article" form apart.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="autosave_one_kept_new_article_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.article or '-'}"

    def as_data(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, values in self.fields.items():
            data.setlist(name, [str(value) for value in values])
        return data

    def initial_for(self, form_class) -> dict:
        """The kept values as initial data of the form's fields, read by each field's
        widget as a submitted form would be (split dates, multiple choices)."""
        data = self.as_data()
        initial = {}
        for name, field in form_class.base_fields.items():
            if field.disabled:
                continue
            if field.widget.value_omitted_from_data(data, {}, name):
                continue
            initial[name] = field.widget.value_from_datadict(data, {}, name)
        return initial
