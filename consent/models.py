import fnmatch
import hashlib
import hmac
import json
import re
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def canonical_json(data) -> bytes:
    """A JSON document written one way only, so that equal content hashes equally."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode()


def canonical_sha256(data) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


class CookieCategory(models.Model):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"))
    is_required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("Required cookies are always on; visitors cannot switch them off."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("cookie category")
        verbose_name_plural = _("cookie categories")

    def __str__(self):
        return self.name


class Cookie(models.Model):
    """A cookie the site may set, declared so visitors and regulators can see it."""

    category = models.ForeignKey(
        CookieCategory, models.PROTECT, related_name="cookies", verbose_name=_("category")
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("Use * for a part that varies, e.g. _pk_id.*"),
    )
    provider = models.CharField(_("provider"), max_length=100)
    purpose = models.TextField(_("purpose"))
    duration = models.CharField(_("how long it is kept"), max_length=60)

    class Meta:
        ordering = ["category__order", "name"]
        verbose_name = _("cookie")
        verbose_name_plural = _("cookies")

    def __str__(self):
        return self.name

    def matches(self, cookie_name: str) -> bool:
        return fnmatch.fnmatchcase(cookie_name, self.name)


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


def script_origins() -> frozenset[str]:
    """The origins gated scripts may load from: CONSENT_SCRIPT_ORIGINS and Matomo's."""
    origins = {origin_of(origin) for origin in settings.CONSENT_SCRIPT_ORIGINS}
    if settings.MATOMO_URL:
        origins.add(origin_of(settings.MATOMO_URL))
    return frozenset(origins)


# Inside <script> only "</script" ends the element, and "<!--" can make the parser skip
# the real end tag (the "double escaped" state), so code without them cannot break out.
# Escaping "<" as \u003C, as json_script does for data, would break code such as
# "a<b": a Unicode escape is not an operator. So code containing either is refused.
SCRIPT_BREAKOUT = re.compile(r"</script|<!--", re.IGNORECASE)


def breaks_out_of_script(code: str) -> bool:
    return bool(SCRIPT_BREAKOUT.search(code))


class GatedScriptQuerySet(models.QuerySet):
    # One save per script, not update(): the history keeps who switched it, and the
    # post_save signal drops the cached policy (after commit). All in one transaction,
    # so visitors never get a policy with only some of the scripts switched.
    @transaction.atomic
    def switch_on(self) -> tuple[int, list[tuple["GatedScript", list[str]]]]:
        """Switch on each script that passes its checks; the others come back with why."""
        switched, refused = 0, []
        for script in self.filter(is_active=False).select_related("category"):
            script.is_active = True
            try:
                script.full_clean()
            except ValidationError as error:
                refused.append((script, error.messages))
                continue
            script.save(update_fields=["is_active"])
            switched += 1
        return switched, refused

    @transaction.atomic
    def switch_off(self) -> int:
        scripts = list(self.filter(is_active=True))
        for script in scripts:
            script.is_active = False
            script.save(update_fields=["is_active"])
        return len(scripts)


