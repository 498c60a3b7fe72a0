from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from adda_site.rich_text import TEXT_EXTENSIONS

# The article body's tools without images: site pages have no image bank of their own.
PAGE_EDITOR_EXTENSIONS = TEXT_EXTENSIONS
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
STATEMENT_PK = 1


def today():
    return timezone.localdate()


class Page(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The page's address: /slug/. Addresses the site already uses are refused."),
    )
    description = models.CharField(
        _("description for search engines"),
        max_length=160,
        blank=True,
        help_text=_("Optional: shown by search engines and when the page is shared."),
    )
    body = ProseEditorField(_("body"), extensions=PAGE_EDITOR_EXTENSIONS, sanitize=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitised here too, so no path around the admin form stores raw HTML.
        self.body = self._meta.get_field("body").sanitize(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:page", kwargs={"slug": self.slug})

    def clean(self):
        # Pages live at the root, after every other address: /nyheter/ must stay the news.
        try:
            match = resolve(f"/{self.slug}/")
        except Resolver404:
            return
        if match.view_name != "pages:page":
            raise ValidationError(
                {"slug": gettext("This address is already used by another part of the site.")}
            )


class AccessibilityStatement(models.Model):
    """The statement the law on accessibility to digital public services (DOS) requires,
    with the parts of the model statement of the supervisory authority, Digg."""

    class Compliance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    class Method(models.TextChoices):
        SELF = "self", _("self-assessment")
        EXTERNAL = "external", _("external audit")

    organisation = models.CharField(_("organisation"), max_length=200)
    service = models.CharField(
        _("name of the website or service"),
        max_length=200,
        help_text=_("The website or service the statement covers."),
    )
    compliance = models.CharField(
        _("compliance status"),
        max_length=10,
        choices=Compliance,
        help_text=_(
            "How well the website meets the requirements of the law (WCAG 2.1 level AA "
            "through EN 301 549)."
        ),
    )
    out_of_scope = models.TextField(
        _("content outside the scope of the law"),
        blank=True,
        help_text=_(
            "Optional: for example office files published before 23 September 2018, or "
            "pre-recorded video published before 23 September 2020."
        ),
    )
    assessed_on = models.DateField(_("date of the assessment"))
    assessment_method = models.CharField(
        _("method of the assessment"), max_length=10, choices=Method, default=Method.SELF
    )
    assessed_by = models.CharField(
        _("assessed by"),
        max_length=200,
        blank=True,
        help_text=_("For an external audit: who made it."),
    )
    assessment_details = models.TextField(
        _("how the website was tested"),
        blank=True,
        help_text=_("Optional: tools, samples of pages, tests with users."),
    )
    published_on = models.DateField(_("date the website was published"), null=True, blank=True)
    updated_on = models.DateField(
        _("date the statement was last updated"),
        default=today,
        help_text=_("Change it whenever you review the statement."),
    )
    contact_email = models.EmailField(
        _("e-mail for accessibility requests"),
        help_text=_("Where visitors ask for content in an accessible form."),
    )
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    response_time = models.CharField(
        _("response time"),
        max_length=200,
        blank=True,
        help_text=_("Optional: for example “We usually answer within five working days.”"),
    )
    digg_report_url = models.URLField(
        _("address of Digg's report form"),
        default=DIGG_REPORT_URL,
        help_text=_("Where visitors report to the supervisory authority, Digg."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")
        constraints = [
            # There is one statement: the site's.
            models.CheckConstraint(condition=Q(pk=STATEMENT_PK), name="pages_single_statement"),
        ]

    def __str__(self):
        return gettext("Accessibility statement for %(service)s") % {"service": self.service}

    def save(self, *args, **kwargs):
        # Insert as row 1, never update another: a second statement is refused by the
        # database instead of silently replacing the first.
        if self._state.adding:
            self.pk = STATEMENT_PK
            kwargs.setdefault("force_insert", True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:accessibility")

    def validate_constraints(self, exclude=None):
        # The form of a new statement has no primary key yet; save() gives it one.
        if self._state.adding and self.pk is None:
            if AccessibilityStatement.objects.exists():
                raise ValidationError(gettext("There is already an accessibility statement."))
            return
        super().validate_constraints(exclude=exclude)

    @property
    def is_fully_compliant(self) -> bool:
        return self.compliance == self.Compliance.FULL


class InaccessibleContent(models.Model):
    """Content that does not meet the requirements: a shortcoming the statement lists."""

    statement = models.ForeignKey(
        AccessibilityStatement,
        models.CASCADE,
        related_name="inaccessible_content",
        verbose_name=_("accessibility statement"),
    )
    description = models.TextField(_("content that is not accessible"))
    reason = models.TextField(
        _("why it is not accessible"),
        help_text=_("What the problem is, for whom, and the WCAG success criteria it fails."),
    )
    alternative = models.TextField(
        _("accessible alternative"),
        blank=True,
        help_text=_("Optional: how a visitor gets the content in another way."),
    )
    fix_planned_on = models.DateField(
        _("to be fixed by"),
        null=True,
        blank=True,
        help_text=_("Optional: when the shortcoming is to be fixed."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("content that is not accessible")
        verbose_name_plural = _("content that is not accessible")

    def __str__(self):
        return self.description[:80]


class BurdenExemption(models.Model):
    """Content exempted because making it accessible would be a disproportionate burden."""

    statement = models.ForeignKey(
        AccessibilityStatement,
        models.CASCADE,
        related_name="burden_exemptions",
        verbose_name=_("accessibility statement"),
    )
    description = models.TextField(_("exempted content"))
    reason = models.TextField(
        _("reasons"),
        help_text=_("Why making it accessible would be a disproportionate burden."),
    )
    alternative = models.TextField(
        _("accessible alternative"),
        blank=True,
        help_text=_("Optional: how a visitor gets the content in another way."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("exemption for disproportionate burden")
        verbose_name_plural = _("exemptions for disproportionate burden")

    def __str__(self):
        return self.description[:80]


class AccessibilityReportQuerySet(models.QuerySet):
    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def past_retention(self):
        """Reports nobody has changed for PAGES_REPORT_RETENTION_DAYS: handled long ago."""
        days = settings.PAGES_REPORT_RETENTION_DAYS
        return self.filter(updated_at__lt=timezone.now() - timedelta(days=days))


class AccessibilityReport(models.Model):
    """A visitor's report of an accessibility problem, or request for accessible content."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    problem = models.TextField(_("problem or request"), max_length=5000)
    page = models.CharField(_("page"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW, db_index=True
    )
    note = models.TextField(
        _("internal note"), blank=True, help_text=_("Only editors see it: what was done.")
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccessibilityReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")

    def __str__(self):
        return self.problem[:80]

    def export(self) -> dict:
        return {
            "problem": self.problem,
            "page": self.page,
            "name": self.name,
            "email": self.email,
            "status": self.status,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
        }
