import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from adda_site import backups, page_cache

from .backup import summary


class Command(BaseCommand):
    help = (
        "Puts back a backup folder made by manage.py backup: the database into the "
        "configured SQLite file, the media files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER", help="a folder DIR/adda-… of a backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database or media folder that already holds data",
        )

    def handle(self, *args, folder: str, force: bool, **options):
        database = backups.sqlite_database("restore")
        source = Path(folder).resolve()
        manifest = backups.read_manifest(source)
        copy = source / backups.DATABASE_FILE
        if not copy.is_file() or backups.sha256_of(copy) != manifest["database"]["sha256"]:
            raise CommandError(
                f"{copy} is missing or not the file the backup wrote (its SHA-256 differs "
                "from the manifest's): nothing restored."
            )
        backups.check_database(copy)
        media_root = Path(settings.MEDIA_ROOT).resolve()
        in_the_way = []
        if backups.holds_tables(database):
            in_the_way.append(f"the database {database} already holds data")
        if media_files := backups.files_in(media_root):
            in_the_way.append(f"the media folder {media_root} holds {len(media_files)} files")
        if in_the_way and not force:
            raise CommandError(
                f"Nothing restored: {' and '.join(in_the_way)}. Restoring replaces them: "
                "stop the site, and run again with --force."
            )

        connections.close_all()
        database.parent.mkdir(parents=True, exist_ok=True)
        backups.copy_database(copy, database)
        with closing(sqlite3.connect(database)) as restored:
            restored.execute("PRAGMA journal_mode=WAL")
        backups.check_database(database)
        restored = backups.contents(database)
        expected = {key: manifest[key] for key in ("counts", "consent_chain_head")}
        if restored != expected:
            raise CommandError(
                f"The restored database does not hold what the manifest says: {restored} "
                f"instead of {expected}."
            )
        media_root.mkdir(parents=True, exist_ok=True)
        backups.empty_folder(media_root)
        media = backups.copy_media(source / backups.MEDIA_FOLDER, media_root)
        if media["files"] != manifest["media"]["files"]:
            raise CommandError(
                f"{media['files']} media files restored, the manifest says "
                f"{manifest['media']['files']}: is {source / backups.MEDIA_FOLDER} complete?"
            )
        forget_cached()

        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {manifest['created_at']} from {source}")
        )
        self.stdout.write(summary(manifest))
        self.stdout.write(
            "Next: python manage.py migrate (if this code is newer than the backup), then "
            "python manage.py verify_consent_chain, whose head should be the one above."
        )


def forget_cached() -> None:
    # The cache holds what was read from the database just replaced (pages, the cookie
    # policy and its version number among it). A Redis database may serve other sites
    # too (CACHE_KEY_PREFIX), so there a new page generation orphans our own keys.
    if isinstance(caches["default"], RedisCache):
        page_cache.pages_changed()
    else:
        caches["default"].clear()
