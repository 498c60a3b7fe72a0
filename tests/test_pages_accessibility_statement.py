import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from pages.models import AccessibilityStatement, BurdenExemption, InaccessibleContent

URL = "/tillganglighet/"
HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S)


def headings(response) -> list[tuple[int, str]]:
    """The headings of the page's main content (the cookie banner has one of its own)."""
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    return [
        (int(level), re.sub(r"<[^>]+>", "", text).strip()) for level, text in HEADING.findall(main)
    ]


def test_statement_has_the_swedish_title_as_its_only_h1(client, statement):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert headings(response)[0] == (1, "Tillgänglighetsredogörelse")
    assertContains(response, "<title>Tillgänglighetsredogörelse – Adda</title>", html=True)


def test_statement_sections_are_headings_in_order_ending_with_the_report_form(client, statement):
    response = client.get(URL)

    assert headings(response) == [
        (1, "Tillgänglighetsredogörelse"),
        (2, "Hur tillgänglig är webbplatsen?"),
        (2, "Vad kan du göra om du inte kan använda delar av webbplatsen?"),
        (2, "Innehåll som inte är tillgängligt"),
        (3, "Bristande förenlighet med lagkraven"),
        (3, "Oskäligt betungande anpassning"),
        (3, "Innehåll som inte omfattas av lagen"),
        (2, "Hur vi testat webbplatsen"),
        (2, "Tillsyn"),
        (2, "Rapportera brister i tillgängligheten"),
    ]


def test_statement_names_the_organisation_and_the_service(client, statement):
    statement.organisation = "Region Norrby"
    statement.service = "regionnorrby.se"
    statement.save()

    response = client.get(URL)

    assertContains(response, "Region Norrby står bakom regionnorrby.se.")


def test_compliance_status_is_exactly_one_of_the_three_the_law_knows():
    with translation.override("sv"):
        labels = [str(label) for _value, label in AccessibilityStatement.Compliance.choices]

    assert labels == ["helt förenlig", "delvis förenlig", "inte förenlig"]


@pytest.mark.parametrize(
    ("compliance", "label"),
    [
        (AccessibilityStatement.Compliance.FULL, "helt förenlig"),
        (AccessibilityStatement.Compliance.PARTIAL, "delvis förenlig"),
        (AccessibilityStatement.Compliance.NONE, "inte förenlig"),
    ],
)
def test_statement_says_how_compliant_the_website_is(client, statement, compliance, label):
    statement.compliance = compliance
    statement.save()

    response = client.get(URL)

    assertContains(
        response,
        f"Den här webbplatsen är <strong>{label}</strong> med lagen om tillgänglighet till "
        "digital offentlig service.",
    )


def test_fully_compliant_statement_does_not_speak_of_shortcomings(client, statement):
    statement.compliance = AccessibilityStatement.Compliance.FULL
    statement.save()

    response = client.get(URL)

    assertNotContains(response, "Vi är medvetna om att delar av webbplatsen")


def test_partially_compliant_statement_points_to_the_shortcomings(client, statement):
    response = client.get(URL)

    assertContains(
        response,
        "Vi är medvetna om att delar av webbplatsen inte är helt tillgängliga: "
        "bristerna beskrivs nedan.",
    )


def test_content_that_is_not_accessible_is_listed_with_why_and_the_alternative(client, statement):
    statement.inaccessible_content.all().delete()
    InaccessibleContent.objects.create(
        statement=statement,
        description="Kartan över kontoren saknar textalternativ.",
        reason="Kartan är en bild utan beskrivning (WCAG 1.1.1).",
        alternative="Adresserna finns i listan under kartan.",
        fix_planned_on=date(2026, 6, 30),
    )

    response = client.get(URL)

    assertInHTML(
        """<li><p class="statement__item">Kartan över kontoren saknar textalternativ.</p>
        <dl class="statement__details">
          <dt>Varför</dt><dd>Kartan är en bild utan beskrivning (WCAG 1.1.1).</dd>
          <dt>Tillgängligt alternativ</dt><dd>Adresserna finns i listan under kartan.</dd>
          <dt>Åtgärdas senast</dt><dd><time datetime="2026-06-30">30 juni 2026</time></dd>
        </dl></li>""",
        response.text,
    )


