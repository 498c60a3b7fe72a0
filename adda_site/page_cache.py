"""Whole anonymous pages from the shared cache: right for every visitor, fresh after every
edit, on every worker and every app server.

A view opts in with ``@cached_for_visitors`` (news pages, feeds, the sitemap). Its page is
stored once per *generation*, language, consent bucket and address, and served again
without a query or a template. What differs per response is filled in per response: the
CSRF token, the CSP nonce and the comment form's signed time stamp are stored as markers
and replaced on every hit.

Freshness: the generation is a random token in the shared cache. Every change that can
show on a public page (apps name their models with ``refresh_on_change``) sets a new
token, so every stored page is orphaned at once, for every process that shares the cache
(the file cache on one machine, Redis on several). A token is never reused, and a page is
stored under the token read before it was rendered, so a page rendered before an edit is
never found under a token set after it. Scheduled changes (an article that appears or
expires at a set time) are known in advance: the generation ends at the next one, and no
page is stored longer than that.
"""

import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, urlencode
from django.utils.translation import get_language

from .forms import make_stamp, stamp_target

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# Part of every key: a release that changes what is stored (StoredPage, the cookie
# policy) moves it, so servers of two releases never read each other's pickles.
FORMAT = 2
# A generation ends after this long even with nothing scheduled: the bound on staleness
# should a new schedule's invalidation ever be lost (a write to a dead Redis, say).
GENERATION_MAX_SECONDS = 600

# Markers for what is per response; derived from the secret key, so that text a visitor
# writes (a comment) cannot contain one, and the same in every worker sharing the cache.
_SEED = hashlib.sha256(f"page-cache:{settings.SECRET_KEY}".encode()).hexdigest()[:24]
CSRF_MARKER = f"csrf{_SEED}".encode()
NONCE_MARKER = f"nonce{_SEED}".encode()
STAMP_MARKER = f"stamp{_SEED}:"

# A marker's name: "csrf", "nonce", or a stamp's index.
_MARKERS = re.compile(
    rb"(csrf|nonce)" + _SEED.encode() + rb"|stamp" + _SEED.encode() + rb":([0-9]+):"
)
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_STAMP_INPUT = re.compile(rb'<input[^>]*\bname="stamp"[^>]*>')
_VALUE = re.compile(rb'\bvalue="([^"]*)"')

# Headers the cache sets itself, or that belong to one response only.
_NOT_STORED = {"content-length", "etag", "cache-control", "vary", "set-cookie", "date"}


@dataclass(frozen=True)
class CachePolicy:
    """How a view's pages may be shared between visitors.

    ``query``: the parameters that may be in a shared page's address, each with the
    pattern its value must match (anything else is rendered for that visitor alone, so
    that endless made-up addresses cannot fill the cache). ``per_visitor``: the page
    depends on the visitor's consent and carries forms (HTML); feeds and the sitemap do
    not, and a CDN may share them.
    """

    query: dict[str, re.Pattern] = field(default_factory=dict)
    per_visitor: bool = True


def cached_for_visitors(view=None, *, query: dict[str, str] | None = None, per_visitor=True):
    """Mark a view whose anonymous GET and HEAD pages may come from the page cache."""
    policy = CachePolicy(
        query={name: re.compile(pattern) for name, pattern in (query or {}).items()},
        per_visitor=per_visitor,
    )

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.page_cache_policy = policy
        return wrapper

    return decorate(view) if view is not None else decorate


# Generations

# What one request has read of the shared cache: the generation and the values kept for
# it (cookie policy, comment rules), read once per request instead of once per use. A
# request sees one generation from start to end; the next one sees any change.
_request = threading.local()


def _start_request(**kwargs) -> None:
    _request.values = {}


def _end_request(**kwargs) -> None:
    _request.values = None


request_started.connect(_start_request)
request_finished.connect(_end_request)


def _read_once(key: str) -> object:
    values = getattr(_request, "values", None)
    if values is None:
        return cache.get(key)
    if key not in values:
        values[key] = cache.get(key)
    return values[key]


def _remember_for_request(key: str, value: object) -> None:
    if getattr(_request, "values", None) is not None:
        _request.values[key] = value


_schedules: list[Callable[[datetime], datetime | None]] = []


def on_schedule(next_change: Callable[[datetime], datetime | None]) -> None:
    """Register a function that tells, from a time, when public pages next change by
    themselves (an article appears or expires); None if nothing is scheduled."""
    _schedules.append(next_change)


def _mint(now: datetime) -> tuple[str, float]:
    changes = [when for when in (schedule(now) for schedule in _schedules) if when is not None]
    ends = now.timestamp() + GENERATION_MAX_SECONDS
    if changes:
        ends = min(ends, min(changes).timestamp())
    generation = (secrets.token_hex(8), ends)
    cache.set(GENERATION_KEY, generation, None)
    _remember_for_request(GENERATION_KEY, generation)
    return generation


