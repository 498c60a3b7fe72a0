"""The cookie policy in force: categories, declared cookies, gated scripts, version, texts.

Read on every page, so it is kept in the shared cache under the page generation,
which moves whenever an editor changes any part of it (consent.apps): every worker
and app server reads the new policy on its next request.
"""

import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from adda_site import page_cache

from .models import CookieCategory, GatedScript, PolicyText, PolicyVersion, canonical_sha256

logger = logging.getLogger(__name__)

CACHE_KEY = "consent:policy"


@dataclass(frozen=True)
class DeclaredCookie:
    name: str
    provider: str
    purpose: str
    duration: str


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str
    is_required: bool
    cookies: tuple[DeclaredCookie, ...] = ()


@dataclass(frozen=True)
class Script:
    name: str
    category: str
    placement: str
    src: str = ""
    code: str = ""
    origin: str | None = None


@dataclass(frozen=True)
class Policy:
    version: int
    change_note: str
    categories: tuple[Category, ...]
    scripts: tuple[Script, ...]
    banner: dict = field(default_factory=dict)

    @property
    def optional_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if not c.is_required)

    @property
    def required_slugs(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.categories if c.is_required)

    @property
    def optional_slugs(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.optional_categories)

    def cookies_outside(self, allowed: frozenset[str]) -> tuple[DeclaredCookie, ...]:
        """Cookies of optional categories the visitor has not (or no longer) allowed."""
        return tuple(
            cookie
            for category in self.optional_categories
            if category.slug not in allowed
            for cookie in category.cookies
        )

    def scripts_for(self, allowed: frozenset[str], placement: str | None = None):
        # Only optional categories can start scripts: a category an editor later marks
        # as required must not switch its scripts on for everyone without consent.
        consented = allowed & self.optional_slugs
        return [
            script
            for script in self.scripts
            if script.category in consented and placement in (None, script.placement)
        ]

    def origins_for(self, allowed: frozenset[str]) -> list[str]:
        return sorted({s.origin for s in self.scripts_for(allowed) if s.origin})

    @property
    def texts(self) -> dict:
        """The exact texts shown to visitors, which a consent record's hash covers."""
        return {
            "banner": self.banner,
            "categories": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "description": c.description,
                    "required": c.is_required,
                    "cookies": [vars(cookie) for cookie in c.cookies],
                }
                for c in self.categories
            ],
            # What runs for those who allow a category is part of what they agree to.
            "scripts": [
                {"name": s.name, "category": s.category, "origin": s.origin or "self"}
                for s in self.scripts
            ],
        }

    @cached_property
    def texts_sha256(self) -> str:
        # Read on every request that asks about consent: computed once per policy.
        return canonical_sha256(self.texts)


def banner_texts(categories: tuple[Category, ...], change_note: str) -> dict:
    required = ", ".join(c.name for c in categories if c.is_required)
    optional = ", ".join(c.name for c in categories if not c.is_required)
    return {
        "heading": _("We use cookies"),
        "text": _(
            "We use cookies that the site needs to work (%(required)s). With your consent we "
            "also use cookies for: %(optional)s. You can change your choice at any time under "
            "“Cookie settings” at the bottom of every page."
        )
        % {"required": required, "optional": optional},
        "change_note": change_note,
        "accept": _("Accept all"),
        "reject": _("Only necessary"),
        "settings": _("Cookie preferences"),
    }


def scripts_may_run_on(request) -> bool:
    """Gated scripts never run in the admin, not even on its error pages.

    The admin shares the site's origin: a script on its pages could read and send its
    forms with the rights of whoever is logged in.
    """
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return True
    return not request.path.startswith(admin_root)


def matomo_script() -> Script | None:
    url, site_id = settings.MATOMO_URL, settings.MATOMO_SITE_ID
    if not (url and site_id):
        return None
    url = url if url.endswith("/") else f"{url}/"
    parts = urlsplit(url)
    code = (
        "var _paq = window._paq = window._paq || [];"
        "_paq.push(['trackPageView']);_paq.push(['enableLinkTracking']);"
        f"(function(){{var u={json.dumps(url)};"
        "_paq.push(['setTrackerUrl', u+'matomo.php']);"
        f"_paq.push(['setSiteId', {json.dumps(str(site_id))}]);"
        "var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];"
        "g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);})();"
    )
    return Script(
        name="Matomo",
        category=settings.CONSENT_MATOMO_CATEGORY,
        placement=GatedScript.Placement.BODY_END,
        code=code,
        origin=f"{parts.scheme}://{parts.netloc}",
    )


