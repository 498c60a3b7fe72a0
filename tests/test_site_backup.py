"""Backups that restore: manage.py backup copies the SQLite database and the media while the
site keeps writing; manage.py restore puts them back into an empty site. Both run as the
operator runs them, in their own processes against SQLite files in temporary folders."""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from production_site import Site, environment

ROOT = Path(__file__).resolve().parent.parent
RECORD_KEY = "backup-test-consent-record-key-" + "k" * 40

sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="backup and restore copy the SQLite file; PostgreSQL sites use pg_dump and "
    "pg_restore (README), and the refusal is tested below",
)

SEED = """
import io
from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from consent.cookie import append_record
from consent.policy import current_policy
from news.models import Article, Image
from comments.models import Comment

def png(colour):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (900, 500), colour).save(buffer, "PNG")
    return ContentFile(buffer.getvalue())

hero = Image(description="Blå yta", alt_text="En blå yta.")
hero.file.save("bla.png", png((0, 90, 160)), save=False)
hero.save()
article = Article(title="Nyhet med bild", slug="nyhet-med-bild", lead="Ingress.",
                  status="published", hero=hero)
article.save()
Article.objects.create(title="Nyhet utan bild", slug="nyhet-utan-bild", lead="Ingress.",
                       status="published")
image = Image(description="Grön yta")
image.file.save("gron.png", png((0, 160, 90)), save=False)
image.save()
for number in range(3):
    Comment.objects.create(article=article, name="Anna", email="anna@example.se",
                           text=f"Kommentar {number} före säkerhetskopian.", status="published")
    append_record(consent_id=f"{number:032x}", allowed=frozenset(), method="banner_reject",
                  policy=current_policy())
"""

# Writes a comment and a consent record at a time, as visitors would, until told to stop.
WRITER = """
import os, pathlib
from comments.models import Comment
from consent.cookie import append_record
from consent.policy import current_policy
from news.models import Article

article = Article.objects.get(slug="nyhet-utan-bild")
policy = current_policy()
stop, progress = pathlib.Path(os.environ["STOP_FILE"]), pathlib.Path(os.environ["PROGRESS_FILE"])
written = 0
while not stop.exists():
    written += 1
    Comment.objects.create(article=article, name="Bertil", email="bertil@example.se",
                           text=f"Kommentar {written} under säkerhetskopian.", status="published")
    append_record(consent_id=f"b{written:031x}", allowed=frozenset({"statistik"}),
                  method="banner_accept", policy=policy)
    progress.write_text(str(written))
"""

DUMP = """
import json
from comments.models import Comment
from consent.models import ConsentRecord
from news.models import Article, Image
print(json.dumps({
    "articles": list(Article.objects.order_by("pk").values_list("slug", "title", "hero__file")),
    "images": list(Image.objects.order_by("pk").values_list("file", "description")),
    "comments": list(Comment.objects.order_by("pk").values_list("pk", "text")),
    "consent_records": list(ConsentRecord.objects.order_by("pk").values_list("pk", "record_hash")),
}))
"""


def make_site(directory: Path, **extra: str) -> Site:
    directory.mkdir(parents=True, exist_ok=True)
    return Site(port=0, env=environment(directory, CONSENT_RECORD_KEY=RECORD_KEY, **extra))


