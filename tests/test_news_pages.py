import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from news.models import Article


def titles_in(response) -> list[str]:
    return re.findall(r'class="summary__title"><a href="[^"]+">([^<]+)</a>', response.text)


def test_news_list_shows_published_news_newest_first(client, make_article):
    make_article("Äldre nyhet", published_at=timezone.now() - timedelta(days=3))
    make_article("Nyaste nyheten", published_at=timezone.now() - timedelta(hours=1))
    response = client.get("/nyheter/")
    assert titles_in(response) == ["Nyaste nyheten", "Äldre nyhet"]


def test_start_page_shows_the_latest_news(client, make_article):
    make_article("Nyaste nyheten")
    response = client.get("/")
    assertContains(response, "Senaste nyheterna")
    assert titles_in(response) == ["Nyaste nyheten"]


def test_list_item_has_date_categories_title_link_and_lead(client, make_article, make_category):
    innovation = make_category("Innovation")
    article = make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna.",
        published_at=timezone.make_aware(timezone.datetime(2022, 6, 21, 9, 0)),
        categories=[innovation],
    )
    response = client.get("/nyheter/")
    assertContains(response, '<time datetime="2022-06-21">21 juni 2022</time>', html=True)
    assertContains(response, '<a href="/nyheter/kategori/innovation/">Innovation</a>', html=True)
    assertContains(response, f'<a href="{article.get_absolute_url()}">{article.title}</a>')
    assertContains(response, "Ett nytt nätverk samlar kommunerna.")


def test_news_list_has_ten_a_page_and_a_second_page(client, make_article):
    for _ in range(12):
        make_article()
    first, second = client.get("/nyheter/"), client.get("/nyheter/?sida=2")
    assert len(titles_in(first)) == 10
    assert len(titles_in(second)) == 2
    assertContains(first, "Sida 1 av 2")
    assertContains(first, 'href="?sida=2"')


@pytest.mark.parametrize("page", ["abc", "", "1.5", "%00"])
def test_malformed_page_number_gives_the_first_page(client, make_article, page):
    make_article("Nyaste nyheten")
    response = client.get(f"/nyheter/?sida={page}")
    assert response.status_code == 200
    assert titles_in(response) == ["Nyaste nyheten"]


@pytest.mark.parametrize("page", ["99", "0", "-1", "99999999999999999999999"])
def test_page_number_out_of_range_is_not_found(client, make_article, page):
    make_article()
    assert client.get(f"/nyheter/?sida={page}").status_code == 404


def test_drafts_scheduled_and_expired_articles_are_hidden(client, make_article):
    draft = make_article("Utkastet", status=Article.Status.DRAFT)
    scheduled = make_article("Kommer snart", published_at=timezone.now() + timedelta(days=1))
    expired = make_article(
        "Har gått ut",
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
    )
    for article in (draft, scheduled, expired):
        assert client.get(article.get_absolute_url()).status_code == 404
    assert titles_in(client.get("/nyheter/")) == []


