import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from consent.models import ConsentRecord, CookieCategory, GatedScript, PolicyVersion
from consent.policy import publish_version

RECORDS_URL = "/admin/consent/consentrecord/"
SUMMARY_URL = "/admin/consent/consentrecord/veckosammanstallning/"


def changelist_ids(response) -> list[str]:
    return re.findall(
        r'<th class="field-consent_id"><a href="[^"]+">([0-9a-f]{32})</a>', response.text
    )


def run_action(client, action: str, records):
    return client.post(
        RECORDS_URL,
        {"action": action, "_selected_action": [record.pk for record in records]},
    )


# Consent records are read-only


def test_editor_sees_the_consent_records(editor_client, make_consent_record):
    record = make_consent_record()
    response = editor_client.get(RECORDS_URL)
    assert changelist_ids(response) == [record.consent_id]


def test_editor_cannot_add_a_consent_record(editor_client, db):
    assert editor_client.get(f"{RECORDS_URL}add/").status_code == 403


def test_editor_cannot_change_a_consent_record(editor_client, make_consent_record):
    record = make_consent_record()
    response = editor_client.post(
        f"{RECORDS_URL}{record.pk}/change/",
        {"consent_id": record.consent_id, "choices": '{"statistik": true}', "method": "gpc"},
    )
    assert response.status_code == 403
    assert ConsentRecord.objects.get().record_hash == record.compute_hash()


def test_consent_record_page_has_no_save_button(editor_client, make_consent_record):
    record = make_consent_record()
    response = editor_client.get(f"{RECORDS_URL}{record.pk}/change/")
    assert response.status_code == 200
    assertNotContains(response, 'name="_save"')


def test_editor_cannot_delete_a_consent_record(editor_client, make_consent_record):
    record = make_consent_record()
    response = editor_client.post(f"{RECORDS_URL}{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_editor_cannot_delete_records_in_bulk(editor_client, make_consent_record):
    record = make_consent_record()
    run_action(editor_client, "delete_selected", [record])
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_records_are_searched_by_consent_id(editor_client, make_consent_record):
    wanted = make_consent_record()
    make_consent_record()
    response = editor_client.get(RECORDS_URL, {"q": wanted.consent_id})
    assert changelist_ids(response) == [wanted.consent_id]


def test_records_are_filtered_by_how_the_choice_was_given(editor_client, make_consent_record):
    rejected = make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
    response = editor_client.get(RECORDS_URL, {"method__exact": "banner_reject"})
    assert changelist_ids(response) == [rejected.consent_id]


def test_records_are_filtered_by_policy_version(
    editor_client, make_consent_record, django_capture_on_commit_callbacks
):
    make_consent_record()
    with django_capture_on_commit_callbacks(execute=True):
        version = publish_version(change_note="Ny leverantör.")
    newer = make_consent_record()
    response = editor_client.get(RECORDS_URL, {"policy_version__id__exact": version.pk})
    assert changelist_ids(response) == [newer.consent_id]


def test_records_are_filtered_by_date(editor_client, make_consent_record):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        make_consent_record()
    recent = make_consent_record()
    year = timezone.localtime(recent.created_at).year
    response = editor_client.get(RECORDS_URL, {"created_at__year": year})
    assert changelist_ids(response) == [recent.consent_id]


def test_records_are_filtered_by_declined_choice(editor_client, make_consent_record):
    accepted = make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.SETTINGS)
    withdrawn = make_consent_record(method=ConsentRecord.Method.SETTINGS)
    gpc = make_consent_record(method=ConsentRecord.Method.GPC)
    declined = editor_client.get(RECORDS_URL, {"val": "nodvandiga"})
    allowed = editor_client.get(RECORDS_URL, {"val": "alla"})
    assert set(changelist_ids(declined)) == {withdrawn.consent_id, gpc.consent_id}
    assert changelist_ids(allowed) == [accepted.consent_id]


def test_decline_stays_filtered_as_declined_after_a_new_category_is_added(
    editor_client, make_consent_record
):
    declined = make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    CookieCategory.objects.create(
        name="Marknadsföring", slug="marknadsforing", description="Annonser.", order=3
    )
    response = editor_client.get(RECORDS_URL, {"val": "nodvandiga"})
    assert changelist_ids(response) == [declined.consent_id]