def _scripts() -> tuple[Script, ...]:
    scripts = [
        Script(
            name=s.name,
            category=s.category.slug,
            placement=s.placement,
            src=s.src,
            code=s.code,
            origin=s.origin,
        )
        for s in GatedScript.objects.filter(is_active=True).select_related("category")
        # Scripts saved before the operator narrowed the settings stop at once.
        if s.may_run
    ]
    if matomo := matomo_script():
        scripts.insert(0, matomo)
    return tuple(scripts)


def _policy(number: int, change_note: str) -> Policy:
    categories = _categories()
    return Policy(
        version=number,
        change_note=change_note,
        categories=categories,
        scripts=_scripts(),
        banner=banner_texts(categories, change_note),
    )


def _version_texts_sha256(policy: Policy) -> str:
    # A version's texts are kept in the site's language, whatever language asks.
    with translation.override(settings.LANGUAGE_CODE):
        return _policy(policy.version, policy.change_note).texts_sha256


def _load() -> Policy:
    version = current_version()
    policy = _policy(version.number, version.change_note)
    texts_sha256 = _version_texts_sha256(policy)
    if texts_sha256 == version.texts.sha256:
        return policy
    if PolicyVersion.objects.filter(texts__sha256=texts_sha256).exists():
        # The texts of an earlier version: this worker runs older code or settings than
        # the one that published the latest (a rolling deploy). Publishing them again
        # would make the servers take turns asking every visitor again.
        logger.warning(
            "The cookie policy texts are those of a version before %s: no new version is "
            "published (a change undone, or a server on older code during a deploy).",
            version.number,
        )
    else:
        # Categories, cookies or scripts have changed since the version was published
        # (a script switched on, a cookie added, MATOMO_URL set): a choice given on the
        # old texts no longer holds, so a new version asks everyone again.
        version = publish_version(
            change_note=_(
                "The information about cookies and the scripts that set them has changed."
            )
        )
        policy = _policy(version.number, version.change_note)
    return policy


def current_policy() -> Policy:
    def load() -> Policy:
        policy = _load()
        # Computed before it is cached, so that every request reading it gets it with
        # the policy instead of hashing the texts again.
        policy.texts_sha256  # noqa: B018
        return policy

    # Every edit of the policy's parts moves the page generation (consent.apps).
    return page_cache.remember(f"{CACHE_KEY}:{get_language()}", load)


def forget_policy() -> None:
    """The policy is read again from the database on the next request."""
    page_cache.pages_changed()


def current_version() -> PolicyVersion:
    version = PolicyVersion.objects.select_related("texts").order_by("-number").first()
    return version or publish_version(change_note="")


def texts_record(policy: Policy) -> PolicyText:
    texts, _created = PolicyText.objects.get_or_create(
        sha256=policy.texts_sha256, defaults={"snapshot": policy.texts}
    )
    return texts


def publish_version(*, change_note: str) -> PolicyVersion:
    """A new policy version: everyone is asked again, and its texts are kept."""
    with translation.override(settings.LANGUAGE_CODE):
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
                    number = latest.number + 1 if latest else 1
                    snapshot = _policy(number, change_note)
                    if latest and latest.texts.sha256 == snapshot.texts_sha256:
                        return latest  # another worker has just published the same texts
                    version = PolicyVersion.objects.create(
                        number=number, change_note=change_note, texts=texts_record(snapshot)
                    )
                    transaction.on_commit(forget_policy)
                    return version
            except IntegrityError:
                # Two workers took the same number at once: the loser reads the winner's.
                continue
    raise RuntimeError("Could not publish a policy version: the number stays taken.")


def _categories() -> tuple[Category, ...]:
    return tuple(
        Category(
            slug=c.slug,
            name=c.name,
            description=c.description,
            is_required=c.is_required,
            cookies=tuple(
                DeclaredCookie(k.name, k.provider, k.purpose, k.duration) for k in c.cookies.all()
            ),
        )
        for c in CookieCategory.objects.prefetch_related("cookies")
    )
