import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from pages.models import Page

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FOOTER_LINKS = """<ul class="footer-links">
  <li><a href="/cookies/">Cookie-inställningar</a></li>
  <li><a href="/tillganglighet/">Tillgänglighetsredogörelse</a></li>
  <li><a href="/om-webbplatsen/">Om webbplatsen</a></li>
  <li><a href="/personuppgifter/">Personuppgifter</a></li>
</ul>"""


def test_about_the_website_page_has_its_title_as_h1(client, site_pages):
    response = client.get("/om-webbplatsen/")

    assert response.status_code == 200
    assertInHTML("<h1>Om webbplatsen</h1>", response.text)
    assertContains(response, "<title>Om webbplatsen – Adda</title>", html=True)
    assertContains(response, "<h2>Vem står bakom webbplatsen?</h2>", html=True)


def test_personal_data_page_explains_what_comments_store(client, site_pages):
    response = client.get("/personuppgifter/")

    assertInHTML("<h1>Personuppgifter</h1>", response.text)
    assertContains(response, "<h2>Kommentarer</h2>", html=True)
    assertContains(response, "E-postadressen publiceras aldrig")
    assertContains(response, "bara en saltad hash av den")
    assertContains(response, "Den raderas efter 30 dagar.")


def test_personal_data_page_explains_consent_records(client, site_pages):
    response = client.get("/personuppgifter/")

    assertContains(response, "<h2>Cookies och samtycken</h2>", html=True)
    assertContains(response, "ett slumpmässigt samtyckes-id")
    assertContains(response, "Vi sparar ingen IP-adress. Uppgifterna sparas i tre år")


def test_personal_data_page_explains_accessibility_reports(client, site_pages):
    response = client.get("/personuppgifter/")

    assertContains(response, "<h2>Rapporter om tillgänglighet</h2>", html=True)
    assertContains(response, "Du kan vara anonym.")


def test_site_page_says_when_it_was_last_updated(client, site_pages):
    response = client.get("/personuppgifter/")

    assertContains(response, "Senast uppdaterad <time datetime=")


def test_site_page_uses_the_description_editors_wrote_for_search_engines(client, site_pages):
    Page.objects.filter(slug="om-webbplatsen").update(description="Allt om vår webbplats.")

    response = client.get("/om-webbplatsen/")

    assertContains(response, '<meta name="description" content="Allt om vår webbplats.">')


def test_unknown_site_page_is_not_found(client, site_pages):
    assert client.get("/finns-inte/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/nyheter/", "/cookies/", "/tillganglighet/", "/om-webbplatsen/"]
)
def test_every_page_links_to_the_statement_and_site_pages_in_the_footer(client, site_pages, path):
    response = client.get(path)

    assert response.status_code == 200
    assertInHTML(FOOTER_LINKS, response.text)


def test_page_body_is_sanitised_when_saved(site_pages):
    page = Page.objects.create(
        title="Test",
        slug="test",
        body='<p onclick="x()">Hej</p><script>alert(1)</script><img src="/x.png" alt="">',
    )

    page.refresh_from_db()
    assert page.body == "<p>Hej</p>"


def test_headings_lists_and_links_survive_sanitising(site_pages):
    body = (
        "<h2>Rubrik</h2><p><strong>Fet</strong> och <em>kursiv</em> text med en "
        '<a href="https://www.imy.se/">länk</a>.</p><ul><li><p>Punkt</p></li></ul>'
    )
    page = Page.objects.create(title="Test", slug="test", body=body)

    page.refresh_from_db()
    for part in ("<h2>Rubrik</h2>", "<strong>Fet</strong>", "<em>kursiv</em>", "<li>"):
        assert part in page.body
    assert 'href="https://www.imy.se/"' in page.body


@pytest.mark.parametrize("slug", ["nyheter", "cookies", "admin", "tillganglighet"])
def test_page_cannot_take_an_address_the_site_already_uses(site_pages, slug):
    page = Page(title="Krock", slug=slug, body="<p>Text</p>")

    with translation.override("sv"), pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["slug"] == [
        "Adressen används redan av en annan del av webbplatsen."
    ]


def test_editor_creates_a_site_page_in_admin_and_visitors_see_it(editor_client, client, db):
    response = editor_client.post(
        "/admin/pages/page/add/",
        {
            "title": "Kontakta oss",
            "slug": "kontakt",
            "description": "",
            "body": "<p>Ring <strong>010-123 45 00</strong>.</p><script>alert(1)</script>",
        },
    )

    assert response.status_code == 302
    page = client.get("/kontakt/")
    assertInHTML("<h1>Kontakta oss</h1>", page.text)
    assertContains(page, "<p>Ring <strong>010-123 45 00</strong>.</p>")
    assertNotContains(page, "<script>alert(1)")


def test_editors_may_add_change_and_delete_site_pages(editor):
    permissions = editor.get_all_permissions()

    assert {
        "pages.add_page",
        "pages.change_page",
        "pages.delete_page",
        "pages.view_page",
    } <= permissions


def test_sitemap_lists_the_statement_and_the_site_pages_with_their_last_change(client, site_pages):
    response = client.get("/sitemap.xml")

    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in ET.fromstring(response.content).iter(f"{SITEMAP}url")
    }
    for path in ("/tillganglighet/", "/om-webbplatsen/", "/personuppgifter/"):
        assert urls[f"http://testserver{path}"]
