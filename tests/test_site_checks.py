import dj_database_url
import pytest
from django.core.checks import Tags, run_checks
from django.test import override_settings

# Overriding DATABASES makes Django warn; the checks only read its ENGINE, never connect.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")

SQLITE = {"default": dj_database_url.parse("sqlite:////srv/adda/db.sqlite3")}
POSTGRESQL = {"default": dj_database_url.parse("postgres://adda@db.example.se:5432/adda")}
FILE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/srv/adda/cache",
    }
}
REDIS = {
    "default": {
        "BACKEND": "adda_site.cache.TolerantRedisCache",
        "LOCATION": "redis://cache.example.se:6379/0",
    }
}
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
STATIC = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
LOCAL_MEDIA = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": STATIC,
}
BUCKET = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "adda-media", "custom_domain": "media.example.se"},
    },
    "staticfiles": STATIC,
}


# Those of `manage.py check --deploy` that ours are among; not the model checks, which
# would ask the database what it supports.
TAGS = [Tags.caches, Tags.files]


def site_warnings() -> dict[str, str]:
    """The adda.* warnings of `manage.py check --deploy`, by id."""
    messages = run_checks(tags=TAGS, include_deployment_checks=True)
    return {message.id: message.msg for message in messages if message.id.startswith("adda.")}


def topology(*, databases, caches, storages, debug=False, **other):
    return override_settings(
        DEBUG=debug, DATABASES=databases, CACHES=caches, STORAGES=storages, **other
    )


def test_one_machine_default_gives_no_warning():
    # SQLite, the file cache and media on disk: what the settings give without variables.
    with topology(databases=SQLITE, caches=FILE_CACHE, storages=LOCAL_MEDIA):
        assert site_warnings() == {}


def test_shared_topology_gives_no_warning():
    with topology(databases=POSTGRESQL, caches=REDIS, storages=BUCKET):
        assert site_warnings() == {}


def test_the_settings_the_tests_run_with_give_no_warning_on_sqlite(settings):
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("SQLite only: on PostgreSQL the test media are on this machine's disk")
    assert settings.DEBUG is False
    assert site_warnings() == {}


@pytest.mark.parametrize("databases", [SQLITE, POSTGRESQL])
def test_cache_in_process_memory_is_a_warning(databases):
    with topology(databases=databases, caches=LOCAL_MEMORY, storages=BUCKET):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W001"}
    assert warnings["adda.W001"].startswith(
        "The default cache is LocMemCache, which each process keeps for itself"
    )


def test_no_cache_at_all_is_a_warning():
    with topology(databases=SQLITE, caches=NO_CACHE, storages=LOCAL_MEDIA):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W001"}
    assert warnings["adda.W001"].startswith("The default cache is DummyCache, which keeps nothing")


def test_file_cache_with_postgresql_is_a_warning():
    with topology(databases=POSTGRESQL, caches=FILE_CACHE, storages=BUCKET):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W002"}
    assert warnings["adda.W002"].startswith(
        "The default cache is the file cache in /srv/adda/cache, on this machine's disk, "
        "while the database is PostgreSQL"
    )


def test_media_on_local_disk_with_postgresql_is_a_warning():
    with topology(
        databases=POSTGRESQL, caches=REDIS, storages=LOCAL_MEDIA, MEDIA_ROOT="/srv/adda/media"
    ):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W003"}
    assert warnings["adda.W003"].startswith(
        "Uploaded media are stored on this machine's disk (FileSystemStorage in "
        "/srv/adda/media) while the database is PostgreSQL"
    )


def test_sessions_in_a_per_process_cache_are_a_warning():
    caches = REDIS | {"sessions": LOCAL_MEMORY["default"]}
    with topology(
        databases=POSTGRESQL,
        caches=caches,
        storages=BUCKET,
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        SESSION_CACHE_ALIAS="sessions",
    ):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W004"}
    assert warnings["adda.W004"].startswith(
        "Sessions (django.contrib.sessions.backends.cache) are kept in the cache 'sessions' "
        "(LocMemCache), which each process keeps for itself"
    )


def test_sessions_cached_per_process_in_front_of_the_database_are_a_warning():
    with topology(
        databases=SQLITE,
        caches=FILE_CACHE | {"sessions": LOCAL_MEMORY["default"]},
        storages=LOCAL_MEDIA,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        SESSION_CACHE_ALIAS="sessions",
    ):
        assert set(site_warnings()) == {"adda.W004"}


def test_sessions_in_files_with_postgresql_are_a_warning():
    with topology(
        databases=POSTGRESQL,
        caches=REDIS,
        storages=BUCKET,
        SESSION_ENGINE="django.contrib.sessions.backends.file",
    ):
        warnings = site_warnings()
    assert set(warnings) == {"adda.W004"}
    assert "are kept in files on this machine's disk" in warnings["adda.W004"]


def test_sessions_in_the_shared_cache_give_no_warning():
    with topology(
        databases=POSTGRESQL,
        caches=REDIS,
        storages=BUCKET,
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
    ):
        assert site_warnings() == {}


def test_development_gives_no_warning():
    with topology(databases=POSTGRESQL, caches=LOCAL_MEMORY, storages=LOCAL_MEDIA, debug=True):
        assert site_warnings() == {}


def test_plain_check_without_deploy_gives_no_warning():
    with topology(databases=POSTGRESQL, caches=LOCAL_MEMORY, storages=LOCAL_MEDIA):
        messages = run_checks(tags=TAGS)
    assert [message.id for message in messages if message.id.startswith("adda.")] == []
