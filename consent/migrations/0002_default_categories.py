from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    {
        "slug": "nodvandiga",
        "name": "Nödvändiga",
        "description": (
            "Behövs för att webbplatsen ska fungera, till exempel för att komma ihåg ditt "
            "val om cookies och skydda formulär mot förfalskade anrop. Kan inte stängas av."
        ),
        "is_required": True,
        "order": 1,
        "cookies": [
            ("samtycke", "Webbplatsen", "Kommer ihåg vilka cookies du har tillåtit.", "12 månader"),
            ("csrftoken", "Webbplatsen", "Skyddar formulär mot förfalskade anrop.", "1 år"),
            ("messages", "Webbplatsen", "Visar en bekräftelse efter att du skickat ett formulär.",
             "Sessionen"),
            ("sessionid", "Webbplatsen", "Håller redaktörer inloggade i redigeringsverktyget.",
             "2 veckor"),
        ],
    },
    {
        "slug": "statistik",
        "name": "Statistik",
        "description": (
            "Hjälper oss att förstå hur webbplatsen används, så att vi kan förbättra den. "
            "Uppgifterna är anonyma och delas inte med någon annan."
        ),
        "is_required": False,
        "order": 2,
        "cookies": [
            ("_pk_id.*", "Matomo (webbplatsens egen statistiktjänst)",
             "Känner igen din webbläsare mellan besök för statistik.", "13 månader"),
            ("_pk_ses.*", "Matomo (webbplatsens egen statistiktjänst)",
             "Håller ihop sidvisningar under ett besök.", "30 minuter"),
        ],
    },
]

EDITOR_PERMISSIONS = [
    "view_cookiecategory", "add_cookiecategory", "change_cookiecategory",
    "view_cookie", "add_cookie", "change_cookie", "delete_cookie",
    "view_gatedscript", "add_gatedscript", "change_gatedscript", "delete_gatedscript",
    "view_historicalgatedscript",
    "view_policyversion", "add_policyversion",
    "view_consentrecord", "view_weeklyconsentcount",
]


def create_defaults(apps, schema_editor):
    CookieCategory = apps.get_model("consent", "CookieCategory")
    Cookie = apps.get_model("consent", "Cookie")
    for data in CATEGORIES:
        cookies = data.pop("cookies")
        category, _created = CookieCategory.objects.get_or_create(slug=data["slug"], defaults=data)
        for name, provider, purpose, duration in cookies:
            Cookie.objects.get_or_create(
                name=name,
                defaults={"category": category, "provider": provider, "purpose": purpose,
                          "duration": duration},
            )
        data["cookies"] = cookies

    app_config = apps.get_app_config("consent")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name="Redaktörer")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="consent",
                                   codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
        ("news", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
