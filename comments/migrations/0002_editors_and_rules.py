from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_comment", "change_comment", "delete_comment",
    "view_blockedword", "add_blockedword", "change_blockedword", "delete_blockedword",
    "view_commentrules", "add_commentrules", "change_commentrules",
]

RULES = (
    "Kommentarerna på webbplatsen modereras av redaktionen. Vi publicerar inte kommentarer "
    "som är kränkande, hotfulla, reklam, uppenbart osanna eller som inte handlar om "
    "artikeln. Kommentarer som skickas till oss kan bli allmänna handlingar och kan då "
    "lämnas ut enligt offentlighetsprincipen. Din e-postadress publiceras aldrig."
)


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name="Redaktörer")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=EDITOR_PERMISSIONS
        )
    )
    CommentRules = apps.get_model("comments", "CommentRules")
    if not CommentRules.objects.exists():
        CommentRules.objects.create(text=RULES)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("news", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
