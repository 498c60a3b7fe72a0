from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redaktörer"
NEWS_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("article", "category", "image", "formerslug")
    for action in ("add", "change", "delete", "view")
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("news")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="news", codename__in=NEWS_PERMISSIONS)
    )


def remove_news_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="news"))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_news_permissions)]
