import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from . import outages

logger = logging.getLogger(__name__)

# Seconds since the epoch, kept in the session.
LOGGED_IN_AT = "logged_in_at"
SEEN_AT = "seen_at"


def session_limits(get_response: Callable[[HttpRequest], HttpResponse]):
    """Logged-in sessions end SESSION_COOKIE_AGE after logging in, however active, and
    after ADMIN_IDLE_TIMEOUT_SECONDS without a request: an editor's unattended computer
    is not an open door for a working day."""

    def middleware(request: HttpRequest) -> HttpResponse:
        # Without a session cookie no one is logged in; asking request.user would load a
        # session that is not there.
        logged_in = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and _end_or_extend(request)
        )
        response = get_response(request)
        if not logged_in and request.session.modified and request.user.is_authenticated:
            # Just logged in: both limits count from here.
            _stamp(request.session, logged_in_at=time.time())
        return response

    return middleware


def _end_or_extend(request: HttpRequest) -> bool:
    session = request.session
    now = time.time()
    # Sessions from before these limits start their day now.
    logged_in_at = session.get(LOGGED_IN_AT, now)
    ends_at = logged_in_at + settings.SESSION_COOKIE_AGE
    idle_until = session.get(SEEN_AT, now) + settings.ADMIN_IDLE_TIMEOUT_SECONDS
    if now >= ends_at or now >= idle_until:
        logout(request)
        return False
    _stamp(session, logged_in_at=logged_in_at, now=now)
    return True


def _stamp(session: SessionBase, *, logged_in_at: float, now: float | None = None) -> None:
    now = now or logged_in_at
    session[LOGGED_IN_AT] = logged_in_at
    session[SEEN_AT] = now
    # The session is now saved on every request, and Django counts SESSION_COOKIE_AGE
    # from each save: an expiry fixed in time keeps the day counted from the login, and
    # lets the session store drop the session itself once idle.
    expires_at = min(
        logged_in_at + settings.SESSION_COOKIE_AGE, now + settings.ADMIN_IDLE_TIMEOUT_SECONDS
    )
    session.set_expiry(datetime.fromtimestamp(expires_at, tz=UTC))


class DatabaseUnavailableMiddleware:
    """A view that meets a database outage answers with the Swedish 503 page and a
    Retry-After, not a 500 with its trace; an outage met in a middleware gets the same
    page from adda_site.views.server_error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, outages.DATABASE_ERRORS):
            return None
        if outages.is_outage(exception):
            # One line a request, without the trace: the cause is the database, not the code.
            logger.warning("Database unavailable, answered 503 for %s: %s", request.path, exception)
        else:
            # Not the database being away: a bug or a missing migration, with its trace
            # for whoever reads the errors. The visitor still gets the 503 page.
            logger.error("Database error, answered 503 for %s", request.path, exc_info=exception)
        return outages.unavailable(request)
