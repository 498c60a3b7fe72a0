"""A starting point for production and the demo site: the accessibility statement, the
pages "Om webbplatsen" and "Personuppgifter", and the editors' permissions. Editors
review the texts and replace the example addresses in admin."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

EDITORS = "Redaktörer"
EDITOR_PERMISSIONS = [
    "view_page", "add_page", "change_page", "delete_page",
    # The statement is one: editors fill it in and keep it, never delete it.
    "view_accessibilitystatement", "add_accessibilitystatement", "change_accessibilitystatement",
    "view_inaccessiblecontent", "add_inaccessiblecontent", "change_inaccessiblecontent",
    "delete_inaccessiblecontent",
    "view_burdenexemption", "add_burdenexemption", "change_burdenexemption",
    "delete_burdenexemption",
    # Reports come from visitors; editors handle them and may erase one on request.
    "view_accessibilityreport", "change_accessibilityreport", "delete_accessibilityreport",
]


def genitive(name: str) -> str:
    return name if name[-1:].lower() in "sxz" else f"{name}s"


def statement_fields() -> dict:
    organisation = settings.SITE_NAME
    return {
        "organisation": organisation,
        "service": f"{genitive(organisation)} webbplats",
        "compliance": "partial",
        "out_of_scope": (
            "Kontorsdokument som publicerades före den 23 september 2018 omfattas inte av "
            "lagen. Vi tillgänglighetsanpassar dem om du ber om det."
        ),
        "assessed_on": timezone.localdate(),
        "assessment_method": "self",
        "assessment_details": (
            "Vi har granskat webbplatsen med automatiska verktyg (axe-core) och manuellt med "
            "tangentbord, förstoring och skärmläsare (NVDA och VoiceOver) på ett urval av "
            "sidor: startsidan, nyhetslistan, nyheter med kommentarer, sökningen, "
            "cookie-inställningarna och den här sidan."
        ),
        "updated_on": timezone.localdate(),
        "contact_email": "tillganglighet@example.se",
        "contact_phone": "010-123 45 00",
        "response_time": "Vi svarar normalt inom fem arbetsdagar.",
        "digg_report_url": "https://www.digg.se/tdosanmalan",
    }


INACCESSIBLE_CONTENT = [
    {
        "description": "Vissa äldre PDF-filer är inte tillgänglighetsanpassade.",
        "reason": (
            "PDF-filer som publicerades innan vi började tillgänglighetsanpassa dokumenten "
            "saknar ofta rubrikstruktur och textalternativ till bilder och är svåra att läsa "
            "med skärmläsare. Det strider mot WCAG 2.1 kriterierna 1.1.1 (Icke-textuellt "
            "innehåll) och 1.3.1 (Information och relationer)."
        ),
        "alternative": (
            "Be om innehållet i formuläret längst ner på sidan eller via e-post, så skickar "
            "vi det i ett tillgängligt format."
        ),
    },
    {
        "description": (
            "Några bilder i äldre nyheter har alternativtexter som inte beskriver bilden "
            "tillräckligt."
        ),
        "reason": (
            "Alternativtexterna skrevs innan vi hade riktlinjer för dem. Den som inte ser "
            "bilden kan därför missa information. Det strider mot WCAG 2.1 kriterium 1.1.1 "
            "(Icke-textuellt innehåll)."
        ),
        "alternative": "",
    },
]

BURDEN_EXEMPTIONS = [
    {
        "description": "Inskannade protokoll och bilagor från styrelsemöten 2019–2021.",
        "reason": (
            "Det rör sig om över 400 inskannade dokument som sällan efterfrågas. Att göra om "
            "dem till tillgängliga dokument skulle ta flera månaders arbete, vilket vi bedömer "
            "som oskäligt betungande i förhållande till nyttan för dem som använder "
            "webbplatsen."
        ),
        "alternative": "Vi skickar innehållet i ett tillgängligt format när du ber om det.",
    },
]


def page_contents() -> list[dict]:
    organisation = settings.SITE_NAME
    return [
        {
            "slug": "om-webbplatsen",
            "title": "Om webbplatsen",
            "description": f"Vem som står bakom {genitive(organisation)} webbplats och hur den fungerar.",
            "body": (
                f"<p>Här berättar {organisation} om sitt arbete: nyheter om verksamheten, "
                "samverkan och digitalisering i offentlig sektor.</p>"
                "<h2>Vem står bakom webbplatsen?</h2>"
                f"<p>Webbplatsen ges ut av {organisation}. Redaktionen ansvarar för innehållet "
                "och modererar kommentarerna.</p>"
                "<h2>Följ nyheterna</h2>"
                '<p>Du kan prenumerera på nyheterna med <a href="/nyheter/rss/">RSS-flödet</a>. '
                "Varje kategori har också ett eget flöde.</p>"
                "<h2>Tillgänglighet</h2>"
                "<p>Vi vill att alla ska kunna använda webbplatsen. I "
                '<a href="/tillganglighet/">tillgänglighetsredogörelsen</a> beskriver vi kända '
                "brister och hur du rapporterar problem till oss.</p>"
                "<h2>Cookies och personuppgifter</h2>"
                "<p>Webbplatsen använder bara nödvändiga cookies om du inte tillåter fler. Läs "
                'mer om <a href="/cookies/">cookies</a> och om hur vi hanterar '
                '<a href="/personuppgifter/">personuppgifter</a>.</p>'
                "<h2>Kontakt</h2>"
                '<p>Synpunkter på webbplatsen skickar du till <a href="mailto:webbredaktion@'
                'example.se">webbredaktion@example.se</a>.</p>'
            ),
        },
        {
            "slug": "personuppgifter",
            "title": "Personuppgifter",
            "description": "Hur vi behandlar personuppgifter när du kommenterar, väljer cookies "
            "eller rapporterar brister i tillgängligheten.",
            "body": (
                f"<p>{organisation} är personuppgiftsansvarig för de personuppgifter som "
                "behandlas på webbplatsen. Här beskriver vi vilka uppgifter vi sparar, varför "
                "och hur länge.</p>"
                "<h2>Kommentarer</h2>"
                "<p>När du kommenterar en nyhet sparar vi namnet och e-postadressen du "
                "skriver, kommentaren och när du skickade den. Namnet och kommentaren "
                "publiceras när redaktionen har godkänt kommentaren. E-postadressen publiceras "
                "aldrig; vi använder den bara om vi behöver kontakta dig om kommentaren.</p>"
                "<p>För att stoppa skräppost och missbruk sparar vi inte din IP-adress, bara "
                "en saltad hash av den, som inte kan räknas tillbaka till adressen. Den raderas "
                "efter 30 dagar. Kommentarer som inte publiceras raderas efter 90 dagar.</p>"
                "<p>Du kan be oss om en kopia av alla kommentarer du har skickat från en "
                "e-postadress, eller be oss radera dem.</p>"
                "<h2>Cookies och samtycken</h2>"
                "<p>Vi använder bara de cookies du tillåter, se "
                '<a href="/cookies/">cookie-inställningarna</a>. Ditt val sparas i en cookie i '
                "din webbläsare och i ett samtyckesregister hos oss, så att vi kan visa vad du "
                "har samtyckt till. Registret innehåller ett slumpmässigt samtyckes-id, dina "
                "val, vilken version av cookiepolicyn du såg och när du valde. Vi sparar ingen "
                "IP-adress. Uppgifterna sparas i tre år och raderas sedan.</p>"
                "<h2>Rapporter om tillgänglighet</h2>"
                "<p>När du rapporterar en brist i tillgängligheten eller ber om innehåll i "
                "tillgänglig form sparar vi det du skriver, vilken sida det gäller och, om du "
                "lämnar dem, ditt namn och din e-postadress. Du kan vara anonym. "
                "E-postadressen använder vi bara för att svara dig. Rapporterna sparas medan "
                "vi handlägger dem och gallras sedan enligt vår dokumenthanteringsplan.</p>"
                "<h2>Allmänna handlingar</h2>"
                "<p>Det du skickar till oss, till exempel en kommentar eller en rapport, kan "
                "bli en allmän handling. Den kan då lämnas ut till den som begär det enligt "
                "offentlighetsprincipen, efter sekretessprövning.</p>"
                "<h2>Rättslig grund</h2>"
                "<p>Vi behandlar uppgifterna för att utföra en uppgift av allmänt intresse "
                "(artikel 6.1 e i dataskyddsförordningen): att informera om vår verksamhet och "
                "göra webbplatsen tillgänglig. Cookies för statistik använder vi bara med ditt "
                "samtycke.</p>"
                "<h2>Dina rättigheter</h2>"
                "<p>Du har rätt att få veta vilka personuppgifter vi behandlar om dig, att få "
                "felaktiga uppgifter rättade och i vissa fall att få uppgifter raderade eller "
                "begränsade. Kontakta oss på "
                '<a href="mailto:registrator@example.se">registrator@example.se</a>. Om du '
                "anser att vi behandlar dina personuppgifter felaktigt kan du klaga hos "
                'Integritetsskyddsmyndigheten (IMY), <a href="https://www.imy.se/">imy.se</a>.'
                "</p>"
            ),
        },
    ]


def create_starting_content(apps, schema_editor=None):
    """Also used by browser tests, whose database flush removes what migrations made."""
    AccessibilityStatement = apps.get_model("pages", "AccessibilityStatement")
    Page = apps.get_model("pages", "Page")
    if not AccessibilityStatement.objects.exists():
        statement = AccessibilityStatement.objects.create(pk=1, **statement_fields())
        for row in INACCESSIBLE_CONTENT:
            statement.inaccessible_content.create(**row)
        for row in BURDEN_EXEMPTIONS:
            statement.burden_exemptions.create(**row)
    for fields in page_contents():
        Page.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)


def give_editors_permissions(apps, schema_editor=None):
    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("pages")
    app_config.models_module = True  # historical app configs lack it; the function checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="pages", codename__in=EDITOR_PERMISSIONS)
    )


def forwards(apps, schema_editor):
    create_starting_content(apps, schema_editor)
    give_editors_permissions(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
