import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adda_site import backups


class Command(BaseCommand):
    help = (
        "Writes a consistent copy of the SQLite database and the media files, made while "
        "the site runs, into a new dated folder inside DIR (e.g. DIR/adda-2026-12-01T2130)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="where the backup folder is made")

    def handle(self, *args, directory: str, **options):
        database = backups.sqlite_database("backup")
        if not database.is_file():
            raise CommandError(f"The database {database} does not exist: nothing to back up.")
        media_root = Path(settings.MEDIA_ROOT).resolve()
        parent = Path(directory).resolve()
        if parent == media_root or media_root in parent.parents:
            raise CommandError(
                f"{parent} is inside MEDIA_ROOT ({media_root}): the backup would copy itself. "
                "Choose a folder outside it."
            )
        parent.mkdir(parents=True, exist_ok=True)
        started_at = timezone.localtime()
        name = free_name(parent, f"adda-{started_at:%Y-%m-%dT%H%M}")
        # Written under another name and renamed when complete: a folder named adda-… is
        # always a whole backup, whatever stopped an earlier run.
        partial = parent / f".{name}.partial"
        partial.mkdir(mode=0o700)
        try:
            copy = partial / backups.DATABASE_FILE
            backups.snapshot_database(database, copy)
            # After the database: the files its rows name were stored before the rows were
            # committed, so the copy has them all (a file uploaded meanwhile comes too).
            media = backups.copy_media(media_root, partial / backups.MEDIA_FOLDER)
            manifest = {
                "format": backups.FORMAT,
                "created_at": started_at.isoformat(timespec="seconds"),
                "database": {
                    "file": backups.DATABASE_FILE,
                    "bytes": copy.stat().st_size,
                    "sha256": backups.sha256_of(copy),
                },
                "media": {"folder": backups.MEDIA_FOLDER, **media},
                **backups.contents(copy),
            }
            backups.write_manifest(partial, manifest)
            folder = parent / name
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
        self.stdout.write(summary(manifest))


def free_name(parent: Path, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``… if a backup of the same minute is there."""
    candidate, number = name, 2
    while (parent / candidate).exists() or (parent / f".{candidate}.partial").exists():
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def summary(manifest: dict) -> str:
    counts = ", ".join(
        f"{name.replace('_', ' ')}: {count}" for name, count in manifest["counts"].items()
    )
    media = manifest["media"]
    return (
        f"Database: {manifest['database']['bytes']} bytes; media: {media['files']} files, "
        f"{media['bytes']} bytes.\n"
        f"Counts: {counts}.\n"
        f"Consent chain head: {manifest['consent_chain_head'] or '-'}"
    )