class GatedScript(models.Model):
    """A script that runs only for visitors who consented to its category.

    It runs on the site's own origin, beside the admin, so the admin limits who may
    write one: editors may switch scripts on and off, web managers choose addresses on
    the origins the operator allows, and only superusers write inline code, when the
    operator allows it at all.
    """

    class Placement(models.TextChoices):
        HEAD = "head", _("in the head")
        BODY_END = "body_end", _("at the end of the body")

    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        CookieCategory, models.PROTECT, related_name="scripts", verbose_name=_("category")
    )
    src = models.URLField(
        _("external address"), blank=True, help_text=_("https address of the script file.")
    )
    code = models.TextField(_("inline code"), blank=True)
    placement = models.CharField(
        _("placement"), max_length=10, choices=Placement, default=Placement.BODY_END
    )
    is_active = models.BooleanField(_("active"), default=False)

    history = HistoricalRecords(verbose_name=_("historical script"))

    objects = GatedScriptQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("script that needs consent")
        verbose_name_plural = _("scripts that need consent")
        permissions = [("toggle_gatedscript", _("Can switch scripts that need consent on and off"))]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if bool(self.src) == bool(self.code.strip()):
            errors["src"] = gettext("Give either an external address or inline code, not both.")
        if self.src and urlsplit(self.src).scheme != "https":
            errors["src"] = gettext("The address must start with https://.")
        elif self.src and not self.is_on_allowed_origin:
            errors["src"] = gettext(
                "The address must be on an allowed origin (CONSENT_SCRIPT_ORIGINS): %(origins)s."
            ) % {"origins": ", ".join(sorted(script_origins())) or gettext("none")}
        if self.code and not settings.CONSENT_ALLOW_INLINE_SCRIPTS:
            errors["code"] = gettext(
                "Inline code is switched off (CONSENT_ALLOW_INLINE_SCRIPTS): "
                "give an external address instead."
            )
        elif breaks_out_of_script(self.code):
            errors["code"] = gettext("Inline code may not contain “</script” or “<!--”.")
        if self.is_active and self.category_id:
            if self.category.is_required:
                errors["category"] = gettext(
                    "A script that needs consent cannot belong to a required category."
                )
            elif not self.category.cookies.exists():
                errors["is_active"] = gettext(
                    "Declare the cookies of the category “%(category)s” before activating "
                    "a script in it."
                ) % {"category": self.category.name}
        if errors:
            raise ValidationError(errors)

    @property
    def origin(self) -> str | None:
        return origin_of(self.src) if self.src else None

    @property
    def is_on_allowed_origin(self) -> bool:
        return urlsplit(self.src).scheme == "https" and self.origin in script_origins()

    @property
    def may_run(self) -> bool:
        """Whether the settings in force let this script run, whenever it was saved."""
        if self.src:
            return self.is_on_allowed_origin
        return settings.CONSENT_ALLOW_INLINE_SCRIPTS and not breaks_out_of_script(self.code)