# Exports


def test_csv_export_has_one_row_per_selected_record(editor_client, make_consent_record):
    first = make_consent_record()
    second = make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
    make_consent_record()
    response = run_action(editor_client, "export_csv", [first, second])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="samtyckesposter.csv"'
    rows = {row["consent_id"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert set(rows) == {first.consent_id, second.consent_id}
    row = rows[second.consent_id]
    assert row["method"] == "banner_accept"
    assert json.loads(row["choices"]) == {"nodvandiga": True, "statistik": True}
    assert row["record_hash"] == second.record_hash
    assert row["previous_hash"] == first.record_hash


def authority_pack(editor_client, records) -> zipfile.ZipFile:
    response = run_action(editor_client, "export_for_authority", records)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="samtycke-tillsyn.zip"'
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_authority_export_holds_records_texts_versions_cookies_and_script_log(
    editor_client, make_consent_record
):
    pack = authority_pack(editor_client, [make_consent_record()])
    assert sorted(pack.namelist()) == [
        "cookiedeklarationer.json",
        "policytexter.json",
        "policyversioner.json",
        "samtyckesposter.csv",
        "skriptlogg.json",
    ]


def test_authority_export_has_the_selected_records(editor_client, make_consent_record):
    record = make_consent_record()
    make_consent_record()
    pack = authority_pack(editor_client, [record])
    rows = list(csv.DictReader(io.StringIO(pack.read("samtyckesposter.csv").decode())))
    assert [row["consent_id"] for row in rows] == [record.consent_id]


def test_authority_export_has_the_texts_the_records_hash(editor_client, make_consent_record):
    record = make_consent_record()
    texts = json.loads(authority_pack(editor_client, [record]).read("policytexter.json"))
    assert list(texts) == [record.texts.sha256]
    assert texts[record.texts.sha256]["banner"]["heading"] == "Vi använder cookies"


def test_authority_export_has_every_policy_version_with_its_note(
    editor_client, make_consent_record, django_capture_on_commit_callbacks
):
    record = make_consent_record()
    with django_capture_on_commit_callbacks(execute=True):
        publish_version(change_note="Ny leverantör.")
    versions = json.loads(authority_pack(editor_client, [record]).read("policyversioner.json"))
    assert [(v["version"], v["change_note"]) for v in versions] == [(1, ""), (2, "Ny leverantör.")]
    assert versions[1]["texts_sha256"] == PolicyVersion.objects.get(number=2).texts.sha256


def test_authority_export_has_the_cookie_declarations(editor_client, make_consent_record):
    pack = authority_pack(editor_client, [make_consent_record()])
    cookies = json.loads(pack.read("cookiedeklarationer.json"))
    assert {
        "category": "Statistik",
        "name": "_pk_id.*",
        "provider": "Matomo (webbplatsens egen statistiktjänst)",
        "purpose": "Känner igen din webbläsare mellan besök för statistik.",
        "duration": "13 månader",
    } in cookies


def test_authority_export_has_the_script_changes_with_who_made_them(
    editor_client, admin_client, admin_user, make_consent_record, script_origins
):
    record = make_consent_record()
    statistik = CookieCategory.objects.get(slug="statistik")
    admin_client.post(
        "/admin/consent/gatedscript/add/",
        {
            "name": "Kartor",
            "category": statistik.pk,
            "src": "https://cdn.example.net/kartor.js",
            "code": "",
            "placement": "body_end",
            "is_active": "on",
        },
    )
    log = json.loads(authority_pack(editor_client, [record]).read("skriptlogg.json"))
    assert [(entry["name"], entry["user"], entry["is_active"]) for entry in log] == [
        ("Kartor", admin_user.get_username(), True)
    ]


# Weekly summary


def test_weekly_summary_counts_accepts_and_declines_per_week(editor_client, make_consent_record):
    monday = timezone.make_aware(timezone.datetime(2025, 3, 10, 12, 0))
    with time_machine.travel(monday, tick=False):
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    response = editor_client.get(SUMMARY_URL)
    assertContains(response, "Veckosammanställning av samtyckesval")
    assertContains(
        response,
        "<tr><td>2025-03-10</td><td>1</td><td>4</td><td>3</td><td>1</td><td>75 %</td></tr>",
        html=True,
    )


def test_weekly_summary_counts_a_withdrawal_as_a_decline(editor_client, make_consent_record):
    monday = timezone.make_aware(timezone.datetime(2025, 3, 10, 12, 0))
    with time_machine.travel(monday, tick=False):
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.SETTINGS)
        make_consent_record(method=ConsentRecord.Method.SETTINGS)
    assertContains(
        editor_client.get(SUMMARY_URL),
        "<tr><td>2025-03-10</td><td>1</td><td>2</td><td>1</td><td>1</td><td>50 %</td></tr>",
        html=True,
    )


def test_weekly_summary_keeps_the_counts_of_pruned_records(
    editor_client, make_consent_record, settings
):
    settings.CONSENT_RECORD_RETENTION_DAYS = 365
    monday = timezone.make_aware(timezone.datetime(2022, 3, 7, 12, 0))
    with time_machine.travel(monday, tick=False):
        make_consent_record(allowed={"statistik"}, method=ConsentRecord.Method.BANNER_ACCEPT)
        make_consent_record(method=ConsentRecord.Method.BANNER_REJECT)
    call_command("prune_consent_records")
    assertContains(
        editor_client.get(SUMMARY_URL),
        "<tr><td>2022-03-07</td><td>1</td><td>2</td><td>1</td><td>1</td><td>50 %</td></tr>",
        html=True,
    )


def test_weekly_summary_without_choices_says_so(editor_client, db):
    assertContains(editor_client.get(SUMMARY_URL), "Inga val registrerade än.")


def test_weekly_summary_is_for_staff_only(client, db):
    response = client.get(SUMMARY_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# Policy versions and categories


def test_new_policy_version_in_admin_asks_visitors_again_with_the_note(
    editor_client, choose, django_capture_on_commit_callbacks
):
    visitor = Client()
    choose(visitor, "alla")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/consent/policyversion/add/",
            {"change_note": "Vi använder nu även kartor från en ny leverantör."},
        )
    assert response.status_code == 302
    page = visitor.get("/")
    assertContains(page, "Vi använder cookies")
    assertContains(page, "Vi använder nu även kartor från en ny leverantör.")


def test_policy_version_added_in_admin_keeps_a_snapshot_of_the_texts(editor_client, db):
    editor_client.post("/admin/consent/policyversion/add/", {"change_note": "Ändrad text."})
    version = PolicyVersion.objects.latest()
    assert version.change_note == "Ändrad text."
    assert version.texts.snapshot["banner"]["change_note"] == "Ändrad text."


def test_policy_versions_cannot_be_changed_in_admin(editor_client, db):
    editor_client.post("/admin/consent/policyversion/add/", {"change_note": "Första."})
    version = PolicyVersion.objects.latest()
    response = editor_client.post(
        f"/admin/consent/policyversion/{version.pk}/change/", {"change_note": "Annan."}
    )
    assert response.status_code == 403
    assert PolicyVersion.objects.get(pk=version.pk).change_note == "Första."


def category_form(category: CookieCategory, **changes) -> dict:
    data = {
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "order": category.order,
        "cookies-TOTAL_FORMS": category.cookies.count(),
        "cookies-INITIAL_FORMS": category.cookies.count(),
        "cookies-MIN_NUM_FORMS": 0,
        "cookies-MAX_NUM_FORMS": 1000,
    }
    if category.is_required:
        data["is_required"] = "on"
    for n, cookie in enumerate(category.cookies.all()):
        data |= {
            f"cookies-{n}-id": cookie.pk,
            f"cookies-{n}-category": category.pk,
            f"cookies-{n}-name": cookie.name,
            f"cookies-{n}-provider": cookie.provider,
            f"cookies-{n}-purpose": cookie.purpose,
            f"cookies-{n}-duration": cookie.duration,
        }
    return data | changes


def test_changed_category_description_is_shown_on_the_settings_page_at_once(
    editor_client, client, django_capture_on_commit_callbacks
):
    statistik = CookieCategory.objects.get(slug="statistik")
    client.get("/cookies/")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/consent/cookiecategory/{statistik.pk}/change/",
            category_form(statistik, description="Anonym besöksstatistik i Matomo."),
        )
    assert response.status_code == 302
    assertContains(client.get("/cookies/"), "Anonym besöksstatistik i Matomo.")


