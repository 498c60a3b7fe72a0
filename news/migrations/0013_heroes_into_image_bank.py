"""Every hero image an article or one of its versions names becomes an image of the image
bank, pointing at the same stored file (nothing is copied or uploaded again), with the
article's alt text and "decorative" flag; the article and its versions point at it.

The images are marked as having no renditions yet: the image bank also makes crops (16:9,
4:3, 1.91:1) that heroes never had, and a page naming a missing file would show a broken
image. Until ``manage.py make_renditions`` (or the image's next save) makes them, pages
show the original."""

from django.db import migrations

OLD_HERO_FIELDS = ["hero_image", "hero_alt", "hero_is_decorative"]


def heroes_into_image_bank(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("news", "Article")
    HistoricalArticle = apps.get_model("news", "HistoricalArticle")
    Image = apps.get_model("news", "Image")
    storage = Image._meta.get_field("file").storage
    images: dict[str, int] = {}

    def image_for(hero: dict) -> int:
        name = hero["hero_image"]
        if name not in images:
            image = Image.objects.using(db).filter(file=name).first()
            if image is None:
                image = Image.objects.using(db).create(
                    file=name,
                    width=hero["hero_width"],
                    height=hero["hero_height"],
                    description=(hero["title"] or name)[:250],
                    alt_text=hero["hero_alt"],
                    is_decorative=hero["hero_is_decorative"],
                    has_renditions=False,
                )
                # Uploaded with the article, not now: the image bank lists newest first.
                Image.objects.using(db).filter(pk=image.pk).update(uploaded_at=hero["created_at"])
            images[name] = image.pk
        return images[name]

    fields = ["title", "created_at", "hero_image", "hero_width", "hero_height", "hero_alt",
              "hero_is_decorative"]
    articles = Article.objects.using(db).exclude(hero_image="").order_by("pk")
    for hero in articles.values("pk", *fields):
        image_id = image_for(hero)
        # The old column is emptied: a hero an old server uploads during a rolling upgrade
        # is then the only one left there for the later release to move (0014), and a hero
        # removed on the new code cannot come back from a stale copy.
        Article.objects.using(db).filter(pk=hero["pk"]).update(hero_id=image_id, hero_image="")

    # Old versions keep their hero, so comparing and restoring them still shows it. The
    # newest version naming a file gives its texts. A file deleted since (the old way of
    # restoring refused it) gets no image: the bank would list a broken one.
    versions = HistoricalArticle.objects.using(db).exclude(hero_image="").order_by(
        "-history_date", "-history_id"
    )
    for hero in versions.values("history_id", *fields):
        name = hero["hero_image"]
        if name not in images and not storage.exists(name):
            continue
        image_id = image_for(hero)
        HistoricalArticle.objects.using(db).filter(history_id=hero["history_id"]).update(
            hero_id=image_id
        )

    # The list of versions names the fields a version changed: the three are one now.
    changed = []
    for version in HistoricalArticle.objects.using(db).only("history_id", "changed_fields"):
        names = version.changed_fields or []
        if any(name in OLD_HERO_FIELDS for name in names):
            kept = [name for name in names if name not in OLD_HERO_FIELDS]
            version.changed_fields = [*kept, "hero"]
            changed.append(version)
    HistoricalArticle.objects.using(db).bulk_update(changed, ["changed_fields"], batch_size=500)


def heroes_back_into_articles(apps, schema_editor):
    # The images stay in the image bank: others may have come to use them.
    db = schema_editor.connection.alias
    Article = apps.get_model("news", "Article")
    HistoricalArticle = apps.get_model("news", "HistoricalArticle")
    Image = apps.get_model("news", "Image")
    images = {image.pk: image for image in Image.objects.using(db).all()}
    for model in (Article, HistoricalArticle):
        for row in model.objects.using(db).filter(hero_id__isnull=False):
            image = images.get(row.hero_id)
            if image is None:
                continue
            values = {
                "hero_image": image.file.name,
                "hero_width": image.width,
                "hero_height": image.height,
                "hero_alt": image.alt_text,
                "hero_is_decorative": image.is_decorative,
            }
            if model is Article:
                values["has_hero_renditions"] = image.has_renditions
            model.objects.using(db).filter(pk=row.pk).update(**values)
    changed = []
    for version in HistoricalArticle.objects.using(db).only("history_id", "changed_fields"):
        if "hero" in (version.changed_fields or []):
            version.changed_fields = [
                "hero_image" if name == "hero" else name for name in version.changed_fields
            ]
            changed.append(version)
    HistoricalArticle.objects.using(db).bulk_update(changed, ["changed_fields"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0012_image_has_renditions_article_hero'),
    ]

    operations = [
        migrations.RunPython(heroes_into_image_bank, heroes_back_into_articles),
    ]