def run(site: Site, *args: str) -> subprocess.CompletedProcess:
    """A management command that may fail, as the operator would see it."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def dump(site: Site) -> dict:
    return json.loads(site.manage("shell", "--no-imports", "-c", DUMP).strip().splitlines()[-1])


def media_files(site: Site) -> dict[str, str]:
    root = Path(site.env["MEDIA_ROOT"])
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def written(progress: Path) -> int:
    return int(progress.read_text() or 0) if progress.exists() else 0


def wait_for_writes(progress: Path, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while written(progress) < at_least:
        assert time.monotonic() < deadline, "the writer stopped writing"
        time.sleep(0.05)


@dataclass
class BackedUp:
    original: Site
    restored: Site
    folder: Path
    manifest: dict
    backup_output: str
    restore_output: str
    original_data: dict
    original_media: dict[str, str]


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory) -> BackedUp:
    """A site backed up while comments and consent choices are being written, and the
    backup restored into an empty site."""
    directory = tmp_path_factory.mktemp("backup")
    original = make_site(directory / "original")
    original.manage("migrate", "--noinput")
    original.manage("shell", "--no-imports", "-c", SEED)

    stop, progress = directory / "stop", directory / "progress"
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITER],
        cwd=ROOT,
        env=original.env | {"STOP_FILE": str(stop), "PROGRESS_FILE": str(progress)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_writes(progress, 3)
        backup_output = original.manage("backup", str(directory / "backups"))
        # Writes go on after the copy, which must not hold them.
        wait_for_writes(progress, written(progress) + 3)
    finally:
        stop.touch()
        _out, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors

    (folder,) = (directory / "backups").iterdir()
    restored = make_site(directory / "restored")
    restore_output = restored.manage("restore", str(folder))
    return BackedUp(
        original=original,
        restored=restored,
        folder=folder,
        manifest=json.loads((folder / "manifest.json").read_text()),
        backup_output=backup_output,
        restore_output=restore_output,
        original_data=dump(original),
        original_media=media_files(original),
    )


@sqlite_only
def test_backup_is_a_dated_folder_with_the_database_the_media_and_a_manifest(backed_up):
    assert re.fullmatch(r"adda-\d{4}-\d\d-\d\dT\d{4}", backed_up.folder.name)
    assert sorted(path.name for path in backed_up.folder.iterdir()) == [
        "db.sqlite3",
        "manifest.json",
        "media",
    ]
    assert f"Backup written to {backed_up.folder}" in backed_up.backup_output
    manifest = backed_up.manifest
    assert manifest["counts"]["articles"] == 2
    assert manifest["counts"]["images"] == 2
    assert manifest["media"]["files"] == len(list((backed_up.folder / "media").rglob("*.*")))
    assert f"Consent chain head: {manifest['consent_chain_head']}" in backed_up.backup_output


@sqlite_only
def test_restored_site_has_the_same_articles_and_images(backed_up):
    restored = dump(backed_up.restored)
    assert restored["articles"] == backed_up.original_data["articles"]
    assert restored["images"] == backed_up.original_data["images"]
    restored_media = media_files(backed_up.restored)
    for name in [article[2] for article in restored["articles"] if article[2]] + [
        image[0] for image in restored["images"]
    ]:
        assert restored_media[name] == backed_up.original_media[name]
    # Every other file (renditions) too, each the same as on the original site.
    assert len(restored_media) == backed_up.manifest["media"]["files"]
    assert restored_media.items() <= backed_up.original_media.items()


@sqlite_only
def test_restored_comments_and_consent_records_are_the_site_as_of_one_moment(backed_up):
    restored = dump(backed_up.restored)
    original = backed_up.original_data
    for kind in ("comments", "consent_records"):
        count = backed_up.manifest["counts"][kind]
        assert len(restored[kind]) == count
        # Everything written before the copy, nothing half written, and the writer's
        # later rows (the original has more) absent.
        assert restored[kind] == original[kind][:count]
        assert 3 < count < len(original[kind])


@sqlite_only
def test_restored_consent_chain_verifies_with_the_head_of_the_manifest(backed_up):
    output = backed_up.restored.manage("verify_consent_chain")
    assert "chain intact" in output
    assert f"Head: {backed_up.manifest['consent_chain_head']}" in output
    assert f"Count: {backed_up.manifest['counts']['consent_records']}" in output


@sqlite_only
def test_restore_refuses_to_replace_a_site_that_holds_data(backed_up):
    result = run(backed_up.restored, "restore", str(backed_up.folder))
    database = Path(backed_up.restored.env["DATABASE_URL"].removeprefix("sqlite:///"))
    media = Path(backed_up.restored.env["MEDIA_ROOT"])
    files = backed_up.manifest["media"]["files"]
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: Nothing restored: the database {database} already holds data and "
        f"the media folder {media} holds {files} files. Restoring replaces them: stop the "
        "site, and run again with --force."
    )


@sqlite_only
def test_restore_with_force_replaces_what_the_site_holds(backed_up, tmp_path):
    site = make_site(tmp_path / "site")
    site.manage("migrate", "--noinput")
    site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from news.models import Article; "
        "Article.objects.create(title='Ersätts', slug='ersatts', lead='.', status='published')",
    )
    stray = Path(site.env["MEDIA_ROOT"]) / "images" / "gammal.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not in the backup")
    site.manage("restore", str(backed_up.folder), "--force")
    assert dump(site)["articles"] == backed_up.original_data["articles"]
    assert not stray.exists()
    assert media_files(site) == media_files(backed_up.restored)


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_refuse_postgresql_pointing_at_the_readme(tmp_path, command):
    site = make_site(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/adda")
    result = run(site, command, str(tmp_path / "backups"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: The database is PostgreSQL, not SQLite: manage.py {command} copies "
        "an SQLite file only. Back PostgreSQL up with pg_dump -Fc and put it back with "
        'pg_restore --clean, and copy the media (or the bucket) beside it: see "Backups" '
        "under Production in README.md."
    )
