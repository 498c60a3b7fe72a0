"""The admin speaks Swedish throughout, also where Django 6.1's own catalogue has no
Swedish yet (adda_site/django_texts.py)."""

import json

from pytest_django.asserts import assertContains, assertNotContains


def test_empty_choice_of_a_select_box_is_swedish(admin_client):
    response = admin_client.get("/admin/consent/gatedscript/add/")

    assertContains(response, "– Välj ett alternativ –")
    assertNotContains(response, "Select an option")


def test_date_picker_and_rich_text_editor_texts_are_swedish(editor_client):
    response = editor_client.get("/admin/jsi18n/")

    # The catalogue is JavaScript made with json.dumps: letters outside ASCII escaped.
    catalogue = response.content.decode()
    for english, swedish in [
        ("Today (%(date)s)", "I dag (%(date)s)"),
        ("Previous (%(month)s %(year)s)", "Föregående (%(month)s %(year)s)"),
        ("Next (%(month)s %(year)s)", "Nästa (%(month)s %(year)s)"),
        # The rich text editor's figure menu.
        ("Add caption", "Lägg till bildtext"),
        ("Remove caption", "Ta bort bildtext"),
    ]:
        assert f"{json.dumps(english)}: {json.dumps(swedish)}" in catalogue
