"""The form at the end of the accessibility statement: "Rapportera brister i tillgängligheten"."""

import itertools

import hypothesis
import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from pages.models import AccessibilityReport

URL = "/tillganglighet/"
REPORT_URL = "/tillganglighet/rapportera/"
THANKS = "Tack för din rapport! Om du lämnade din e-postadress svarar vi dig där."
NOT_SENT = "Din rapport skickades inte"
PROBLEM_LABEL = "Beskriv problemet, eller vilket innehåll du behöver i tillgänglig form"


@pytest.fixture
def send_report(client, statement, report_data):
    def factory(*, remote_addr="192.0.2.20", **fields):
        return client.post(REPORT_URL, report_data(**fields), REMOTE_ADDR=remote_addr)

    return factory


def test_report_form_comes_last_under_its_heading_and_posts_to_the_report_address(
    client, statement
):
    response = client.get(URL)
    section = response.text.split('<section id="rapportera"', 1)[1]

    assert section.index("Rapportera brister i tillgängligheten") < section.index("<form")
    assertContains(response, f'<form method="post" action="{REPORT_URL}#rapportfel"')
    assert 'name="csrfmiddlewaretoken"' in section
    assert "<h2" not in section.split("</section>", 1)[1].split("</main>", 1)[0]


def test_report_form_has_labelled_fields_and_marks_name_and_email_as_optional(client, statement):
    response = client.get(URL)

    for field, label in [
        ("problem", PROBLEM_LABEL),
        ("page", "På vilken sida? (frivilligt)"),
        ("name", "Ditt namn (frivilligt)"),
        ("email", "Din e-postadress (frivilligt)"),
    ]:
        assertContains(response, f'for="id_{field}"')
        assertContains(response, label)
    assertContains(
        response, "Fyll i den om du vill ha svar. Vi använder den bara för att svara dig."
    )
    assertContains(response, 'value="Skicka rapporten"')


def test_anonymous_report_is_stored_as_new_and_the_visitor_is_sent_back_with_thanks(
    send_report,
):
    response = send_report(problem="Sökknappen går inte att nå med tangentbordet.")

    assert response.status_code == 302
    assert response.url == "/tillganglighet/?tack=1#rapportera"
    report = AccessibilityReport.objects.get()
    assert report.problem == "Sökknappen går inte att nå med tangentbordet."
    assert report.status == AccessibilityReport.Status.NEW
    assert (report.name, report.email, report.page) == ("", "", "")


def test_report_with_page_name_and_email_is_stored_so_that_the_visitor_can_get_an_answer(
    send_report,
):
    send_report(
        problem="Jag behöver årsredovisningen som Word-fil.",
        page="https://www.example.se/nyheter/arsredovisning/",
        name="Bo Ek",
        email="bo@example.se",
    )

    report = AccessibilityReport.objects.get()
    assert report.page == "https://www.example.se/nyheter/arsredovisning/"
    assert (report.name, report.email) == ("Bo Ek", "bo@example.se")


def test_thank_you_line_is_announced_as_a_status_after_the_redirect(client, statement):
    response = client.get(URL, {"tack": "1"})

    assertInHTML(
        f'<p class="message" role="status" tabindex="-1" data-focus-on-load>{THANKS}</p>',
        response.text,
    )


def test_statement_without_the_thanks_parameter_thanks_nobody(client, statement):
    assertNotContains(client.get(URL), THANKS)


def test_report_without_a_problem_comes_back_with_an_error_summary_linked_to_the_field(
    send_report,
):
    response = send_report(problem="", page="Startsidan", email="bo@example.se")

    assert response.status_code == 400
    assertContains(response, f'<h3 id="rapportfel-rubrik">{NOT_SENT}</h3>', status_code=400)
    assertInHTML(
        f'<a href="#id_problem">{PROBLEM_LABEL}: Beskriv problemet eller vilket innehåll du '
        "behöver.</a>",
        response.text,
    )
    assert 'role="alert"' in response.text
    assert AccessibilityReport.objects.count() == 0


def test_refused_report_keeps_what_the_visitor_typed(send_report):
    response = send_report(problem="", page="Startsidan", name="Bo Ek", email="bo@example.se")

    assertContains(response, 'value="Startsidan"', status_code=400)
    assertContains(response, 'value="Bo Ek"', status_code=400)
    assertContains(response, 'value="bo@example.se"', status_code=400)


def test_field_with_an_error_is_marked_invalid_and_described_by_its_error(send_report):
    response = send_report(problem="")

    assertContains(response, 'aria-invalid="true"', status_code=400)
    assertContains(response, 'aria-describedby="id_problem_error"', status_code=400)
    assertContains(
        response, "Beskriv problemet eller vilket innehåll du behöver.", count=2, status_code=400
    )


@pytest.mark.parametrize("problem", ["   ", "\n\t", "\u200b\u200b", "\x00"])
def test_problem_of_only_spaces_or_invisible_characters_is_refused(send_report, problem):
    response = send_report(problem=problem)

    assert response.status_code == 400
    assertContains(response, NOT_SENT, status_code=400)
    assert AccessibilityReport.objects.count() == 0


def test_invalid_email_address_is_refused_with_a_swedish_message(send_report):
    response = send_report(email="inte-en-adress")

    assertInHTML(
        '<a href="#id_email">Din e-postadress (frivilligt): Fyll i en giltig e-postadress.</a>',
        response.text,
    )


def test_too_long_description_is_refused_and_kept(send_report):
    response = send_report(problem="x" * 5001)

    assertContains(
        response,
        "Säkerställ att detta värde har som mest 5000 tecken (den har 5001).",
        status_code=400,
    )
    assertContains(response, "x" * 5001, status_code=400)