def test_declared_cookie_added_in_admin_is_listed_on_the_settings_page_at_once(
    editor_client, client, django_capture_on_commit_callbacks
):
    statistik = CookieCategory.objects.get(slug="statistik")
    client.get("/cookies/")
    data = category_form(statistik)
    data |= {
        "cookies-TOTAL_FORMS": data["cookies-TOTAL_FORMS"] + 1,
        "cookies-2-category": statistik.pk,
        "cookies-2-name": "_pk_ref.*",
        "cookies-2-provider": "Matomo (webbplatsens egen statistiktjänst)",
        "cookies-2-purpose": "Kommer ihåg från vilken webbplats du kom.",
        "cookies-2-duration": "6 månader",
    }
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/consent/cookiecategory/{statistik.pk}/change/", data)
    assertContains(client.get("/cookies/"), "<code>_pk_ref.*</code>", html=True)


def test_choice_after_a_category_change_records_the_new_texts(
    editor_client, client, choose, django_capture_on_commit_callbacks
):
    statistik = CookieCategory.objects.get(slug="statistik")
    choose(client, "alla")
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/admin/consent/cookiecategory/{statistik.pk}/change/",
            category_form(statistik, description="Anonym besöksstatistik i Matomo."),
        )
    choose(client, "alla")
    first, second = ConsentRecord.objects.order_by("id")
    assert first.texts != second.texts
    assert second.texts.snapshot["categories"][1]["description"] == (
        "Anonym besöksstatistik i Matomo."
    )


