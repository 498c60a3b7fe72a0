"""The comment form's markup, written out by comments_tags.comment_fields: what browsers,
autofill and screen readers rely on."""

import re

import pytest


@pytest.fixture
def form_html(client, make_article) -> str:
    html = client.get(make_article().get_absolute_url()).text
    start = html.index('<form method="post"', html.index('<section id="kommentarer"'))
    return html[start : html.index("</form>", start)]


def input_of(form_html: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', form_html)[0]


@pytest.mark.parametrize(
    ("name", "label"), [("name", "Namn"), ("email", "E-post"), ("text", "Kommentar")]
)
def test_required_field_is_marked_for_browsers_and_its_asterisk_hidden_from_screen_readers(
    form_html, name, label
):
    assert " required" in input_of(form_html, name)
    assert re.search(
        rf'<label\s+for="id_{name}"[^>]*>\s*{label}'
        r'<span class="asteriskField" aria-hidden="true">\*</span>\s*</label>',
        form_html,
    )


def test_name_and_email_can_be_filled_in_by_the_browser(form_html):
    assert 'autocomplete="name"' in input_of(form_html, "name")
    assert 'autocomplete="email"' in input_of(form_html, "email")


@pytest.mark.parametrize(("name", "length"), [("name", 80), ("email", 254), ("text", 3000)])
def test_fields_take_no_more_than_the_form_accepts(form_html, name, length):
    assert f'maxlength="{length}"' in input_of(form_html, name)


def test_form_carries_its_csrf_token_and_time_stamp_in_hidden_inputs(form_html):
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">', form_html)
    assert re.search(r'<input type="hidden" name="stamp" value="[^"]+"', form_html)


def test_fields_without_errors_are_described_only_by_their_help_text(form_html):
    assert "aria-invalid" not in form_html
    assert 'aria-describedby="id_email_helptext"' in input_of(form_html, "email")
    assert "aria-describedby" not in input_of(form_html, "name")