def test_scheduled_article_appears_and_disappears_by_itself(client, make_article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article(
        "Schemalagd",
        published_at=timezone.now() + timedelta(hours=1),
        unpublish_at=timezone.now() + timedelta(hours=3),
    )
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.shift(timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert titles_in(client.get("/nyheter/")) == ["Schemalagd"]
    time_machine.shift(timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_article_is_not_found(client, db):
    response = client.get("/nyheter/finns-inte/")
    assert response.status_code == 404


def test_article_page_shows_its_parts_in_order(client, make_article, make_category):
    article = make_article(
        "Nätverk för stärkt innovationskraft",
        lead="Ett nytt nätverk samlar kommunerna.",
        body="<h2>Bakgrund</h2><p>Brödtexten.</p>",
        published_at=timezone.make_aware(timezone.datetime(2022, 6, 21, 9, 0)),
        categories=[make_category("Innovation"), make_category("Digitalisering")],
    )
    html = client.get(article.get_absolute_url()).text
    positions = [
        html.index('<time datetime="2022-06-21">21 juni 2022</time>'),
        html.index('<a href="/nyheter/kategori/digitalisering/">Digitalisering</a>'),
        html.index("<h1>Nätverk för stärkt innovationskraft</h1>"),
        html.index('<p class="lead">Ett nytt nätverk samlar kommunerna.</p>'),
        html.index("<h2>Bakgrund</h2>"),
    ]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1


def test_article_categories_are_joined_by_a_bar(client, make_article, make_category):
    article = make_article(
        categories=[make_category("Innovation"), make_category("Digitalisering")]
    )
    html = client.get(article.get_absolute_url()).text
    text = re.sub(r"<[^>]+>", "", re.search(r'<p class="categories">.*?</p>', html)[0])
    assert text == "Kategorier: Digitalisering | Innovation"


def test_article_title_is_escaped(client, make_article):
    article = make_article("<script>alert(1)</script> & mer")
    response = client.get(article.get_absolute_url())
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; mer")
    assertNotContains(response, "<script>alert(1)")


def test_changed_slug_redirects_permanently_from_the_old_address(client, make_article):
    article = make_article("Gammal rubrik")
    old_url = article.get_absolute_url()
    article.slug = "ny-rubrik"
    article.save()
    assertRedirects(client.get(old_url), "/nyheter/ny-rubrik/", status_code=301)


def test_slug_changed_twice_redirects_from_both_old_addresses(client, make_article):
    article = make_article("Första", slug="forsta")
    article.slug = "andra"
    article.save()
    article.slug = "tredje"
    article.save()
    assertRedirects(client.get("/nyheter/forsta/"), "/nyheter/tredje/", status_code=301)
    assertRedirects(client.get("/nyheter/andra/"), "/nyheter/tredje/", status_code=301)


def test_old_address_of_a_draft_does_not_redirect(client, make_article):
    article = make_article("Gammal", status=Article.Status.DRAFT)
    old_url = article.get_absolute_url()
    article.slug = "ny"
    article.save()
    assert client.get(old_url).status_code == 404


def test_category_page_lists_only_its_news(client, make_article, make_category):
    innovation, other = make_category("Innovation"), make_category("Hållbarhet")
    make_article("Om innovation", categories=[innovation])
    make_article("Om hållbarhet", categories=[other])
    response = client.get("/nyheter/kategori/innovation/")
    assertContains(response, "<h1>Nyheter: Innovation</h1>", html=True)
    assert titles_in(response) == ["Om innovation"]


def test_unknown_category_is_not_found(client, db):
    assert client.get("/nyheter/kategori/finns-inte/").status_code == 404


def test_hero_image_is_responsive_and_loads_first(client, make_article, make_bank_image):
    article = make_article(
        hero=make_bank_image(
            alt_text="Solnedgång över Stockholms skärgård",
            name="solnedgang.png",
            width=2000,
            height=1000,
        ),
    )
    html = client.get(article.get_absolute_url()).text
    img = re.search(r'<div class="article__hero">.*?</div>', html, re.S)[0]
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', img)[1]
    assert len(webp.split(", ")) >= 3
    assert 'alt="Solnedgång över Stockholms skärgård"' in img
    assert 'fetchpriority="high"' in img
    assert 'loading="lazy"' not in img
    # Cut to 16:9, as every hero is.
    assert 'width="1600" height="900"' in img


def test_hero_renditions_exist_on_disk_after_save(make_article, make_bank_image, media_root):
    article = make_article(hero=make_bank_image(alt_text="Ett torg", width=2000, height=1000))
    picture = article.hero_picture
    for srcset in (picture.webp_srcset, picture.jpeg_srcset):
        addresses = [candidate.split()[0] for candidate in srcset.split(", ")]
        assert len(addresses) == 4
        for address in addresses:
            assert (media_root / address.removeprefix("/media/")).exists()


def test_article_page_does_not_generate_renditions(
    client, make_article, make_bank_image, media_root
):
    article = make_article(hero=make_bank_image(alt_text="Ett torg"))
    for path in (media_root / "renditions").rglob("*.*"):
        path.unlink()
    client.get(article.get_absolute_url())
    assert list((media_root / "renditions").rglob("*.*")) == []


def test_decorative_hero_image_has_empty_alt(client, make_article, make_bank_image):
    article = make_article(hero=make_bank_image(is_decorative=True))
    html = client.get(article.get_absolute_url()).text
    assert re.search(r'<div class="article__hero">.*?alt="".*?</div>', html, re.S)


def test_body_images_are_responsive_and_lazy(client, make_article, make_image_upload):
    from news.models import Image

    image = Image.objects.create(file=make_image_upload(width=1200, height=800), description="x")
    article = make_article(
        body=(
            f'<figure><img src="{image.file.url}" alt="Deltagare vid workshoppen">'
            "<figcaption>Workshop i Malmö.</figcaption></figure>"
        )
    )
    html = client.get(article.get_absolute_url()).text
    body = re.search(r'<div class="article__body">.*?</div>', html, re.S)[0]
    assert 'loading="lazy"' in body
    assert 'alt="Deltagare vid workshoppen"' in body
    assert len(re.search(r'type="image/webp" srcset="([^"]+)"', body)[1].split(", ")) >= 3
    assert 'width="1200" height="800"' in body
    assert "<figcaption>Workshop i Malmö.</figcaption>" in body


def test_article_page_query_count_does_not_grow_with_categories(
    client, make_article, make_category, make_bank_image, django_assert_max_num_queries
):
    categories = [make_category(f"Kategori {n}", slug=f"kategori-{n}") for n in range(8)]
    article = make_article(
        categories=categories,
        hero=make_bank_image(alt_text="Ett torg"),
    )
    client.get("/")  # the site's first visitor records the cookie policy's first version
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def test_list_page_query_count_does_not_grow_with_page_size(
    client, make_article, make_category, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # rendered each time: what a cache miss costs
    categories = [make_category(f"Kategori {n}", slug=f"kategori-{n}") for n in range(3)]
    make_article(categories=categories)
    client.get("/")  # the site's first visitor records the cookie policy's first version
    with CaptureQueriesContext(connection) as one:
        client.get("/nyheter/")
    one_article = len(one.captured_queries)  # read now: the next request clears the log
    for _ in range(11):
        make_article(categories=categories)
    client.get("/")  # the cookie policy, cached per page generation, is read again
    with django_assert_num_queries(one_article):
        client.get("/nyheter/")


def test_pages_send_security_headers(client, db):
    response = client.get("/nyheter/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_skip_link_landmarks_and_swedish_language(client, db):
    html = client.get("/").text
    assert '<html lang="sv">' in html
    assert '<a class="skip-link" href="#innehall">Hoppa till innehållet</a>' in html
    assert '<main id="innehall"' in html
    assert "<header" in html
    assert "<footer" in html