# Scripts: web managers and superusers add and change them, editors switch them


@pytest.fixture
def script_origins(settings):
    """The origins the scripts of these tests load from, as CONSENT_SCRIPT_ORIGINS says."""
    settings.CONSENT_SCRIPT_ORIGINS = ["https://cdn.example.net", "https://ads.example.net"]


def script_form(script: GatedScript, **changes) -> dict:
    return {
        "name": script.name,
        "category": script.category_id,
        "src": script.src,
        "code": script.code,
        "placement": script.placement,
        **({"is_active": "on"} if script.is_active else {}),
    } | changes


def test_editing_a_script_keeps_a_history_entry_with_who_changed_it(
    admin_client, admin_user, script_origins, make_gated_script
):
    script = make_gated_script()
    response = admin_client.post(
        f"/admin/consent/gatedscript/{script.pk}/change/",
        script_form(script, src="https://cdn.example.net/kartor-v2.js"),
    )
    assert response.status_code == 302
    latest = script.history.order_by("-history_date").first()
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    assert latest.src == "https://cdn.example.net/kartor-v2.js"


def test_script_history_page_shows_the_editor_who_switched_it_off(
    editor_client, editor, script_origins, make_gated_script
):
    script = make_gated_script()
    editor_client.post(
        "/admin/consent/gatedscript/",
        {"action": "switch_off", "_selected_action": [script.pk]},
    )
    response = editor_client.get(f"/admin/consent/gatedscript/{script.pk}/history/")
    assertContains(response, editor.get_username())


def test_activating_a_script_in_a_category_without_cookies_is_refused_in_admin(
    admin_client, script_origins
):
    category = CookieCategory.objects.create(
        name="Marknadsföring", slug="marknadsforing", description="Annonser.", order=3
    )
    response = admin_client.post(
        "/admin/consent/gatedscript/add/",
        {
            "name": "Annonser",
            "category": category.pk,
            "src": "https://ads.example.net/a.js",
            "code": "",
            "placement": "body_end",
            "is_active": "on",
        },
    )
    assertContains(
        response,
        "Deklarera cookies för kategorin ”Marknadsföring” innan du aktiverar ett skript i den.",
    )
    assert not GatedScript.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/consent/cookiecategory/",
        "/admin/consent/gatedscript/",
        "/admin/consent/policyversion/",
        RECORDS_URL,
        "/admin/consent/weeklyconsentcount/",
    ],
)
def test_editor_reaches_every_consent_admin_page(editor_client, make_consent_record, url):
    make_consent_record()
    assert editor_client.get(url).status_code == 200


def test_staff_without_consent_permissions_cannot_see_the_weekly_summary(client, django_user_model):
    staff = django_user_model.objects.create_user("personal", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/consent/consentrecord/veckosammanstallning/")
    assert response.status_code == 403
