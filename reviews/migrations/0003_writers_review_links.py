from django.contrib.auth.management import create_permissions
from django.db import migrations

# Literal names, as the migration must keep working whatever adda_site.groups says later.
WRITERS = "Skribenter"
# Writers share their own drafts with a colleague for review, and withdraw a link they no
# longer want read; deleting links (and their record) stays with the editors.
PERMISSIONS = ["add_reviewlink", "change_reviewlink", "view_reviewlink"]


def give_writers_review_links(apps, schema_editor):
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=WRITERS):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="reviews", codename__in=PERMISSIONS)
        )


def take_review_links_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=WRITERS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="reviews"))


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_editors_permissions"),
        # Where the Skribenter group is made.
        ("news", "0009_writers_and_first_versions"),
    ]

    operations = [migrations.RunPython(give_writers_review_links, take_review_links_back)]
