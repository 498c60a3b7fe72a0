"""Scripts that need consent run on the site's own origin, beside the admin: nothing an
editor types may run there. Editors switch scripts on and off; web managers add them on
the origins the operator allows; only superusers write inline code, where allowed."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from adda_site import groups
from consent.models import CookieCategory, GatedScript

SCRIPTS_URL = "/admin/consent/gatedscript/"
ADD_URL = f"{SCRIPTS_URL}add/"
NOT_ALLOWED = (
    "Adressen måste ligga på en tillåten källa (CONSENT_SCRIPT_ORIGINS): "
    "https://cdn.example.net, https://stats.example.org."
)
INLINE_OFF = (
    "Kod i sidan är avstängd (CONSENT_ALLOW_INLINE_SCRIPTS): ange en extern adress i stället."
)
BREAKS_OUT = "Kod i sidan får inte innehålla ”</script” eller ”<!--”."


@pytest.fixture(autouse=True)
def script_origins(settings):
    settings.CONSENT_SCRIPT_ORIGINS = ["https://cdn.example.net"]
    settings.CONSENT_ALLOW_INLINE_SCRIPTS = False


@pytest.fixture
def inline_scripts(settings):
    settings.CONSENT_ALLOW_INLINE_SCRIPTS = True


@pytest.fixture
def web_manager(db, django_user_model):
    """A member of the "Webbansvariga" group who is not a superuser."""
    user = django_user_model.objects.create_user(
        "webbansvarig", "webb@example.se", "ett-langt-losenord-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=groups.WEB_MANAGERS))
    return user


@pytest.fixture
def web_manager_client(client, web_manager):
    client.force_login(web_manager)
    return client


def statistik() -> CookieCategory:
    return CookieCategory.objects.get(slug="statistik")


def script_data(**fields) -> dict:
    data = {
        "name": "Kartor",
        "category": statistik().pk,
        "src": "https://cdn.example.net/kartor.js",
        "code": "",
        "placement": "body_end",
        "is_active": "on",
    }
    return {name: value for name, value in (data | fields).items() if value is not None}


def change_url(script: GatedScript) -> str:
    return f"{SCRIPTS_URL}{script.pk}/change/"


def switch(client, action: str, *scripts: GatedScript):
    return client.post(
        SCRIPTS_URL,
        {"action": action, "_selected_action": [script.pk for script in scripts]},
        follow=True,
    )


def inline_script(code: str, **fields) -> GatedScript:
    """An inline script as a superuser saved it, or as it was saved before these rules."""
    fields.setdefault("is_active", True)
    return GatedScript.objects.create(name="Chatt", category=statistik(), code=code, **fields)


def script_tags_of(html: str, host: str) -> list[str]:
    return re.findall(rf"<script[^>]*\bsrc=\"https://{re.escape(host)}[^>]*>", html)


# Who may do what


def test_editors_may_view_and_switch_scripts_and_web_managers_may_also_write_them(db):
    def codenames(name):
        group = Group.objects.get(name=name)
        return set(
            group.permissions.filter(content_type__model="gatedscript").values_list(
                "codename", flat=True
            )
        )

    assert codenames(groups.EDITORS) == {"view_gatedscript", "toggle_gatedscript"}
    assert codenames(groups.WEB_MANAGERS) == {
        "view_gatedscript",
        "toggle_gatedscript",
        "add_gatedscript",
        "change_gatedscript",
        "delete_gatedscript",
    }


def test_editor_can_switch_a_script_on_but_not_change_its_code(editor_client, inline_scripts):
    script = inline_script("console.log('chatt');", is_active=False)
    response = switch(editor_client, "switch_on", script)
    assertContains(response, "1 skript slogs på.")
    response = editor_client.post(
        change_url(script), script_data(src="", code="alert(document.cookie)")
    )
    assert response.status_code == 403
    script.refresh_from_db()
    assert script.is_active
    assert script.code == "console.log('chatt');"


def test_editor_can_switch_a_script_off(editor_client, make_gated_script):
    script = make_gated_script()
    response = switch(editor_client, "switch_off", script)
    assertContains(response, "1 skript stängdes av.")
    script.refresh_from_db()
    assert not script.is_active


def test_switching_several_scripts_off_is_all_or_nothing(editor_client, make_gated_script):
    chatt = make_gated_script("Chatt", src="https://cdn.example.net/chatt.js")
    kartor = make_gated_script("Kartor")

    def fail_on_kartor(sender, instance, **kwargs):
        if instance.name == "Kartor":
            raise DatabaseError("disk I/O error")

    post_save.connect(fail_on_kartor, sender=GatedScript)
    try:
        with pytest.raises(DatabaseError):
            switch(editor_client, "switch_off", chatt, kartor)
    finally:
        post_save.disconnect(fail_on_kartor, sender=GatedScript)
    # Chatt was switched off first, in the same transaction: rolled back with Kartor.
    chatt.refresh_from_db()
    assert chatt.is_active


def test_editor_sees_a_script_without_a_save_button(editor_client, make_gated_script):
    response = editor_client.get(change_url(make_gated_script()))
    assert response.status_code == 200
    assertNotContains(response, 'name="_save"')


def test_editor_cannot_add_a_script(editor_client):
    assert editor_client.get(ADD_URL).status_code == 403
    assert editor_client.post(ADD_URL, script_data()).status_code == 403
    assert not GatedScript.objects.exists()


def test_editor_cannot_change_a_scripts_address(editor_client, make_gated_script):
    script = make_gated_script()
    response = editor_client.post(
        change_url(script), script_data(src="https://cdn.example.net/annat.js")
    )
    assert response.status_code == 403
    assert GatedScript.objects.get().src == "https://cdn.example.net/kartor.js"


def test_editor_cannot_delete_a_script(editor_client, make_gated_script):
    script = make_gated_script()
    response = editor_client.post(f"{SCRIPTS_URL}{script.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert GatedScript.objects.filter(pk=script.pk).exists()


def test_editor_cannot_change_a_script_through_its_history(editor_client, make_gated_script):
    script = make_gated_script()
    version = script.history.get()
    response = editor_client.post(
        f"{SCRIPTS_URL}{script.pk}/history/{version.history_id}/",
        script_data(src="https://cdn.example.net/annat.js"),
    )
    assert response.status_code == 403
    assert GatedScript.objects.get().src == "https://cdn.example.net/kartor.js"


def test_switching_on_a_script_that_breaks_the_rules_is_refused_with_why(
    editor_client, make_gated_script, settings
):
    script = make_gated_script(is_active=False)
    settings.CONSENT_SCRIPT_ORIGINS = []
    response = switch(editor_client, "switch_on", script)
    assertContains(
        response,
        "”Kartor” slogs inte på: Adressen måste ligga på en tillåten källa "
        "(CONSENT_SCRIPT_ORIGINS): inga.",
    )
    assert not GatedScript.objects.get().is_active


def test_web_manager_adds_a_script_on_an_allowed_origin(web_manager_client):
    response = web_manager_client.post(ADD_URL, script_data())
    assert response.status_code == 302
    script = GatedScript.objects.get()
    assert (script.src, script.is_active) == ("https://cdn.example.net/kartor.js", True)


def test_web_manager_cannot_write_inline_code(web_manager_client, inline_scripts):
    assertNotContains(web_manager_client.get(ADD_URL), 'name="code"')
    response = web_manager_client.post(ADD_URL, script_data(src="", code="alert(1)"))
    assertContains(response, "Ange antingen en extern adress eller kod i sidan, inte båda.")
    assert not GatedScript.objects.exists()


def test_web_manager_cannot_bring_back_old_inline_code_from_the_history(
    web_manager_client, inline_scripts
):
    script = inline_script("console.log('v1');")
    first = script.history.get()
    script.code = "console.log('v2');"
    script.save()
    response = web_manager_client.post(
        f"{SCRIPTS_URL}{script.pk}/history/{first.history_id}/", script_data(src="")
    )
    assert response.status_code == 403
    assert GatedScript.objects.get().code == "console.log('v2');"


def test_web_manager_changing_an_inline_script_after_inline_code_was_switched_off_is_told_why(
    web_manager_client,
):
    script = inline_script("console.log('chatt');")
    response = web_manager_client.post(change_url(script), script_data(src="", code=None))
    assertContains(response, INLINE_OFF)
    assert GatedScript.objects.get().name == "Chatt"


def test_superuser_writes_inline_code_where_allowed(admin_client, inline_scripts):
    response = admin_client.post(ADD_URL, script_data(src="", code="console.log('chatt');"))
    assert response.status_code == 302
    assert GatedScript.objects.get().code == "console.log('chatt');"


# Addresses


def test_script_on_an_origin_not_in_the_setting_is_refused_naming_the_setting(
    web_manager_client, matomo
):
    response = web_manager_client.post(ADD_URL, script_data(src="https://evil.example/x.js"))
    assertContains(response, NOT_ALLOWED)
    assert not GatedScript.objects.exists()


@pytest.mark.parametrize(
    "src",
    [
        "https://cdn.example.net.evil.example/x.js",
        "https://cdn.example.net@evil.example/x.js",
        "https://cdn.example.net:8443/x.js",
    ],
)
def test_address_that_only_looks_like_an_allowed_origin_is_refused(db, src):
    script = GatedScript(name="Kartor", category=statistik(), src=src)
    with pytest.raises(ValidationError) as error:
        script.full_clean()
    assert error.value.message_dict["src"] == [
        "Adressen måste ligga på en tillåten källa (CONSENT_SCRIPT_ORIGINS): "
        "https://cdn.example.net."
    ]


def test_matomos_origin_is_always_allowed(db, matomo, settings):
    settings.CONSENT_SCRIPT_ORIGINS = []
    GatedScript(
        name="Matomo Tag Manager", category=statistik(), src="https://stats.example.org/js/c.js"
    ).full_clean()


def test_script_from_an_origin_no_longer_allowed_is_not_rendered(
    client, choose, make_gated_script, settings
):
    make_gated_script()
    settings.CONSENT_SCRIPT_ORIGINS = []
    choose(client, "alla")
    response = client.get("/")
    assert "cdn.example.net" not in response.text
    assert "cdn.example.net" not in response["Content-Security-Policy"]


# Inline code


def test_inline_code_is_refused_unless_allowed(admin_client):
    response = admin_client.post(ADD_URL, script_data(src="", code="console.log('chatt');"))
    assertContains(response, INLINE_OFF)
    assert not GatedScript.objects.exists()


def test_inline_script_saved_before_inline_code_was_switched_off_is_not_rendered(client, choose):
    inline_script("console.log('chatt');")
    choose(client, "alla")
    assert "console.log('chatt');" not in client.get("/").text


@pytest.mark.parametrize(
    "code",
    [
        "console.log('</script><img src=x onerror=alert(1)>');",
        "console.log('</SCRIPT >');",
        "console.log('<!--<script>');",
    ],
)
def test_inline_code_cannot_close_its_script_element(admin_client, inline_scripts, code):
    response = admin_client.post(ADD_URL, script_data(src="", code=code))
    assertContains(response, escape(BREAKS_OUT))
    assert not GatedScript.objects.exists()


@pytest.mark.parametrize("code", ["x='</script><b>kapad</b>';", "x='<!--<script>';"])
def test_inline_code_that_could_close_its_element_is_never_rendered(
    client, choose, inline_scripts, code
):
    inline_script(code)
    choose(client, "alla")
    html = client.get("/").text
    assert "kapad" not in html
    assert "x='" not in html


def test_matomo_address_with_markup_cannot_close_its_script_element(
    client, choose, matomo, settings
):
    settings.MATOMO_URL = "https://stats.example.org/</script><b>kapad</b>/"
    choose(client, "alla")
    assert "kapad" not in client.get("/").text


# The admin


@pytest.fixture
def consenting_superuser(admin_client, choose, matomo, make_gated_script):
    """A superuser whose browser allows statistics, on a site with Matomo and a script."""
    make_gated_script()
    choose(admin_client, "alla")
    return admin_client


def test_consenting_superuser_gets_the_scripts_on_the_sites_pages(consenting_superuser):
    response = consenting_superuser.get("/")
    assert "https://stats.example.org" in response["Content-Security-Policy"]
    assert script_tags_of(response.text, "cdn.example.net")


@pytest.mark.parametrize(
    "page", ["/admin/", "change", "/admin/consent/gatedscript/", "/admin/finns-inte/"]
)
def test_admin_pages_never_carry_gated_scripts_or_their_origins(consenting_superuser, page):
    script = GatedScript.objects.get()
    response = consenting_superuser.get(change_url(script) if page == "change" else page)
    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    assert "stats.example.org" not in csp
    assert "cdn.example.net" not in csp
    assert "_paq" not in response.text
    assert script_tags_of(response.text, "stats.example.org") == []
    assert script_tags_of(response.text, "cdn.example.net") == []