class PolicyText(models.Model):
    """The exact texts a visitor was shown, stored once per distinct content."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    snapshot = models.JSONField(_("texts"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy texts")
        verbose_name_plural = _("policy texts")

    def __str__(self):
        return self.sha256[:12]


class PolicyVersion(models.Model):
    """A version of the cookie policy. A new version asks every visitor again."""

    number = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    change_note = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Shown on the banner to visitors who are asked again."),
    )
    texts = models.ForeignKey(
        PolicyText, models.PROTECT, editable=False, verbose_name=_("texts at publication")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self):
        return gettext("Version %(number)s") % {"number": self.number}


class ConsentRecordQuerySet(models.QuerySet):
    def accepting_optional(self):
        """Records allowing at least one optional category.

        Judged from the choices, not from how they were given: a settings page save
        with nothing ticked (a withdrawal) declines just as "Only necessary" does.
        """
        return self.filter(_accepts_optional())

    def declining_optional(self):
        return self.exclude(_accepts_optional())

    def weekly_counts(self):
        """How many records per week, policy version, method and optional acceptance.

        Rows are dicts: ``week`` (the Monday, a date), ``version`` (the policy version
        number), ``method``, ``optional_accepted`` and ``count``; the same facts a
        WeeklyConsentCount keeps once the records are pruned.
        """
        return (
            self.annotate(
                # The week starts on Monday in the site's time zone (Europe/Stockholm),
                # whatever time zone a request has activated.
                week=TruncWeek(
                    "created_at",
                    output_field=models.DateField(),
                    tzinfo=timezone.get_default_timezone(),
                ),
                version=F("policy_version__number"),
                optional_accepted=Case(
                    When(_accepts_optional(), then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .values("week", "version", "method", "optional_accepted")
            .annotate(count=Count("id"))
            .order_by("week", "version", "method", "optional_accepted")
        )


def _accepts_optional() -> Q:
    # has_key keeps the negation true for records older than a category: they never
    # allowed it. Without categories to allow, no record accepts (pk is never null).
    slugs = CookieCategory.objects.filter(is_required=False).values_list("slug", flat=True)
    return reduce(
        or_,
        (Q(choices__has_key=slug, **{f"choices__{slug}": True}) for slug in slugs),
        Q(pk__isnull=True),
    )


class ConsentRecord(models.Model):
    """One choice by one visitor. Append-only; each record carries its predecessor's hash."""

    class HashMethod(models.TextChoices):
        # Records written before CONSENT_RECORD_KEY existed keep their plain hashes.
        SHA256 = "sha256", "SHA-256"
        # Keyed: someone who can write the table but does not hold the key cannot
        # rewrite the chain after changing a record.
        HMAC_SHA256 = "hmac-sha256", "HMAC-SHA-256"

    class Method(models.TextChoices):
        BANNER_ACCEPT = "banner_accept", _("banner: accept all")
        BANNER_REJECT = "banner_reject", _("banner: only necessary")
        SETTINGS = "settings", _("settings page")
        GPC = "gpc", _("Global Privacy Control signal")

    consent_id = models.CharField(_("consent id"), max_length=32, db_index=True)
    choices = models.JSONField(_("choices"))
    policy_version = models.ForeignKey(
        PolicyVersion, models.PROTECT, related_name="records", verbose_name=_("policy version")
    )
    texts = models.ForeignKey(PolicyText, models.PROTECT, verbose_name=_("texts shown"))
    method = models.CharField(_("how it was given"), max_length=20, choices=Method)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    previous_hash = models.CharField(_("previous record's hash"), max_length=64, blank=True)
    record_hash = models.CharField(_("record hash"), max_length=64, unique=True)
    hash_method = models.CharField(
        _("hash method"), max_length=20, choices=HashMethod, default=HashMethod.SHA256
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.consent_id} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Consent records are append-only.")
        super().save(*args, **kwargs)

    def content(self) -> dict:
        """What the record hash covers; the receipt and the chain check use the same."""
        return {
            "consent_id": self.consent_id,
            "choices": self.choices,
            "policy_version": self.policy_version.number,
            "texts_sha256": self.texts.sha256,
            "method": self.method,
            "created_at": self.created_at.isoformat(),
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        if self.hash_method == self.HashMethod.HMAC_SHA256:
            key = settings.CONSENT_RECORD_KEY
            if not key:
                raise ImproperlyConfigured(
                    "CONSENT_RECORD_KEY is needed to check records hashed with it."
                )
            return hmac.new(key.encode(), canonical_json(self.content()), "sha256").hexdigest()
        return canonical_sha256(self.content())

    @property
    def accepted(self) -> list[str]:
        return sorted(slug for slug, allowed in self.choices.items() if allowed)


class ChainStart(models.Model):
    """Where the consent chain starts once the retention rule has deleted its oldest
    records: the hash of the last record deleted, which the oldest record left must
    name as its predecessor. Keyed like the records, so that someone who deletes more
    records from the start cannot move it without the key."""

    last_deleted_hash = models.CharField(_("hash of the last record deleted"), max_length=64)
    deleted_count = models.PositiveBigIntegerField(_("records deleted"), default=0)
    seal = models.CharField(_("seal"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("start of the consent chain")
        verbose_name_plural = _("start of the consent chain")

    def __str__(self):
        return self.last_deleted_hash[:12]

    def compute_seal(self) -> str:
        key = settings.CONSENT_RECORD_KEY
        if not key:
            return ""
        message = f"{self.last_deleted_hash}:{self.deleted_count}".encode()
        return hmac.new(key.encode(), message, "sha256").hexdigest()

    @classmethod
    def move_past(cls, records) -> None:
        """Record that ``records`` (the oldest of the chain) are being deleted."""
        last = records.order_by("-id").values_list("record_hash", flat=True).first()
        if last is None:
            return
        start = cls.objects.select_for_update().first() or cls(last_deleted_hash="")
        start.last_deleted_hash = last
        start.deleted_count += records.count()
        start.seal = start.compute_seal()
        start.save()


class WeeklyConsentCount(models.Model):
    """Counts that outlive the records they summarise when old records are deleted."""

    week = models.DateField(_("week starting"))
    policy_version = models.PositiveIntegerField(_("policy version"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentRecord.Method)
    optional_accepted = models.BooleanField(_("accepted optional cookies"))
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        ordering = ["-week"]
        verbose_name = _("weekly consent count")
        verbose_name_plural = _("weekly consent counts")
        constraints = [
            models.UniqueConstraint(
                fields=["week", "policy_version", "method", "optional_accepted"],
                name="consent_weekly_count_unique",
            )
        ]

    def __str__(self):
        return f"{self.week} v{self.policy_version} {self.method}"
