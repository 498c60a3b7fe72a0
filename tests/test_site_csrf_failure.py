"""A form that fails the CSRF check: a page in the site's layout that says what to do."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

HEADING = "Formuläret kunde inte skickas"


@pytest.fixture
def strict_client() -> Client:
    """A browser whose form carries no CSRF token, as when its cookie was blocked."""
    return Client(enforce_csrf_checks=True)


def test_cookie_choice_without_a_token_explains_what_to_do(db, strict_client):
    response = strict_client.post("/cookies/val/", {"choice": "alla", "next": "/"})
    assert response.status_code == 403
    # In the site's layout: its header, and (below) its footer.
    assertContains(response, '<a class="site-name" href="/">Adda</a>', html=True, status_code=403)
    assertContains(response, f"<h1>{HEADING}</h1>", html=True, status_code=403)
    assertContains(response, "ladda om sidan och skicka formuläret igen", status_code=403)
    assertContains(
        response, "Se till att din webbläsare tillåter cookies för webbplatsen.", status_code=403
    )
    assertContains(
        response, '<a href="/cookies/">Cookie-inställningar</a>', html=True, status_code=403
    )


def test_comment_without_a_token_is_refused_with_the_same_page(strict_client, make_article):
    article = make_article("Nätverk för stärkt innovationskraft")
    response = strict_client.post(
        f"/nyheter/{article.slug}/kommentarer/",
        {"name": "Anna Andersson", "email": "anna@example.se", "text": "Bra!"},
    )
    assertContains(response, f"<h1>{HEADING}</h1>", html=True, status_code=403)
    assert not article.comments.exists()


def test_csrf_page_has_one_main_heading_and_is_not_indexed(db, strict_client):
    response = strict_client.post("/cookies/val/", {"choice": "nodvandiga"})
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<meta name="robots" content="noindex">' in page
    assert f"<title>{HEADING} – " in page
