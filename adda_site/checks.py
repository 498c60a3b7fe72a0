"""Deployment checks: state an app server would keep for itself (`manage.py check --deploy`).

Several app servers behind one proxy must share everything a request can leave behind:
the database, the cache (pages, their invalidation, the cookie policy, which renditions
exist), the sessions and the uploaded media. Each check names what a second app server
would not see. A site with one app server may ignore W002, W003 and W004's disk case:
the workers of one machine share its disk.
"""

from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBSessionStore
from django.contrib.sessions.backends.file import SessionStore as FileSessionStore
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Tags, Warning, register
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

PER_PROCESS_CACHES = (LocMemCache, DummyCache)
SHARED_CACHE_HINT = "Set REDIS_URL to a Redis server that every app server uses."
ONE_SERVER_NOTE = "A site with a single app server may ignore this warning."


def _cache_backend(alias: str) -> type:
    return import_string(settings.CACHES[alias]["BACKEND"])


def _database_server() -> str:
    """The database server's name, or "" for SQLite: a file of this machine's own."""
    # Read from the settings, not the connection: nothing here should connect.
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine:
        return ""
    if "postg" in engine:  # postgresql, and GeoDjango's postgis
        return "PostgreSQL"
    return engine.rsplit(".", 1)[-1]


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    backend = _cache_backend("default")
    if issubclass(backend, DummyCache):
        return [
            Warning(
                "The default cache is DummyCache, which keeps nothing: every page is rendered "
                "for every request and /healthz reports the cache as failing.",
                hint=SHARED_CACHE_HINT,
                id="adda.W001",
            )
        ]
    if issubclass(backend, LocMemCache):
        return [
            Warning(
                "The default cache is LocMemCache, which each process keeps for itself: the "
                "pages it caches, their invalidation after an edit and the cookie policy are "
                "not shared by the gunicorn workers or the app servers, so a worker may serve "
                "a page that an edit made through another has made stale.",
                hint=f"{SHARED_CACHE_HINT} Without it the settings' file cache is shared by "
                "the workers of one machine.",
                id="adda.W001",
            )
        ]
    if issubclass(backend, FileBasedCache) and (server := _database_server()):
        location = settings.CACHES["default"].get("LOCATION", "")
        return [
            Warning(
                f"The default cache is the file cache in {location}, on this machine's disk, "
                f"while the database is {server}, which several app servers can share: a "
                "second app server would keep a cache of its own and go on serving pages "
                "that an edit made through the first has made stale.",
                hint=f"{SHARED_CACHE_HINT} {ONE_SERVER_NOTE}",
                id="adda.W002",
            )
        ]
    return []


@register(Tags.files, deploy=True)
def media_are_shared(app_configs, **kwargs):
    if settings.DEBUG or not (server := _database_server()):
        return []
    if not issubclass(import_string(settings.STORAGES["default"]["BACKEND"]), FileSystemStorage):
        return []
    return [
        Warning(
            "Uploaded media are stored on this machine's disk (FileSystemStorage in "
            f"{settings.MEDIA_ROOT}) while the database is {server}, which several app "
            "servers can share: an image uploaded through one app server, and its "
            "renditions, would be missing on the others.",
            hint="Set AWS_STORAGE_BUCKET_NAME (with AWS_S3_ENDPOINT_URL and the key pair for "
            "providers other than AWS) to keep media in S3-compatible object storage: see "
            f"docs/deploy.md. {ONE_SERVER_NOTE}",
            id="adda.W003",
        )
    ]


@register(Tags.caches, deploy=True)
def sessions_are_shared(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if issubclass(store, CacheSessionStore | CachedDBSessionStore):
        # cached_db keeps its sessions in the database too, but a copy cached per process
        # outlives a logout or an idle timeout met by another process.
        alias = settings.SESSION_CACHE_ALIAS
        backend = _cache_backend(alias)
        if issubclass(backend, PER_PROCESS_CACHES):
            where = f"the cache {alias!r} ({backend.__name__}), which each process keeps for itself"
            note = ""
        elif issubclass(backend, FileBasedCache) and _database_server():
            where = f"the cache {alias!r} ({backend.__name__}), on this machine's disk"
            note = f" {ONE_SERVER_NOTE}"
        else:
            return []
    elif issubclass(store, FileSessionStore) and _database_server():
        where, note = "files on this machine's disk", f" {ONE_SERVER_NOTE}"
    else:
        return []
    return [
        Warning(
            f"Sessions ({settings.SESSION_ENGINE}) are kept in {where}: an editor logged in "
            "through one worker or app server would not be logged in on another, and a "
            "session ended on one would live on in the others.",
            hint='Keep sessions in the database (SESSION_ENGINE = "adda_site.sessions", the '
            f"settings' own) or in a cache every app server shares (Redis).{note}",
            id="adda.W004",
        )
    ]