def test_refused_report_on_the_form_address_has_the_statement_as_canonical_url(send_report):
    response = send_report(problem="")

    assertContains(
        response, '<link rel="canonical" href="http://testserver/tillganglighet/">', status_code=400
    )


def test_bot_filling_the_honeypot_is_thanked_but_nothing_is_stored(send_report):
    response = send_report(hp_kontroll="https://spam.example/")

    assert response.status_code == 302
    assert response.url == "/tillganglighet/?tack=1#rapportera"
    assert AccessibilityReport.objects.count() == 0


def test_honeypot_is_hidden_from_people_and_screen_readers(client, statement):
    response = client.get(URL)

    assertContains(response, 'class="honeypot"  aria-hidden="true"')
    assertContains(response, 'name="hp_kontroll" autocomplete="off" tabindex="-1"')


def test_report_without_csrf_token_is_refused(statement, report_data):
    response = Client(enforce_csrf_checks=True).post(REPORT_URL, report_data())

    assert response.status_code == 403
    assert AccessibilityReport.objects.count() == 0


def test_report_address_only_takes_posts(client, statement):
    assert client.get(REPORT_URL).status_code == 405


examples = hypothesis.settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
anything = st.one_of(
    st.text(),
    st.text(st.characters(categories=["Cc", "Cf", "Zs"])),
    st.text(min_size=1, max_size=40).map(lambda text: (text * 6000)[:6000]),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "%00", "{{ x }}"]),
)


# Each example from its own address, so that the rate limit is not what answers.
visitors = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


@examples
@hypothesis.given(problem=anything, page=anything, name=anything, email=anything)
def test_any_input_gives_a_stored_report_or_a_form_error(send_report, problem, page, name, email):
    before = AccessibilityReport.objects.count()

    response = send_report(
        problem=problem, page=page, name=name, email=email, remote_addr=next(visitors)
    )

    assert response.status_code in (302, 400)
    stored = AccessibilityReport.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)
    assert "<script>alert(1)" not in response.content.decode()


# Abuse


TOO_MANY_REPORTS = (
    "Du har skickat många rapporter på kort tid. Vänta några minuter och skicka igen: "
    "din text finns kvar nedan."
)


def test_reports_past_the_limit_are_refused_politely_keeping_the_text(send_report, settings):
    settings.REPORTS_RATE_LIMIT = (2, 600)
    for number in range(2):
        assert send_report(problem=f"Problem nummer {number}.").status_code == 302

    response = send_report(problem="Länken Om oss saknar fokusmarkering.")

    assertContains(response, TOO_MANY_REPORTS, status_code=429)
    assertContains(response, "Länken Om oss saknar fokusmarkering.</textarea>", status_code=429)
    assert AccessibilityReport.objects.count() == 2


def test_report_sent_faster_than_a_person_writes_is_refused(send_report, form_stamp):
    response = send_report(stamp=form_stamp(seconds_ago=0))

    assertContains(
        response, "Det gick fort! Kontrollera din rapport och skicka den igen.", status_code=400
    )
    assert not AccessibilityReport.objects.exists()


def test_report_with_a_comment_forms_stamp_is_refused(send_report, form_stamp, make_article):
    article = make_article()

    response = send_report(stamp=form_stamp(article=article))

    assertContains(response, "Skicka din rapport igen.", status_code=400)
    assert not AccessibilityReport.objects.exists()


# Admin


@pytest.fixture
def report(db):
    return AccessibilityReport.objects.create(
        problem="<script>alert(1)</script> Bilderna saknar alt-text.",
        page="<b>Startsidan</b>",
        name="<i>Bo</i>",
        email="bo@example.se",
    )


def test_editor_sees_what_visitors_wrote_as_text_in_the_admin_list(editor_client, report):
    response = editor_client.get("/admin/pages/accessibilityreport/")

    assert response.status_code == 200
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; Bilderna saknar alt-text.")
    assertContains(response, "&lt;b&gt;Startsidan&lt;/b&gt;")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "<i>Bo</i>")


def test_editor_sees_what_visitors_wrote_as_text_in_the_report(editor_client, report):
    response = editor_client.get(f"/admin/pages/accessibilityreport/{report.pk}/change/")

    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")


def test_editor_filters_reports_by_status(editor_client, report):
    AccessibilityReport.objects.create(problem="Redan besvarad.", status="answered")

    response = editor_client.get("/admin/pages/accessibilityreport/", {"status__exact": "new"})

    assertContains(response, "Bilderna saknar alt-text.")
    assertNotContains(response, "Redan besvarad.")
    for value, label in [
        ("new", "ny"),
        ("in_progress", "under handläggning"),
        ("answered", "besvarad"),
        ("closed", "avslutad"),
    ]:
        assertContains(response, f'<a href="?status__exact={value}">{label}</a>', html=True)


def test_editor_answers_a_report_and_cannot_change_what_the_visitor_wrote(editor_client, report):
    response = editor_client.post(
        f"/admin/pages/accessibilityreport/{report.pk}/change/",
        {"status": "answered", "note": "Svar skickat per e-post.", "problem": "Ändrad"},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AccessibilityReport.Status.ANSWERED
    assert report.note == "Svar skickat per e-post."
    assert report.problem.startswith("<script>alert(1)</script>")


def test_reports_cannot_be_added_in_admin(admin_client, db):
    assert admin_client.get("/admin/pages/accessibilityreport/add/").status_code == 403


def test_editors_may_read_change_and_erase_reports(editor):
    permissions = editor.get_all_permissions()

    assert {
        "pages.view_accessibilityreport",
        "pages.change_accessibilityreport",
        "pages.delete_accessibilityreport",
    } <= permissions
