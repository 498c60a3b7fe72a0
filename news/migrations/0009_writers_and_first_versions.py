from django.contrib.auth.management import create_permissions
from django.db import migrations

# Literal names, as the migration must keep working whatever adda_site.groups says later.
EDITORS = "Redaktörer"
WRITERS = "Skribenter"
# Writers write and submit for review; they see categories and the image bank and add
# images to it, but delete nothing and publish nothing.
WRITER_PERMISSIONS = [
    "add_article",
    "change_article",
    "view_article",
    "view_category",
    "view_formerslug",
    "add_image",
    "change_image",
    "view_image",
]
EDITOR_PERMISSIONS = ["publish_article"]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="news", codename__in=codenames)


def create_writers(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("news")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    writers, _created = Group.objects.get_or_create(name=WRITERS)
    writers.permissions.add(*permissions(apps, WRITER_PERMISSIONS))
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.add(*permissions(apps, EDITOR_PERMISSIONS))


def remove_writers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=WRITERS).delete()
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(*permissions(apps, EDITOR_PERMISSIONS))


def first_versions(apps, schema_editor):
    """Each existing article starts its history with a version of what it is now, so that
    the first change can be compared and undone."""
    Article = apps.get_model("news", "Article")
    HistoricalArticle = apps.get_model("news", "HistoricalArticle")
    HistoricalCategories = apps.get_model("news", "HistoricalArticle_categories")
    excluded = {"body_html", "has_hero_renditions"}
    fields = [f.attname for f in Article._meta.concrete_fields if f.name not in excluded]
    Through = Article.categories.through
    for article in Article.objects.iterator(chunk_size=200):
        version = HistoricalArticle.objects.create(
            **{name: getattr(article, name) for name in fields},
            history_date=article.updated_at,
            history_type="+",
            is_published_version=article.status == "published",
        )
        HistoricalCategories.objects.bulk_create(
            HistoricalCategories(
                history=version, id=row.id, article_id=row.article_id, category_id=row.category_id
            )
            for row in Through.objects.filter(article_id=article.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_article_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_writers, remove_writers),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
