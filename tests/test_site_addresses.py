"""Links on every page and in every list are worked out once per process
(adda_site.addresses): they must still be right for each way the site is reached."""

import pytest
from django.test.utils import override_script_prefix


@pytest.fixture
def rendered_pages(settings):
    # Every request renders: what is tested is the links, not the page cache (whose
    # key holds the whole path, prefix included, as a WSGI server gives it).
    settings.PAGE_CACHE_SECONDS = 0


@pytest.mark.usefixtures("rendered_pages")
def test_links_follow_the_prefix_the_site_is_served_under(client, make_article, make_category):
    # A proxy may serve the site under a path of its own (SCRIPT_NAME); the same worker
    # may also be reached without it. Each visitor's links must lead where they came from.
    category = make_category("Innovation")
    article = make_article("Nätverk för kommuner", categories=[category])

    with override_script_prefix("/webb/"):
        under_prefix = client.get("/nyheter/").text
    at_root = client.get("/nyheter/").text

    assert f'<a href="/webb/nyheter/{article.slug}/">Nätverk för kommuner</a>' in under_prefix
    assert '<a href="/webb/nyheter/kategori/innovation/">Innovation</a>' in under_prefix
    assert '<a href="/webb/cookies/">Cookie-inställningar</a>' in under_prefix
    assert f'<a href="/nyheter/{article.slug}/">Nätverk för kommuner</a>' in at_root
    assert '<a href="/nyheter/kategori/innovation/">Innovation</a>' in at_root
    assert '<a href="/cookies/">Cookie-inställningar</a>' in at_root
    assert "/webb/" not in at_root


@pytest.mark.usefixtures("rendered_pages")
def test_an_article_page_under_a_prefix_sends_comments_there(client, make_article):
    article = make_article("Nätverk för kommuner")

    with override_script_prefix("/webb/"):
        page = client.get(f"/nyheter/{article.slug}/").text
    at_root = client.get(f"/nyheter/{article.slug}/").text

    assert f'action="/webb/nyheter/{article.slug}/kommentarer/#kommentarsfel"' in page
    assert 'action="/webb/nyheter/sok/"' in page
    assert f'action="/nyheter/{article.slug}/kommentarer/#kommentarsfel"' in at_root
    assert 'action="/nyheter/sok/"' in at_root
