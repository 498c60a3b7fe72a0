"""The shared cache when REDIS_URL is set: Django's RedisCache, tolerant of a dead Redis.

Everything the site caches (the cookie policy, the comment rules, which image renditions
exist) can be read from the database again, so with Redis down a read is a miss and a
write is dropped: pages are served uncached, slower but correct. Only ``incr`` still
raises, because no count is a right answer: the rate limits catch it and fail open
(adda_site.rate_limits).
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, Redis is left alone this long: a Redis that hangs would otherwise
# cost every cache call its socket timeout.
RETRY_AFTER_SECONDS = 5.0


class _Outage:
    """Whether Redis is down, shared by the cache instances of every thread."""

    down_until = 0.0
    is_down = False

    @classmethod
    def skipping(cls) -> bool:
        return cls.is_down and time.monotonic() < cls.down_until

    @classmethod
    def failed(cls, error: Exception) -> None:
        if not cls.is_down:
            # Once per outage, not once per call.
            logger.warning("The cache (Redis) is unavailable, serving uncached: %s", error)
        cls.is_down = True
        cls.down_until = time.monotonic() + RETRY_AFTER_SECONDS

    @classmethod
    def answered(cls) -> None:
        if cls.is_down:
            cls.is_down = False
            logger.info("The cache (Redis) is available again")


def _tolerant(miss):
    """Call the RedisCache method, or return ``miss(*args, **kwargs)`` if Redis fails."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if _Outage.skipping():
                return miss(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                _Outage.failed(error)
                return miss(*args, **kwargs)
            _Outage.answered()
            return result

        return wrapper

    return decorator


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default(key, default=None, version=None):
    return default


def _no_values(*args, **kwargs):
    return {}


def _nothing_set(data, *args, **kwargs):
    # What set_many returns: the keys that could not be set.
    return list(data)


class TolerantRedisCache(RedisCache):
    add = _tolerant(_false)(RedisCache.add)
    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_none)(RedisCache.set)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(_no_values)(RedisCache.get_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    set_many = _tolerant(_nothing_set)(RedisCache.set_many)
    delete_many = _tolerant(_none)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        if _Outage.skipping():
            raise RedisConnectionError("The cache (Redis) is unavailable")
        try:
            result = super().incr(key, delta, version)
        except RedisError as error:
            _Outage.failed(error)
            raise
        _Outage.answered()
        return result