class _AfterCommit:
    """The new generation an edit in a transaction starts when it commits. Until then it
    is the transaction's own: what this connection reads and caches in the meantime may
    be rolled back, and is stored under a token no other connection uses (Django forgets
    the callback when its savepoint rolls back)."""

    def __init__(self):
        self.token = secrets.token_hex(4)

    def __call__(self):
        _mint(timezone.now())


def _uncommitted_token() -> str | None:
    pending = [
        callback
        for _savepoints, callback, _robust in transaction.get_connection().run_on_commit
        if isinstance(callback, _AfterCommit)
    ]
    return pending[-1].token if pending else None


def current_generation() -> tuple[str, float]:
    """The token pages are stored under now, and the time (a timestamp) it ends."""
    now = timezone.now()
    generation = _read_once(GENERATION_KEY)
    if generation is None or now.timestamp() >= generation[1]:
        generation = _mint(now)
    if uncommitted := _uncommitted_token():
        return f"{generation[0]}.{uncommitted}", generation[1]
    return generation


def remember(name: str, compute: Callable[[], object]):
    """A value read from the database on every page (the cookie policy, the comment
    rules), kept in the shared cache for the current generation: one read before an edit
    is never kept after it, as a delete-on-edit would allow."""
    token, _ends = current_generation()
    key = f"{name}:v{FORMAT}:{token}"
    value = _read_once(key)
    if value is None:
        value = compute()
        cache.set(key, value, GENERATION_MAX_SECONDS)
        _remember_for_request(key, value)
    return value


