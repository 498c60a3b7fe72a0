"""The visitor's consent: read from one signed first-party cookie, saved with a record."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from .models import ConsentRecord, PolicyVersion
from .policy import Policy, current_policy, texts_record

SALT = "consent.cookie"
# A real choice is about 150 bytes; anything far larger is not ours.
MAX_COOKIE_LENGTH = 1024


@dataclass(frozen=True)
class Consent:
    """What one visitor allows, as templates and views ask it (``request.consent``)."""

    allowed: frozenset[str] = frozenset()
    consent_id: str | None = None
    recorded_at: datetime | None = None
    version: int | None = None
    is_current: bool = False
    gpc: bool = False

    def allows(self, category: str) -> bool:
        return category in self.allowed

    @property
    def shows_banner(self) -> bool:
        return not self.is_current and not self.gpc

    @property
    def page_cache_bucket(self) -> str:
        """All that a public page shows differently for this choice (the banner, the
        scripts that may run): visitors in one bucket share cached pages, whatever
        their cookie says besides (adda_site.page_cache). A visitor asked again after
        a change is told what changed, which one asked for the first time is not."""
        asked_again = not self.is_current and self.consent_id is not None
        states = f"{int(self.is_current)}{int(self.gpc)}{int(asked_again)}"
        return f"{states}.{'.'.join(sorted(self.allowed))}"


def _read_cookie(request) -> dict | None:
    value = request.COOKIES.get(settings.CONSENT_COOKIE_NAME)
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    try:
        data = signing.loads(value, salt=SALT)
        at = datetime.fromisoformat(data["at"])
        if timezone.is_naive(at):
            # Cannot be compared with the time now, so it says nothing about the choice.
            return None
        return {
            "id": str(data["id"])[:32],
            "allowed": frozenset(str(slug) for slug in data["allowed"]),
            "version": int(data["version"]),
            # Cookies from before the texts were named in them have none: asked again.
            "texts": str(data.get("texts", "")),
            "at": at,
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError):  # JSON errors are ValueErrors
        return None


def read_consent(request, policy: Policy | None = None) -> Consent:
    """The visitor's current consent, with everything optional off until a valid choice."""
    policy = policy or current_policy()
    required = policy.required_slugs
    # Sec-GPC: 1 is the browser declining on the visitor's behalf: only the necessary
    # cookies until the visitor chooses otherwise. Nothing is recorded for it: the
    # header comes with every request and is its own evidence, and recording it would
    # let anyone fill the register (one record per request from a client that keeps no
    # cookies).
    gpc = request.headers.get("Sec-GPC") == "1"
    data = _read_cookie(request)
    if data is None:
        return Consent(allowed=required, gpc=gpc)
    max_age = timedelta(days=settings.CONSENT_MAX_AGE_DAYS)
    # A choice holds for the texts it was given on: an edited description or a new
    # cookie in a category asks again, even before editors publish a new version.
    is_current = (
        data["version"] == policy.version
        and data["texts"] == policy.texts_sha256
        and data["at"] > timezone.now() - max_age
    )
    allowed = required | (data["allowed"] & policy.optional_slugs) if is_current else required
    return Consent(
        allowed=allowed,
        consent_id=data["id"],
        recorded_at=data["at"],
        version=data["version"],
        is_current=is_current,
        gpc=gpc,
    )


def _lock_record_chain() -> None:
    # Each record carries its predecessor's hash, so appends must be serialised.
    # SQLite runs write transactions IMMEDIATE (one writer at a time) already.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_305_112])


def append_record(
    *, consent_id: str, allowed: frozenset[str], method: str, policy: Policy
) -> ConsentRecord:
    record = ConsentRecord(
        consent_id=consent_id,
        choices={c.slug: c.is_required or c.slug in allowed for c in policy.categories},
        # The version the visitor was shown, which the cookie names too; a newer one
        # another worker has just published is asked about on the next page.
        policy_version=PolicyVersion.objects.get(number=policy.version),
        texts=texts_record(policy),
        method=method,
        hash_method=(
            ConsentRecord.HashMethod.HMAC_SHA256
            if settings.CONSENT_RECORD_KEY
            else ConsentRecord.HashMethod.SHA256
        ),
    )
    # Everything else is read before the chain is locked: the lock is held for reading
    # the last hash and one insert, so a flood of choices makes nobody else wait long.
    with transaction.atomic():
        _lock_record_chain()
        previous = ConsentRecord.objects.order_by("-id").values_list("record_hash", flat=True)
        record.previous_hash = previous.first() or ""
        record.created_at = timezone.now().replace(microsecond=0)
        record.record_hash = record.compute_hash()
        record.save()
    return record


def save_choice(request, response, *, allowed: set[str], method: str) -> ConsentRecord | None:
    """Record the visitor's choice, set the cookie, and delete cookies no longer allowed.

    The same choice again, on the policy the visitor already chose on, changes nothing
    and writes no record (a double click, or "Acceptera alla" on a stale page)."""
    policy = current_policy()
    allowed = frozenset(allowed) & policy.optional_slugs
    current = getattr(request, "consent", None)
    if (
        current is not None
        and current.is_current
        and current.allowed & policy.optional_slugs == allowed
    ):
        return None
    consent_id = (current.consent_id if current else None) or secrets.token_hex(16)
    record = append_record(consent_id=consent_id, allowed=allowed, method=method, policy=policy)
    value = signing.dumps(
        {
            "id": consent_id,
            "allowed": sorted(allowed),
            "version": policy.version,
            "texts": policy.texts_sha256,
            "at": record.created_at.isoformat(),
        },
        salt=SALT,
        compress=True,
    )
    response.set_cookie(
        settings.CONSENT_COOKIE_NAME,
        value,
        max_age=settings.CONSENT_MAX_AGE_DAYS * 24 * 3600,
        # Not only when the request looks secure: behind a proxy that terminates TLS it
        # may not, and the cookie must still never travel over plain HTTP.
        secure=request.is_secure() or not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )
    for declared in policy.cookies_outside(allowed):
        for name in request.COOKIES:
            if fnmatchcase(name, declared.name):
                # Without a Domain attribute, as Matomo's snippet sets them: a response
                # carries one Set-Cookie per name, and one for ".host" would leave the
                # host's own cookie in place.
                response.delete_cookie(name)
    request.consent = Consent(
        allowed=policy.required_slugs | allowed,
        consent_id=consent_id,
        recorded_at=record.created_at,
        version=policy.version,
        is_current=True,
        gpc=request.headers.get("Sec-GPC") == "1",
    )
    return record