def test_demo_statement_lists_old_pdf_files_as_not_accessible(client, statement):
    response = client.get(URL)

    assertContains(response, "Vissa äldre PDF-filer är inte tillgänglighetsanpassade.")


def test_content_exempted_as_disproportionate_burden_is_listed_with_reasons(client, statement):
    statement.organisation = "Region Norrby"
    statement.save()
    statement.burden_exemptions.all().delete()
    BurdenExemption.objects.create(
        statement=statement,
        description="Filmer från fullmäktige 2019.",
        reason="Att texta 300 timmar film vore oskäligt betungande.",
    )

    response = client.get(URL)

    assertContains(
        response,
        "Region Norrby åberopar undantag för oskäligt betungande anpassning för följande innehåll:",
    )
    assertInHTML(
        """<li><p class="statement__item">Filmer från fullmäktige 2019.</p>
        <dl class="statement__details"><dt>Skäl</dt>
        <dd>Att texta 300 timmar film vore oskäligt betungande.</dd></dl></li>""",
        response.text,
    )


def test_statement_without_shortcomings_says_none_are_known(client, statement):
    statement.inaccessible_content.all().delete()
    statement.burden_exemptions.all().delete()
    statement.out_of_scope = ""
    statement.save()

    response = client.get(URL)

    assertContains(
        response, "Vi känner inte till något innehåll på webbplatsen som inte är tillgängligt."
    )
    assertNotContains(response, "Bristande förenlighet med lagkraven")
    assertNotContains(response, "Oskäligt betungande anpassning")


def test_self_assessment_is_shown_with_its_date_and_the_date_last_updated(client, statement):
    statement.assessment_method = AccessibilityStatement.Method.SELF
    statement.assessed_on = date(2025, 3, 3)
    statement.updated_on = date(2025, 3, 10)
    statement.save()

    response = client.get(URL)

    assertContains(response, "Vi har gjort en självskattning (intern granskning) av webbplatsen.")
    assertInHTML(
        '<li>Den senaste bedömningen gjordes den <time datetime="2025-03-03">3 mars 2025</time>'
        "</li>",
        response.text,
    )
    assertInHTML(
        '<li>Redogörelsen uppdaterades senast den <time datetime="2025-03-10">10 mars 2025'
        "</time></li>",
        response.text,
    )


def test_external_audit_names_the_auditor(client, statement):
    statement.assessment_method = AccessibilityStatement.Method.EXTERNAL
    statement.assessed_by = "Tillgänglighetsbyrån AB"
    statement.save()

    response = client.get(URL)

    assertContains(
        response, "Webbplatsen har granskats av en extern part, Tillgänglighetsbyrån AB."
    )
    assertNotContains(response, "självskattning")


def test_date_the_website_was_published_is_shown_when_given(client, statement):
    statement.published_on = date(2019, 9, 23)
    statement.save()

    response = client.get(URL)

    assertInHTML(
        '<li>Webbplatsen publicerades den <time datetime="2019-09-23">23 september 2019</time>'
        "</li>",
        response.text,
    )


def test_statement_gives_the_contact_for_accessibility_requests(client, statement):
    statement.contact_email = "tillganglighet@norrby.se"
    statement.contact_phone = "0123-456 78"
    statement.save()

    response = client.get(URL)

    assertInHTML(
        '<li>E-post: <a href="mailto:tillganglighet@norrby.se">tillganglighet@norrby.se</a></li>',
        response.text,
    )
    assertInHTML("<li>Telefon: 0123-456 78</li>", response.text)


def test_statement_links_to_diggs_report_form(client, statement):
    response = client.get(URL)

    assertContains(
        response,
        "Myndigheten för digital förvaltning (Digg) har tillsyn över lagen om tillgänglighet "
        "till digital offentlig service.",
    )
    assertInHTML(
        '<a href="https://www.digg.se/tdosanmalan">'
        "Anmäl till Myndigheten för digital förvaltning (Digg)</a>",
        response.text,
    )


def test_texts_editors_write_are_shown_as_text_not_markup(client, statement):
    InaccessibleContent.objects.create(
        statement=statement, description="<script>alert(1)</script>", reason="<b>fet</b>"
    )

    response = client.get(URL)

    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "<b>fet</b>")


