from datetime import timedelta

import pytest
from django.test import Client
from django.test.html import Element, parse_html
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains, assertRedirects

from comments.models import Comment
from news.models import Article

THANKS = "Tack för din kommentar! Den publiceras när den har granskats."
CLOSED = "Kommenteringen är stängd för den här artikeln."
REQUIRED = "Detta fält måste fyllas i."

# field, what the visitor typed there, the error they see, the field's label
INVALID = {
    "empty name": ("name", "", REQUIRED, "Namn"),
    "name of invisible characters": ("name", "\u202e\u0007\u200f", "Skriv ditt namn.", "Namn"),
    "too long name": (
        "name",
        "A" * 81,
        "Säkerställ att detta värde har som mest 80 tecken (den har 81).",
        "Namn",
    ),
    "empty e-mail": ("email", "", REQUIRED, "E-post"),
    "bad e-mail": ("email", "anna.example.se", "Fyll i en giltig e-postadress.", "E-post"),
    "empty comment": ("text", "", REQUIRED, "Kommentar"),
    "comment of blanks": ("text", " \n\t\u200e ", "Skriv en kommentar.", "Kommentar"),
    "too long comment": (
        "text",
        "x" * 3001,
        "Säkerställ att detta värde har som mest 3000 tecken (den har 3001).",
        "Kommentar",
    ),
    "too many links": (
        "text",
        "Se https://a.example.se och http://b.example.se och www.c.example.se",
        "Din kommentar har för många länkar: högst 2 är tillåtna.",
        "Kommentar",
    ),
}
invalid_cases = pytest.mark.parametrize(
    ("field", "value", "error", "label"), INVALID.values(), ids=INVALID.keys()
)