def pages_changed() -> None:
    """Something public changed: every stored page is stale, in every process, from the
    moment the change is committed (at once outside a transaction)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _mint(timezone.now())
        return
    # One new generation per transaction, however many rows it changes (a bulk delete
    # of 500 comments): a pending one registered at this savepoint level or an outer one
    # is rolled back only with this change, and gets a new token for what this
    # connection reads from now on.
    active = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _AfterCommit) and set(savepoints) <= active:
            callback.token = secrets.token_hex(4)
            return
    # Robust: a cache that cannot be written must not turn a committed edit into an error.
    transaction.on_commit(_AfterCommit(), robust=True)


def refresh_on_change(
    *model_classes: type[models.Model], when: Callable[..., bool] | None = None
) -> None:
    """Pages are made fresh when one of these models is saved or deleted, its many-to-many
    relations included; ``when(instance, created=...)`` may leave some saves out."""

    def changed(sender, instance, created=False, **kwargs):
        if when is None or when(instance, created=created):
            pages_changed()

    def relations_changed(sender, action, **kwargs):
        if action.startswith("post_"):
            pages_changed()

    for model_class in model_classes:
        post_save.connect(changed, sender=model_class, weak=False)
        post_delete.connect(changed, sender=model_class, weak=False)
        for relation in model_class._meta.local_many_to_many:
            m2m_changed.connect(relations_changed, sender=relation.remote_field.through, weak=False)


# The middleware


def policy_for(request) -> CachePolicy | None:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return getattr(match.func, "page_cache_policy", None)


def may_share(request, policy: CachePolicy) -> bool:
    """Whether this request may get, and make, a page shared with other visitors."""
    if request.method not in ("GET", "HEAD"):
        return False
    # Logged in (staff, previews) or with a notice waiting: pages of their own.
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages"):
        return False
    return all(
        name in policy.query and all(policy.query[name].fullmatch(v) for v in values)
        for name, values in request.GET.lists()
    )


def _bucket(request, policy: CachePolicy) -> str:
    if not policy.per_visitor:
        return "-"
    return request.consent.page_cache_bucket


def _key(request, policy: CachePolicy, token: str) -> str:
    # With the host and scheme: pages carry absolute addresses (canonical, og:url, feeds)
    # built from them, which differ between the names ALLOWED_HOSTS gives the site.
    # The query as Django reads it, sorted: "?%6Bategori=x" is the page "?kategori=x".
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    address = hashlib.sha256(address.encode()).hexdigest()[:32]
    # The seed: servers with another SECRET_KEY (a rotation under way) make other markers,
    # so they never read each other's pages.
    bucket = _bucket(request, policy)
    return f"pages:v{FORMAT}:{_SEED[:8]}:{token}:{get_language()}:{bucket}:{address}"


def _etag(request, key: str, policy: CachePolicy) -> str:
    parts = [key]
    if policy.per_visitor:
        # A page a browser kept carries a form stamp; after this long it is asked again,
        # so a page revalidated the next day never has a stamp too old to send.
        parts.append(str(int(timezone.now().timestamp() // settings.PAGE_CACHE_STAMP_SECONDS)))
        # And a CSRF token made for the visitor's cookie then: a new cookie (after logging
        # in and out, or clearing cookies) gets the page again, with a token that fits.
        parts.append(request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""))
    return f'"{hashlib.sha256(":".join(parts).encode()).hexdigest()[:32]}"'


def _matches(request, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match")
    if not wanted:
        return False
    # A proxy that compresses the page weakens its ETag; the comparison is weak, as in HTTP.
    return any(tag.removeprefix("W/") == etag for tag in parse_etags(wanted))


def _conditional_headers(response, etag: str, policy: CachePolicy) -> None:
    response.headers["ETag"] = etag
    # Browsers may keep a page but must ask whether it changed; only pages the same for
    # every visitor (feeds, the sitemap) may be kept by a shared cache such as a CDN.
    if policy.per_visitor:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, no_cache=True)


@dataclass
class StoredPage:
    status: int
    headers: list[tuple[str, str]]
    # The body split at its markers: the pieces between them, and each marker's name
    # ("csrf", "nonce", or the index of a stamp's target): joined again in one pass.
    pieces: list[bytes]
    markers: list[str]
    stamp_targets: list[str]

    @classmethod
    def of(cls, request, response) -> "StoredPage | None":
        """The response with what is per response replaced by markers; None if it must
        not be shared."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        if response.has_header("Cache-Control"):
            return None  # the view decided about caching itself (never_cache and the like)
        body = _CSRF_INPUT.sub(rb"\1" + CSRF_MARKER + rb"\2", response.content)
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:
            body = body.replace(str(nonce).encode(), NONCE_MARKER)
        targets = []

        def stamp_marker(tag: re.Match) -> bytes:
            value = _VALUE.search(tag.group(0))
            target = value and stamp_target(value.group(1).decode())
            if target is None:
                raise ValueError("a stamp the page cache cannot renew")
            targets.append(target)
            marker = f"{STAMP_MARKER}{len(targets) - 1}:".encode()
            return tag.group(0).replace(value.group(0), b'value="' + marker + b'"')

        try:
            body = _STAMP_INPUT.sub(stamp_marker, body)
        except ValueError:
            return None
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
        pieces, markers, start = [], [], 0
        for marker in _MARKERS.finditer(body):
            pieces.append(body[start : marker.start()])
            markers.append((marker[1] or marker[2]).decode())
            start = marker.end()
        pieces.append(body[start:])
        return cls(response.status_code, headers, pieces, markers, targets)

    def response_for(self, request) -> HttpResponse:
        values = {}
        for marker in self.markers:
            if marker in values:
                continue
            if marker == "csrf":
                values[marker] = get_token(request).encode()
            elif marker == "nonce":
                values[marker] = str(request._csp_nonce).encode()
            else:
                values[marker] = make_stamp(self.stamp_targets[int(marker)]).encode()
        body = [self.pieces[0]]
        for marker, piece in zip(self.markers, self.pieces[1:], strict=True):
            body += (values[marker], piece)
        response = HttpResponse(b"".join(body), status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        return response


class PageCacheMiddleware:
    """Serves and stores the pages of views marked ``cached_for_visitors``.

    After CsrfViewMiddleware (which sets the CSRF cookie of a token used on a hit) and
    the consent and CSP middleware (which write each response's policy and nonce);
    before authentication, messages and everything else a hit does not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = policy_for(request)
        if policy is None:
            return self.get_response(request)
        if not may_share(request, policy):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                # This visitor's own page (a thank-you, a staff view): no one else's cache.
                patch_cache_control(response, private=True, no_store=True)
            return response

        token, ends = current_generation()
        key = _key(request, policy, token)
        etag = _etag(request, key, policy)
        if _matches(request, etag):
            response = HttpResponseNotModified()
            _conditional_headers(response, etag, policy)
            # The browser shows the page it kept with that page's own nonce: a policy on
            # this answer would replace the kept one and block its scripts.
            response._csp_config = {}
            return response

        timeout = min(settings.PAGE_CACHE_SECONDS, ends - timezone.now().timestamp())
        stored = cache.get(key) if timeout > 0 else None
        response = None
        if stored is not None:
            try:
                response = stored.response_for(request)
            except Exception:
                # A stored page this code cannot rebuild is a miss, never an error page.
                logger.warning("A stored page could not be served: rendered instead", exc_info=True)
        if response is None:
            response = self.get_response(request)
            if timeout > 0 and (page := StoredPage.of(request, response)) is not None:
                try:
                    cache.set(key, page, int(timeout) or 1)
                except OSError:
                    # The file cache's disk: the page was rendered and is sent all the same.
                    logger.warning("A page could not be stored in the cache", exc_info=True)
            if response.status_code != 200 or response.has_header("Cache-Control"):
                return response
        _conditional_headers(response, etag, policy)
        return response
