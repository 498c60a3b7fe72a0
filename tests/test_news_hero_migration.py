"""Migrations 0012–0014: the hero images articles had become images of the image bank,
each the same stored file with the article's alt text and "decorative" flag, and the
article's old versions keep theirs."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.conftest import png_bytes

BEFORE = [("news", "0011_image_alt_text_and_focal_point")]
AFTER = [("news", "0014_remove_old_hero_fields")]

SQUARE = "articles/2025/05/stortorget.png"
HARBOUR = "articles/2025/06/hamnen.png"
OLD_SQUARE = "articles/2024/11/torget-i-host.png"
GONE = "articles/2024/01/borttagen.png"


# Migrating rewrites tables: the rows of the data migrations (groups, cookie categories)
# are put back afterwards for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def stored_files() -> list[str]:
    found = []

    def walk(directory: str) -> None:
        folders, files = default_storage.listdir(directory)
        found.extend(f"{directory}/{name}".lstrip("/") for name in files)
        for folder in folders:
            walk(f"{directory}/{folder}".lstrip("/"))

    walk("")
    return sorted(found)


@pytest.fixture
def old_site(migrator):
    """Three articles as they were before the image bank held heroes: one with a hero and
    its alt text, one with a decorative hero, one without; and old versions of the first,
    one showing a file that is still stored and one a file deleted since."""
    for name in (SQUARE, HARBOUR, OLD_SQUARE):
        default_storage.save(name, ContentFile(png_bytes(1600, 900)))
    apps = migrator(BEFORE)
    Article = apps.get_model("news", "Article")
    HistoricalArticle = apps.get_model("news", "HistoricalArticle")
    now = timezone.now()
    square = Article.objects.create(
        title="Nytt liv på Stortorget",
        slug="stortorget",
        lead="Torget byggs om.",
        hero_image=SQUARE,
        hero_width=1600,
        hero_height=900,
        has_hero_renditions=True,
        hero_alt="Stortorget i snö med julgranen i mitten",
    )
    Article.objects.create(
        title="Hamnen får nya kajer och en park vid vattnet",
        slug="hamnen",
        lead="Hamnen får nya kajer.",
        hero_image=HARBOUR,
        hero_width=1600,
        hero_height=900,
        hero_is_decorative=True,
    )
    Article.objects.create(title="Utan bild", slug="utan-bild", lead="Ingen bild här.")

    def version(days_ago: int, hero_image: str, hero_alt: str, changed_fields: list[str]):
        return HistoricalArticle.objects.create(
            id=square.pk,
            title="Stortorget förr",
            slug="stortorget",
            lead="Torget som det var.",
            body="",
            hero_image=hero_image,
            hero_width=1600,
            hero_height=900,
            hero_alt=hero_alt,
            status="draft",
            published_at=now - timedelta(days=days_ago),
            created_at=now,
            updated_at=now,
            history_date=now - timedelta(days=days_ago),
            history_type="~",
            changed_fields=changed_fields,
        )

    version(30, OLD_SQUARE, "Torget i höstfärger", ["title", "hero_image", "hero_alt"])
    version(60, GONE, "Ett torg som inte finns kvar", [])
    return square.pk


def test_every_hero_becomes_an_image_bank_image_with_the_same_file(old_site, migrator):
    files_before = stored_files()

    apps = migrator(AFTER)

    Article = apps.get_model("news", "Article")
    Image = apps.get_model("news", "Image")
    square = Article.objects.get(slug="stortorget")
    assert square.hero.file.name == SQUARE
    assert square.hero.alt_text == "Stortorget i snö med julgranen i mitten"
    assert not square.hero.is_decorative
    assert (square.hero.width, square.hero.height) == (1600, 900)
    # Its crops were never made: the original is shown until make_renditions makes them.
    assert not square.hero.has_renditions
    assert square.hero.description == "Nytt liv på Stortorget"
    harbour = Article.objects.get(slug="hamnen")
    assert harbour.hero.file.name == HARBOUR
    assert harbour.hero.is_decorative
    assert harbour.hero.alt_text == ""
    assert harbour.hero.description == "Hamnen får nya kajer och en park vid vattnet"
    assert Article.objects.get(slug="utan-bild").hero is None
    # Nothing copied or uploaded again: the bank points at the files already stored.
    assert stored_files() == files_before
    assert sorted(Image.objects.values_list("file", flat=True)) == sorted(
        [SQUARE, HARBOUR, OLD_SQUARE]
    )


def test_old_versions_keep_their_hero_and_name_it_as_one_field(old_site, migrator):
    apps = migrator(AFTER)

    HistoricalArticle = apps.get_model("news", "HistoricalArticle")
    Image = apps.get_model("news", "Image")
    older, gone = HistoricalArticle.objects.filter(id=old_site).order_by("-history_date")
    old_square = Image.objects.get(pk=older.hero_id)
    assert old_square.file.name == OLD_SQUARE
    assert old_square.alt_text == "Torget i höstfärger"
    assert older.changed_fields == ["title", "hero"]
    # A file deleted since gets no image in the bank: that version has no hero.
    assert gone.hero_id is None


def test_migrating_back_gives_articles_their_hero_fields_again(old_site, migrator):
    migrator(AFTER)

    apps = migrator(BEFORE)

    Article = apps.get_model("news", "Article")
    square = Article.objects.get(slug="stortorget")
    assert square.hero_image.name == SQUARE
    assert square.hero_alt == "Stortorget i snö med julgranen i mitten"
    assert Article.objects.get(slug="hamnen").hero_is_decorative
    assert not Article.objects.get(slug="utan-bild").hero_image


def test_old_and_new_code_both_write_articles_and_images_during_a_rolling_upgrade(
    old_site, migrator
):
    new_apps = migrator(AFTER)
    # What app servers still running the previous release know of the tables.
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps

    old_apps.get_model("news", "Article").objects.create(
        title="Skriven av en gammal server",
        slug="gammal-server",
        lead="Ingress.",
        hero_image=SQUARE,
        hero_alt="Stortorget i snö",
    )
    old_apps.get_model("news", "Image").objects.create(
        file=HARBOUR, description="Hamnen", alt_text="Hamnen i dimma"
    )
    new_apps.get_model("news", "Article").objects.create(
        title="Skriven av en ny server", slug="ny-server", lead="Ingress."
    )

    assert new_apps.get_model("news", "Article").objects.count() == 5
    assert not new_apps.get_model("news", "Image").objects.get(description="Hamnen").has_renditions