def elements(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from elements(child)


def text_of(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(text_of(child) for child in node.children)


def attributes(element: Element) -> dict[str, str | None]:
    return dict(element.attributes)


def by_id(response) -> dict[str, Element]:
    """The page's elements by their id."""
    return {
        attributes(element)["id"]: element
        for element in elements(parse_html(response.text))
        if "id" in attributes(element)
    }


def error_summary(response) -> str:
    html = response.text
    start = html.index('<div class="error-summary"')
    return html[start : html.index("</div>", start)]


@pytest.fixture
def article(make_article):
    return make_article("Nätverk för stärkt innovationskraft")


def test_valid_comment_is_stored_waiting_for_review(post_comment, article):
    post_comment(article, name="Anna Andersson", email="anna@example.se", text="Bra initiativ!")
    comment = Comment.objects.get()
    assert comment.article == article
    assert (comment.name, comment.email, comment.text) == (
        "Anna Andersson",
        "anna@example.se",
        "Bra initiativ!",
    )
    assert comment.status == Comment.Status.PENDING


def test_valid_comment_leads_back_to_the_comments_with_thanks(post_comment, article):
    response = post_comment(article)
    assertRedirects(
        response,
        "/nyheter/natverk-for-starkt-innovationskraft/?kommentar=tack#kommentarer",
        fetch_redirect_response=False,
    )


def test_visitor_sees_thanks_announced_after_commenting(client, post_comment, article):
    response = client.get(post_comment(article)["Location"])
    assertInHTML(
        f'<p class="message" role="status" tabindex="-1" data-focus-on-load>{THANKS}</p>',
        response.text,
    )


def test_waiting_comment_is_neither_counted_nor_shown(client, post_comment, article):
    post_comment(article, text="Min alldeles egna kommentar.")
    response = client.get(post_comment(article)["Location"])
    assertContains(response, "Kommentarer (0)")
    assertNotContains(response, "Min alldeles egna kommentar.")


def test_article_page_without_having_commented_has_no_thanks(client, article):
    response = client.get(article.get_absolute_url())
    assertNotContains(response, THANKS)


@invalid_cases
def test_invalid_comment_is_refused_and_nothing_is_stored(
    post_comment, article, field, value, error, label
):
    response = post_comment(article, **{field: value})
    assert response.status_code == 400
    assert not Comment.objects.exists()


@invalid_cases
def test_invalid_comment_shows_the_article_again(post_comment, article, field, value, error, label):
    response = post_comment(article, **{field: value})
    assertContains(response, "<h1>Nätverk för stärkt innovationskraft</h1>", status_code=400)


def test_refused_comment_shows_the_whole_article_page_again(
    post_comment, make_article, make_category
):
    innovation = make_category("Innovation")
    article = make_article("Nätverk för stärkt innovationskraft", categories=[innovation])
    make_article("Ett annat nätverk", categories=[innovation])

    response = post_comment(article, name="")

    assertContains(response, "Relaterade nyheter", status_code=400)
    assertContains(response, "Ett annat nätverk", status_code=400)
    assertContains(response, '"@type": "NewsArticle"', status_code=400)
    # The canonical address is the article's, not the address the form was posted to.
    canonical = f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">'
    assertContains(response, canonical, html=True, status_code=400)


@invalid_cases
def test_invalid_comment_keeps_what_was_typed(post_comment, article, field, value, error, label):
    typed = {
        "name": "Bertil Berg",
        "email": "bertil@example.se",
        "text": "Första raden\nandra raden med <b>fetstil</b> & annat.",
        field: value,
    }
    response = post_comment(article, **typed)
    fields = by_id(response)
    assert attributes(fields["id_name"]).get("value", "") == typed["name"]
    assert attributes(fields["id_email"]).get("value", "") == typed["email"]
    assert f">\n{escape(typed['text'])}</textarea>" in response.text


@invalid_cases
def test_error_summary_lists_the_error_linked_to_its_field(
    post_comment, article, field, value, error, label
):
    response = post_comment(article, **{field: value})
    summary = error_summary(response)
    assert '<h3 id="kommentarsfel-rubrik">Din kommentar skickades inte</h3>' in summary
    assertInHTML(f'<li><a href="#id_{field}">{label}: {error}</a></li>', summary)


@invalid_cases
def test_field_error_is_tied_to_its_input(post_comment, article, field, value, error, label):
    response = post_comment(article, **{field: value})
    html_ids = by_id(response)
    field_attributes = attributes(html_ids[f"id_{field}"])
    assert field_attributes["aria-invalid"] == "true"
    described_by = [html_ids[id_] for id_ in field_attributes["aria-describedby"].split()]
    assert any(error in text_of(element) for element in described_by)


@invalid_cases
def test_fields_without_errors_are_not_marked_invalid(
    post_comment, article, field, value, error, label
):
    response = post_comment(article, **{field: value})
    html_ids = by_id(response)
    for other in {"name", "email", "text"} - {field}:
        assert "aria-invalid" not in attributes(html_ids[f"id_{other}"])


def test_error_summary_comes_first_in_the_form_and_can_take_focus(post_comment, article):
    response = post_comment(article, name="")
    summary = attributes(by_id(response)["kommentarsfel"])
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    assert response.text.index('class="error-summary"') < response.text.index('id="id_name"')


def test_all_errors_are_listed_together(post_comment, article):
    response = post_comment(article, name="", email="fel", text="")
    summary = error_summary(response)
    assertInHTML(f'<li><a href="#id_name">Namn: {REQUIRED}</a></li>', summary)
    assertInHTML('<li><a href="#id_email">E-post: Fyll i en giltig e-postadress.</a></li>', summary)
    assertInHTML(f'<li><a href="#id_text">Kommentar: {REQUIRED}</a></li>', summary)


def test_html_typed_into_the_refused_form_is_shown_as_text(post_comment, article):
    response = post_comment(article, name="", text="<script>alert('x')</script>")
    assert "<script>alert(" not in response.text
    assertContains(response, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", status_code=400)


def test_name_loses_control_and_direction_characters(post_comment, article):
    post_comment(article, name="\u202eAnna\u0007 \u2066Andersson\u2069")
    assert Comment.objects.get().name == "Anna Andersson"


def test_comment_loses_direction_characters_but_keeps_line_breaks(post_comment, article):
    post_comment(article, text="Första raden\r\nandra \u202eraden\u200f")
    assert Comment.objects.get().text == "Första raden\nandra raden"


def test_comment_as_long_as_the_browser_allows_is_accepted(post_comment, article):
    # The browser counts each line break as one character; it sends it as two (CRLF).
    text = "a" * 1499 + "\r\n" + "b" * 1500
    response = post_comment(article, text=text)
    assert response.status_code == 302
    assert len(Comment.objects.get().text) == 3000


def test_comment_on_a_closed_article_is_refused(post_comment, make_article):
    article = make_article(comments_enabled=False)
    response = post_comment(article)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_refused_comment_on_a_closed_article_says_why(post_comment, make_article):
    article = make_article(comments_enabled=False)
    response = post_comment(article)
    assertContains(response, CLOSED, status_code=403)


def test_refused_comment_on_a_closed_article_shows_the_typed_text(post_comment, make_article):
    article = make_article(comments_enabled=False)
    response = post_comment(article, text="Min text om <b>nätverket</b>\nsom jag vill spara.")
    assertContains(response, "Texten du skrev, så att du kan spara den:", status_code=403)
    assertInHTML(
        '<blockquote class="comment-kept"><p>Min text om &lt;b&gt;nätverket&lt;/b&gt;<br>'
        "som jag vill spara.</p></blockquote>",
        response.text,
    )


def test_comment_on_an_article_closed_by_age_is_refused(post_comment, make_article, settings):
    article = make_article(published_at=timezone.now() - timedelta(days=31))
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    response = post_comment(article)
    assertContains(response, CLOSED, status_code=403)
    assert not Comment.objects.exists()


def test_comment_on_an_unpublished_article_is_not_found(post_comment, make_article):
    article = make_article(status=Article.Status.DRAFT)
    response = post_comment(article)
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_comment_address_does_not_answer_get(client, article):
    response = client.get(f"{article.get_absolute_url()}kommentarer/")
    assert response.status_code == 405


def test_comment_without_csrf_token_is_refused(post_comment, article):
    response = post_comment(article, using=Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_comment_sent_from_the_page_passes_the_csrf_check(post_comment, article):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url())
    token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = post_comment(article, using=browser, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_every_comment_waits_by_default(post_comment, make_comment, article):
    make_comment(article, "Publicerad tidigare.", email="anna@example.se")
    post_comment(article, email="anna@example.se", text="En till.")
    assert Comment.objects.get(text="En till.").status == Comment.Status.PENDING


def test_first_comment_from_an_address_waits_when_only_first_comments_wait(
    post_comment, article, settings
):
    settings.COMMENTS_MODERATION = "first"
    post_comment(article, email="ny@example.se")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_known_address_is_published_directly_when_only_first_comments_wait(
    client, post_comment, make_comment, article, settings
):
    settings.COMMENTS_MODERATION = "first"
    make_comment(article, "Publicerad tidigare.", email="anna@example.se")
    post_comment(article, email="Anna@Example.SE", text="Och en till.")
    assert Comment.objects.get(text="Och en till.").status == Comment.Status.PUBLISHED
    assertContains(client.get(article.get_absolute_url()), "Kommentarer (2)")


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED])
def test_address_without_published_comments_still_waits_when_only_first_comments_wait(
    post_comment, make_comment, article, settings, status
):
    settings.COMMENTS_MODERATION = "first"
    make_comment(article, "Tidigare.", email="anna@example.se", status=status)
    post_comment(article, email="anna@example.se", text="Igen.")
    assert Comment.objects.get(text="Igen.").status == Comment.Status.PENDING


def test_comment_is_published_directly_when_none_wait(client, post_comment, article, settings):
    settings.COMMENTS_MODERATION = "none"
    post_comment(article, text="Syns direkt.")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (1)")
    assertContains(response, "<p>Syns direkt.</p>")


def test_comment_published_directly_is_not_promised_a_review(
    client, post_comment, article, settings
):
    settings.COMMENTS_MODERATION = "none"
    response = client.get(post_comment(article)["Location"])
    assertContains(response, 'class="message" role="status"')
    assertNotContains(response, THANKS)


def test_comment_published_directly_is_thanked_as_published(
    client, post_comment, article, settings
):
    settings.COMMENTS_MODERATION = "none"
    response = client.get(post_comment(article)["Location"])
    assertContains(response, "Tack för din kommentar! Den är publicerad.")


def test_comment_from_a_known_address_is_thanked_as_published(
    client, post_comment, make_comment, article, settings
):
    settings.COMMENTS_MODERATION = "first"
    make_comment(article, "Publicerad tidigare.", email="anna@example.se")
    response = client.get(post_comment(article, email="anna@example.se")["Location"])
    assertNotContains(response, THANKS)
