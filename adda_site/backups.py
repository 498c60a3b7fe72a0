"""Backups of the one-machine site (SQLite and local media), made while it runs and put
back by ``manage.py backup`` and ``manage.py restore``.

A backup is a folder: ``db.sqlite3`` (a consistent copy made with SQLite's online backup
API), ``media/`` (a copy of MEDIA_ROOT) and ``manifest.json`` (what it holds, to check a
restore against). PostgreSQL sites use pg_dump and pg_restore instead (README).
"""

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

from comments.models import Comment
from consent.models import ConsentRecord
from news.models import Article, Image
from pages.models import AccessibilityReport

DATABASE_FILE = "db.sqlite3"
MEDIA_FOLDER = "media"
MANIFEST_FILE = "manifest.json"
FORMAT = 1

# What the manifest counts, by the name it uses.
COUNTED = {
    "articles": Article,
    "images": Image,
    "comments": Comment,
    "consent_records": ConsentRecord,
    "accessibility_reports": AccessibilityReport,
}

NOT_SQLITE = (
    "The database is {vendor}, not SQLite: manage.py {command} copies an SQLite file only. "
    "Back PostgreSQL up with pg_dump -Fc and put it back with pg_restore --clean, and copy "
    'the media (or the bucket) beside it: see "Backups" under Production in README.md.'
)
# A copy step waits this long for a lock: only WAL recovery ever holds readers back.
LOCK_TIMEOUT_SECONDS = 30


def sqlite_database(command: str) -> Path:
    """The configured SQLite database file; a clear refusal for any other database."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else connection.vendor
        raise CommandError(NOT_SQLITE.format(vendor=vendor, command=command))
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise CommandError(f"The database {name} is not a file: manage.py {command} needs one.")
    return Path(name).resolve()


def copy_database(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` while the site may be writing to either.

    One backup step copies every page inside a single read transaction: the copy is the
    database as one commit left it, and in WAL mode the site goes on writing meanwhile.
    Into a database in use (a restore), other connections see the old content or the
    new, never a mixture.
    """
    with (
        closing(sqlite3.connect(source, timeout=LOCK_TIMEOUT_SECONDS)) as reader,
        closing(sqlite3.connect(target, timeout=LOCK_TIMEOUT_SECONDS)) as writer,
    ):
        reader.backup(writer)


def snapshot_database(source: Path, target: Path) -> None:
    """A copy of the live database ``source`` as one file at ``target``, checked."""
    copy_database(source, target)
    with closing(sqlite3.connect(target)) as copy:
        # The copy carries the site's WAL mode; a backup is better one self-contained file
        # (the site's settings turn WAL on again when a restored copy is opened).
        copy.execute("PRAGMA journal_mode=DELETE")
    os.chmod(target, 0o600)  # it holds e-mail addresses and consent records
    check_database(target)


def check_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as database:
        result = database.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise CommandError(f"The database {path} is damaged: {result}")


def holds_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(sqlite3.connect(path)) as database:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        return database.execute(query).fetchone()[0] > 0


def contents(path: Path) -> dict:
    """The counts and the consent chain head of the database file at ``path``."""
    with closing(sqlite3.connect(path)) as database:
        try:
            counts = {
                name: database.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[
                    0
                ]
                for name, model in COUNTED.items()
            }
            head = database.execute(
                f'SELECT record_hash FROM "{ConsentRecord._meta.db_table}" ORDER BY id DESC LIMIT 1'
            ).fetchone()
        except sqlite3.OperationalError as error:
            raise CommandError(
                f"The database {path} does not hold the site's tables ({error}): "
                "has manage.py migrate been run?"
            ) from None
    return {"counts": counts, "consent_chain_head": head[0] if head else ""}


def files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def copy_media(source: Path, target: Path) -> dict:
    """Copy the media folder; how many files and bytes it holds."""
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    files = files_in(target)
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def empty_folder(folder: Path) -> None:
    """Delete what ``folder`` holds, keeping the folder (it may be a mount point)."""
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: dict) -> None:
    path = folder / MANIFEST_FILE
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    os.chmod(path, 0o600)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except FileNotFoundError:
        raise CommandError(
            f"{folder} is not a backup made by manage.py backup: it has no {MANIFEST_FILE}."
        ) from None
    except ValueError as error:
        raise CommandError(f"{folder / MANIFEST_FILE} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{folder} is a backup of an unknown format: {manifest.get('format')}")
    return manifest