def test_without_a_statement_the_address_is_not_found(client, statement):
    statement.delete()

    assert client.get(URL).status_code == 404


def test_a_second_statement_is_refused_by_validation(statement):
    second = AccessibilityStatement(
        organisation="Annan",
        service="annan.se",
        compliance="full",
        assessed_on=date.today(),
        contact_email="a@example.se",
    )

    with pytest.raises(ValidationError, match="Det finns redan en tillgänglighetsredogörelse."):
        with translation.override("sv"):
            second.full_clean()


def test_a_second_statement_is_refused_by_the_database(statement):
    second = AccessibilityStatement(
        organisation="Annan",
        service="annan.se",
        compliance="full",
        assessed_on=date.today(),
        contact_email="a@example.se",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert AccessibilityStatement.objects.get().organisation == statement.organisation


def test_admin_offers_no_second_statement(admin_client, statement):
    assert admin_client.get("/admin/pages/accessibilitystatement/add/").status_code == 403


def test_admin_list_of_statements_opens_the_statement(editor_client, statement):
    response = editor_client.get("/admin/pages/accessibilitystatement/")

    assert response.status_code == 302
    assert response.url == f"/admin/pages/accessibilitystatement/{statement.pk}/change/"


def inline_rows(prefix: str, rows, fields) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field in ("id", "statement", *fields):
            data[f"{prefix}-{index}-{field}"] = row.get(field, "")
    return data


def test_editor_fills_in_the_statement_and_adds_a_shortcoming_in_admin(editor_client, statement):
    existing = [
        {
            "id": item.pk,
            "statement": statement.pk,
            "description": item.description,
            "reason": item.reason,
            "alternative": item.alternative,
        }
        for item in statement.inaccessible_content.all()
    ]
    new = {
        "statement": statement.pk,
        "description": "Formuläret för bygglov saknar etiketter.",
        "reason": "Fälten saknar etiketter (WCAG 1.3.1, 3.3.2).",
        "alternative": "Ring oss så fyller vi i ansökan tillsammans.",
    }
    exemptions = [
        {
            "id": item.pk,
            "statement": statement.pk,
            "description": item.description,
            "reason": item.reason,
            "alternative": item.alternative,
        }
        for item in statement.burden_exemptions.all()
    ]
    fields = ("description", "reason", "alternative", "fix_planned_on")
    data = {
        "organisation": "Region Norrby",
        "service": "regionnorrby.se",
        "compliance": "none",
        "assessed_on": "2025-03-03",
        "assessment_method": "external",
        "assessed_by": "Tillgänglighetsbyrån AB",
        "assessment_details": "",
        "published_on": "",
        "updated_on": "2025-03-10",
        "contact_email": "tillganglighet@norrby.se",
        "contact_phone": "",
        "response_time": "",
        "digg_report_url": "https://www.digg.se/tdosanmalan",
        "out_of_scope": "",
        **inline_rows("inaccessible_content", [*existing, new], fields),
        **inline_rows("burden_exemptions", exemptions, ("description", "reason", "alternative")),
    }

    response = editor_client.post(
        f"/admin/pages/accessibilitystatement/{statement.pk}/change/", data
    )

    assert response.status_code == 302, response.context["errors"]
    page = editor_client.get(URL)
    assertContains(page, "Region Norrby står bakom regionnorrby.se.")
    assertContains(page, "<strong>inte förenlig</strong>")
    assertContains(page, "Formuläret för bygglov saknar etiketter.")
    assertContains(page, "Ring oss så fyller vi i ansökan tillsammans.")


def test_compliance_status_other_than_the_three_is_refused(statement):
    statement.compliance = "nästan förenlig"

    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "compliance" in error.value.message_dict


def test_editors_may_change_but_not_delete_the_statement(editor, statement):
    permissions = editor.get_all_permissions()

    assert "pages.change_accessibilitystatement" in permissions
    assert "pages.add_inaccessiblecontent" in permissions
    assert "pages.add_burdenexemption" in permissions
    assert "pages.delete_accessibilitystatement" not in permissions
