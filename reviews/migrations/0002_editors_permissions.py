from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redaktörer"
PERMISSIONS = [f"{action}_reviewlink" for action in ("add", "change", "delete", "view")]


def give_editors_review_links(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="reviews", codename__in=PERMISSIONS)
    )


def remove_review_link_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="reviews"))


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("news", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_editors_review_links, remove_review_link_permissions)]
