"""Rate limits on anonymous writes (consent choices, comments, accessibility reports),
per client address, holding across gunicorn workers and app servers.

With Redis as the cache the counters are Redis keys (atomic INCR); otherwise they are
rows of RateCounter, one upsert a request, since those requests write to the database
anyway. Never per-process memory, which would let four workers take four times the
limit.
"""

import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone

from .clients import client_group
from .models import RateCounter

logger = logging.getLogger(__name__)


def seconds_to_wait(request: HttpRequest, scope: str, limit: tuple[int, int]) -> int:
    """Count this request against ``limit`` for the client: at most N requests in a
    window of SECONDS that starts with the client's first request (as the settings
    hold it, (N, SECONDS)). 0 lets the request through; otherwise the seconds until the
    window ends, for a Retry-After header."""
    allowed, seconds = limit
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_group(request).encode(), hashlib.sha256
    ).hexdigest()[:40]
    key = f"{scope}:{digest}"
    if isinstance(caches["default"], RedisCache):
        count, ends_at = _count_in_cache(f"rate:{key}", seconds)
    else:
        count, ends_at = _count_in_database(key, seconds)
    if count <= allowed:
        return 0
    return max(1, round(ends_at - time.time()))


def _count_in_cache(key: str, seconds: int) -> tuple[int, float]:
    try:
        # The key expires with the window; its value is how many requests it has seen.
        cache.add(key, 0, timeout=seconds)
        count = cache.incr(key)
        if count == 1:
            # The first request of a window; also the case where the key expired between
            # incr's existence check and INCR, which then made a key without an expiry.
            cache.touch(key, seconds)
        return count, time.time() + (cache.ttl(key) if hasattr(cache, "ttl") else seconds)
    except ValueError:  # expired between add and incr: a new window
        return 0, time.time()
    except Exception:
        # Fail open: with the cache down, refusing every visitor's comment would be a
        # worse outage than a few extra posts, which moderation, the honeypot and the
        # signed stamp still hold back.
        logger.warning("Rate limit not counted: the cache is unavailable", exc_info=True)
        return 0, time.time()


def _count_in_database(key: str, seconds: int) -> tuple[int, float]:
    table = RateCounter._meta.db_table
    connection = connections[router.db_for_write(RateCounter)]
    q = connection.ops.quote_name
    now = datetime.now(tz=UTC)
    new_end = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=seconds))
    now_value = connection.ops.adapt_datetimefield_value(now)
    # One statement, atomic on SQLite and PostgreSQL alike, holding the write lock for a
    # single row: a new client or an ended window starts again at 1.
    sql = (
        f"INSERT INTO {q(table)} ({q('key')}, {q('count')}, {q('expires_at')}) "
        f"VALUES (%s, 1, %s) ON CONFLICT ({q('key')}) DO UPDATE SET "
        f"{q('count')} = CASE WHEN {q(table)}.{q('expires_at')} <= %s THEN 1 "
        f"ELSE {q(table)}.{q('count')} + 1 END, "
        f"{q('expires_at')} = CASE WHEN {q(table)}.{q('expires_at')} <= %s THEN %s "
        f"ELSE {q(table)}.{q('expires_at')} END "
        f"RETURNING {q('count')}, {q('expires_at')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, new_end, now_value, now_value, new_end])
        count, expires_at = cursor.fetchone()
    if count == 1:
        # A new window for this client: sweep the counters of windows that have ended.
        RateCounter.objects.filter(expires_at__lt=now).delete()
    expires_at = RateCounter._meta.get_field("expires_at").to_python(expires_at)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, UTC)
    return count, expires_at.timestamp()
