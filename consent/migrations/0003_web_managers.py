from django.contrib.auth.management import create_permissions
from django.db import migrations

# Literal names, as the migration must keep working whatever adda_site.groups says later.
EDITORS = "Redaktörer"
WEB_MANAGERS = "Webbansvariga"
# Scripts run on the site's own origin, beside the admin: only web managers (and
# superusers) may write them; editors keep seeing them and switching them on and off.
SCRIPT_PERMISSIONS = ["add_gatedscript", "change_gatedscript", "delete_gatedscript"]
EDITOR_PERMISSIONS = ["view_gatedscript", "toggle_gatedscript", "view_historicalgatedscript"]
WEB_MANAGER_PERMISSIONS = [*EDITOR_PERMISSIONS, *SCRIPT_PERMISSIONS]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="consent", codename__in=codenames)


def create_web_managers(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("consent")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    web_managers, _created = Group.objects.get_or_create(name=WEB_MANAGERS)
    web_managers.permissions.add(*permissions(apps, WEB_MANAGER_PERMISSIONS))
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(*permissions(apps, SCRIPT_PERMISSIONS))
        editors.permissions.add(*permissions(apps, EDITOR_PERMISSIONS))


def give_scripts_back_to_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.add(*permissions(apps, SCRIPT_PERMISSIONS))
        editors.permissions.remove(*permissions(apps, ["toggle_gatedscript"]))
    for web_managers in Group.objects.filter(name=WEB_MANAGERS):
        web_managers.permissions.remove(*permissions(apps, WEB_MANAGER_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0002_default_categories"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="gatedscript",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("toggle_gatedscript", "Can switch scripts that need consent on and off")
                ],
                "verbose_name": "script that needs consent",
                "verbose_name_plural": "scripts that need consent",
            },
        ),
        migrations.RunPython(create_web_managers, give_scripts_back_to_editors),
    ]
