"""What visitors get while the database is unavailable: down, unreachable, or locked
past its busy timeout. Django wraps psycopg's and sqlite3's connection errors in these
two; it reconnects on the next request, so the site recovers by itself."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

DATABASE_ERRORS = (OperationalError, InterfaceError)
# What the 503 page asks browsers, crawlers and monitors to wait before trying again.
RETRY_AFTER_SECONDS = 30


# What the database drivers say when the database is away or busy, rather than when the
# code or the schema is wrong ("no such column" after a deploy without migrate).
OUTAGE_MESSAGES = (
    "database is locked",
    "connection",
    "could not connect",
    "timeout",
    "timed out",
    "server closed",
    "terminating",
    "the database system is",
)


def is_outage(error: Exception) -> bool:
    message = str(error).lower()
    return isinstance(error, InterfaceError) or any(text in message for text in OUTAGE_MESSAGES)


def unavailable(
    request: HttpRequest, template: str = "503.html", context: dict | None = None
) -> HttpResponse:
    """The 503 page, in a layout that reads nothing from the database."""
    response = render(request, template, context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a cache in front of the site once the database is back.
    add_never_cache_headers(response)
    return response
