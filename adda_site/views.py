import os
import secrets
import socket
import sys
import threading

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import outages


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): in the site's layout, what
    the visitor can do about it. Django logs the reason (django.security.csrf)."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception):
    """handler400: a request the site will not read (a body too large, too many fields, a
    host that is not ours). Rendered as the 500 page is, without the request: its context
    processors would ask for the host, which may be what is wrong."""
    return HttpResponseBadRequest(render_to_string("400.html"))


def server_error(request):
    """handler500. A database outage that a middleware met, where DatabaseUnavailableMiddleware
    cannot catch it (a logged-in editor's session, a CSRF failure page), is a 503 too.
    Django calls this while handling the exception, so sys.exc_info() names it."""
    if isinstance(sys.exc_info()[1], outages.DATABASE_ERRORS):
        return outages.unavailable(request)
    return defaults.server_error(request)


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: can this app server reach its database and cache?
    A 503 only when the database is down: without the cache the site still works."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            database_ok = cursor.fetchone() == (1,)
    except outages.DATABASE_ERRORS:
        database_ok = False
    token = secrets.token_hex(8)
    # One key per app server, process and thread: a check running at the same time
    # elsewhere cannot overwrite what this one reads back, and keys do not pile up.
    key = f"healthz:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    try:
        cache.set(key, token, 60)
        cache_ok = cache.get(key) == token
    except Exception:  # any backend's failure is the answer, not an error page
        cache_ok = False
    status = {"database": "ok" if database_ok else "error", "cache": "ok" if cache_ok else "error"}
    return JsonResponse(status, status=200 if database_ok else 503)
