"""The shared cache when REDIS_URL is set: Django's RedisCache, tolerant of a dead Redis.

Everything the site caches (the cookie policy, the comment rules, which image renditions
exist) can be read from the database again, so with Redis down a read is a miss and a
write is dropped: pages are served uncached, slower but correct. Only ``incr`` still
raises, because no count is a right answer: the rate limits catch it and fail open
(adda_site.rate_limits).
"""

import logging
import pickle
import time
import zlib
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.core.files import locks
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


class FileCache(FileBasedCache):
    """Django's file cache, shared by the workers of one machine, keeping values
    uncompressed: a cached article page (about 100 KB with 200 comments) is read on every
    hit, and inflating it took a fifth of the hit's time (adda_site.page_cache). Files
    written compressed, by Django's own file cache, are still read."""

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    @staticmethod
    def _load(data: bytes):
        # A pickle (protocol 2 or newer) starts with 0x80, a zlib stream never does.
        return pickle.loads(data if data[:1] == b"\x80" else zlib.decompress(data))

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            with open(fname, "rb") as f:
                if not self._is_expired(f):
                    return self._load(f.read())
        except FileNotFoundError:
            pass
        return default

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    previous_value = self._load(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, previous_value)
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
