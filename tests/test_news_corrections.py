import json
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser

import pytest
from article_forms import change_form
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from news.models import Article

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def moment(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.json_ld: list[str] = []
        self.modified_time: str | None = None
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
        if tag == "meta" and attrs.get("property") == "article:modified_time":
            self.modified_time = attrs["content"]

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)


def head_of(response) -> _Head:
    assert response.status_code == 200
    head = _Head()
    head.feed(response.content.decode())
    return head


def date_modified(client, article: Article) -> datetime:
    (text,) = head_of(client.get(article.get_absolute_url())).json_ld
    return datetime.fromisoformat(json.loads(text)["dateModified"])


def lastmod(client, article: Article) -> str:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    dates = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    return dates[f"http://testserver{article.get_absolute_url()}"]


@pytest.fixture
def published(make_article, time_machine):
    time_machine.move_to(moment(2022, 6, 21, 9, 0), tick=False)
    return make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna.",
        published_at=timezone.now(),
    )


def correct(article: Article, note: str, when: datetime, time_machine) -> Article:
    time_machine.move_to(when, tick=False)
    article.correction_note = note
    article.save()
    return article


def test_correction_is_shown_under_the_date_with_its_date(client, published, time_machine):
    correct(published, "Mötet är den 14 juni, inte den 13.", moment(2022, 6, 22, 10), time_machine)
    response = client.get(published.get_absolute_url())
    assertContains(
        response,
        '<p class="article__correction">Uppdaterad '
        '<time datetime="2022-06-22">22 juni 2022</time>: Mötet är den 14 juni, inte den 13.</p>',
        html=True,
    )
    page = response.content.decode()
    assert page.index('class="article__date"') < page.index('class="article__correction"')
    assert page.index('class="article__correction"') < page.index("<h1>")


def test_article_without_correction_shows_no_note(client, published):
    response = client.get(published.get_absolute_url())
    assertNotContains(response, "article__correction")
    assertNotContains(response, "Uppdaterad")


def test_correction_moves_date_modified_and_sitemap_lastmod(client, published, time_machine):
    corrected = moment(2022, 6, 22, 10)
    correct(published, "Mötet är den 14 juni, inte den 13.", corrected, time_machine)
    assert published.corrected_at == corrected
    assert date_modified(client, published) == corrected
    assert head_of(client.get(published.get_absolute_url())).modified_time == (
        timezone.localtime(corrected).isoformat()
    )
    assert lastmod(client, published) == "2022-06-22"


def test_changed_correction_text_is_dated_again(published, time_machine):
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    correct(published, "Mötet är den 14 juni kl. 10.", moment(2022, 6, 23, 10), time_machine)
    published.refresh_from_db()
    assert published.corrected_at == moment(2022, 6, 23, 10)
    assert published.public_modified_at == moment(2022, 6, 23, 10)


def test_title_typo_fix_moves_no_public_date_but_the_change_stamp(client, published, time_machine):
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    time_machine.move_to(moment(2022, 7, 1, 8), tick=False)
    published.title = "Nätverk för starkare innovationskraft"
    published.save()
    published.refresh_from_db()
    assert published.updated_at == moment(2022, 7, 1, 8)
    assert published.corrected_at == moment(2022, 6, 22, 10)
    assert date_modified(client, published) == moment(2022, 6, 22, 10)
    assert lastmod(client, published) == "2022-06-22"


def test_typo_fix_without_any_correction_keeps_the_publication_date(
    client, published, time_machine
):
    time_machine.move_to(moment(2022, 7, 1, 8), tick=False)
    published.lead = "Ett nytt nätverk samlar landets kommuner."
    published.save()
    assert date_modified(client, published) == moment(2022, 6, 21, 9)
    assert lastmod(client, published) == "2022-06-21"


def test_publishing_moves_the_public_modified_date(make_article, time_machine):
    time_machine.move_to(moment(2022, 6, 1, 9), tick=False)
    draft = make_article(status=Article.Status.DRAFT, published_at=timezone.now())
    assert draft.public_modified_at is None
    time_machine.move_to(moment(2022, 6, 21, 9), tick=False)
    assert Article.objects.filter(pk=draft.pk).publish() == 1
    draft.refresh_from_db()
    assert draft.public_modified_at == moment(2022, 6, 21, 9)
    assert draft.modified_at == moment(2022, 6, 21, 9)


def test_scheduled_article_is_modified_no_earlier_than_it_appears(make_article, time_machine):
    time_machine.move_to(moment(2022, 6, 1, 9), tick=False)
    article = make_article(published_at=moment(2022, 6, 21, 9))
    assert article.public_modified_at == moment(2022, 6, 1, 9)
    assert article.modified_at == moment(2022, 6, 21, 9)


def test_removing_the_note_takes_the_correction_away(client, published, time_machine):
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    correct(published, "", moment(2022, 6, 23, 10), time_machine)
    assert published.corrected_at is None
    assertNotContains(client.get(published.get_absolute_url()), "article__correction")


def test_feed_marks_the_corrected_item(client, published, make_article, time_machine):
    other = make_article("Okorrigerad", lead="Inget rättat.", published_at=moment(2022, 6, 20))
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    root = ET.fromstring(client.get("/nyheter/rss/").content)
    descriptions = {
        item.findtext("title"): item.findtext("description") for item in root.iter("item")
    }
    assert descriptions[published.title] == (
        "<p>Uppdaterad 22 juni 2022: Mötet är den 14 juni.</p>"
        "<p>Ett nytt nätverk samlar kommunerna.</p>"
    )
    assert descriptions[other.title] == "Inget rättat."


def test_editor_adds_a_correction_in_admin(editor_client, client, published, time_machine):
    time_machine.move_to(moment(2022, 6, 22, 10), tick=False)
    response = editor_client.get(f"/admin/news/article/{published.pk}/change/")
    assertContains(response, "Skriv vad som rättats")
    response = editor_client.post(
        f"/admin/news/article/{published.pk}/change/",
        change_form(
            published,
            correction_note="Mötet är den 14 juni, inte den 13.",
            loaded_version=published.version,
        ),
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.correction_note == "Mötet är den 14 juni, inte den 13."
    assert published.corrected_at == moment(2022, 6, 22, 10)
    assert published.public_modified_at == moment(2022, 6, 22, 10)
    assertContains(client.get(published.get_absolute_url()), "Uppdaterad")


def test_editor_saving_without_changing_the_note_moves_no_public_date(
    editor_client, published, time_machine
):
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    time_machine.move_to(moment(2022, 7, 1, 8), tick=False)
    response = editor_client.post(
        f"/admin/news/article/{published.pk}/change/",
        change_form(
            published,
            title="Nätverk för starkare innovationskraft",
            correction_note=published.correction_note,
            loaded_version=published.version,
        ),
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Nätverk för starkare innovationskraft"
    assert published.updated_at == moment(2022, 7, 1, 8)
    assert published.corrected_at == moment(2022, 6, 22, 10)
    assert published.public_modified_at == moment(2022, 6, 22, 10)


def test_correction_is_kept_in_the_history(published, time_machine):
    correct(published, "Mötet är den 14 juni.", moment(2022, 6, 22, 10), time_machine)
    version = published.history.order_by("-history_date", "-history_id").first()
    assert version.correction_note == "Mötet är den 14 juni."
    assert "correction_note" in version.changed_fields
