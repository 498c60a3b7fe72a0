import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from comments.models import Comment, CommentRules

CLOSED = "Kommenteringen är stängd för den här artikeln."


def comment_section(response) -> str:
    html = response.text
    start = html.index('<section id="kommentarer"')
    return html[start : html.index("</section>", start)]


def names_in(response) -> list[str]:
    return re.findall(r'<strong class="comment__name">([^<]*)</strong>', comment_section(response))


def test_comment_section_is_under_the_article(client, make_article):
    article = make_article()
    html = client.get(article.get_absolute_url()).text
    assert html.index("</article>") < html.index('<section id="kommentarer"')


def test_heading_counts_only_published_comments(client, make_article, make_comment):
    article = make_article()
    make_comment(article)
    make_comment(article)
    for status in (Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM):
        make_comment(article, status=status)
    make_comment(make_article())  # another article's
    response = client.get(article.get_absolute_url())
    assertInHTML('<h2 id="kommentarer-rubrik">Kommentarer (2)</h2>', comment_section(response))


def test_article_without_comments_says_there_are_none(client, make_article):
    response = client.get(make_article().get_absolute_url())
    section = comment_section(response)
    assertInHTML('<h2 id="kommentarer-rubrik">Kommentarer (0)</h2>', section)
    assertInHTML("<p>Det finns inga kommentarer än.</p>", section)


def test_article_with_only_waiting_comments_says_there_are_none(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "Väntar på granskning.", status=Comment.Status.PENDING)
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (0)")
    assertContains(response, "Det finns inga kommentarer än.")
    assertNotContains(response, "Väntar på granskning.")


def test_comments_are_shown_oldest_first(client, make_article, make_comment):
    article = make_article()
    now = timezone.now()
    make_comment(article, name="Bertil", created_at=now - timedelta(hours=1))
    make_comment(article, name="Anna", created_at=now - timedelta(days=2))
    make_comment(article, name="Cecilia", created_at=now - timedelta(minutes=5))
    response = client.get(article.get_absolute_url())
    assert names_in(response) == ["Anna", "Bertil", "Cecilia"]


def test_rejected_and_spam_comments_are_not_shown(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "Avvisad kommentar.", status=Comment.Status.REJECTED)
    make_comment(article, "Köp billiga klockor.", status=Comment.Status.SPAM)
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "Avvisad kommentar.")
    assertNotContains(response, "Köp billiga klockor.")


def test_comment_shows_name_and_swedish_date_and_time(client, make_article, make_comment):
    article = make_article()
    make_comment(
        article, name="Anna Andersson", created_at=datetime(2022, 6, 21, 12, 5, tzinfo=UTC)
    )
    response = client.get(article.get_absolute_url())
    section = comment_section(response)
    assertInHTML('<strong class="comment__name">Anna Andersson</strong>', section)
    assertInHTML(
        '<time datetime="2022-06-21T14:05:00+02:00">21 juni 2022 kl. 14.05</time>', section
    )


def test_winter_comment_time_is_stockholm_standard_time(client, make_article, make_comment):
    article = make_article()
    make_comment(article, created_at=datetime(2023, 1, 5, 8, 30, tzinfo=UTC))
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<time datetime="2023-01-05T09:30:00+01:00">5 januari 2023 kl. 09.30</time>',
        comment_section(response),
    )


def test_commenters_email_address_is_never_shown(client, make_article, make_comment):
    article = make_article()
    make_comment(article, email="hemlig.adress@example.se")
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "hemlig.adress@example.se")


def test_html_in_a_comment_is_shown_as_typed(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "<script>alert('hej')</script> <b>fet</b>")
    response = client.get(article.get_absolute_url())
    section = comment_section(response)
    assert "&lt;script&gt;alert(&#x27;hej&#x27;)&lt;/script&gt; &lt;b&gt;fet&lt;/b&gt;" in section
    assert "<script>alert" not in section
    assert "<b>fet</b>" not in section


def test_html_in_a_name_is_shown_as_typed(client, make_article, make_comment):
    article = make_article()
    make_comment(article, name='<img src=x onerror="alert(1)">')
    response = client.get(article.get_absolute_url())
    section = comment_section(response)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in section
    assert "<img src=x" not in section


def test_line_breaks_in_a_comment_are_kept(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "Första raden\nandra raden\n\nEtt nytt stycke.")
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<div class="comment__text"><p>Första raden<br>andra raden</p>'
        "<p>Ett nytt stycke.</p></div>",
        comment_section(response),
    )


def test_web_addresses_in_a_comment_become_links_for_nobody_to_follow(
    client, make_article, make_comment
):
    article = make_article()
    make_comment(article, "Läs mer på https://www.example.se/rapport?del=2&sida=3.")
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<p>Läs mer på <a href="https://www.example.se/rapport?del=2&amp;sida=3" '
        'rel="nofollow ugc noopener">https://www.example.se/rapport?del=2&amp;sida=3</a>.</p>',
        comment_section(response),
    )


def test_plain_http_addresses_become_links_too(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "Se http://example.org/")
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<a href="http://example.org/" rel="nofollow ugc noopener">http://example.org/</a>',
        comment_section(response),
    )


@pytest.mark.parametrize(
    "text",
    ["javascript:alert(1)", "ftp://example.org/fil.txt", "www.example.se", "data:text/html,hej"],
)
def test_other_addresses_in_a_comment_are_not_links(client, make_article, make_comment, text):
    article = make_article()
    make_comment(article, f"Titta här: {text}")
    response = client.get(article.get_absolute_url())
    assert "<a " not in comment_section(response).split('<h2 id="skriv-kommentar">')[0]


def test_link_cannot_break_out_of_its_attribute(client, make_article, make_comment):
    article = make_article()
    make_comment(article, 'https://example.se/"onmouseover="alert(1)')
    response = client.get(article.get_absolute_url())
    section = comment_section(response)
    assert 'onmouseover="alert(1)' not in section
    assertInHTML(
        '<a href="https://example.se/" rel="nofollow ugc noopener">https://example.se/</a>',
        section,
    )


def test_editors_reply_is_shown_under_the_comment(client, make_article, make_comment):
    article = make_article()
    make_comment(article, "När startar nätverket?", reply="Det startar i augusti.")
    response = client.get(article.get_absolute_url())
    assertInHTML(
        '<div class="comment__reply"><p class="comment__reply-label">'
        "<strong>Svar från redaktionen</strong></p>"
        '<div class="comment__text"><p>Det startar i augusti.</p></div></div>',
        comment_section(response),
    )


def test_comment_without_reply_has_no_reply_label(client, make_article, make_comment):
    article = make_article()
    make_comment(article)
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "Svar från redaktionen")


def test_form_has_heading_labelled_fields_and_button(client, make_article):
    response = client.get(make_article().get_absolute_url())
    section = comment_section(response)
    assertInHTML('<h2 id="skriv-kommentar">Skriv en kommentar</h2>', section)
    for field, label in (("name", "Namn"), ("email", "E-post"), ("text", "Kommentar")):
        assert re.search(rf'<label\s+for="id_{field}"[^>]*>\s*{label}<', section), label
    assert 'type="submit"' in section
    assert 'value="Skicka kommentar"' in section


def test_email_field_says_the_address_is_never_published(client, make_article):
    response = client.get(make_article().get_absolute_url())
    section = comment_section(response)
    assert re.search(r'<input type="email"[^>]*aria-describedby="id_email_helptext"', section)
    assertInHTML(
        '<div id="id_email_helptext" class="form-text">Din e-postadress publiceras aldrig.</div>',
        section,
    )


def test_form_is_sent_to_the_articles_comment_address(client, make_article):
    article = make_article("Nätverk för innovation")
    response = client.get(article.get_absolute_url())
    assert re.search(
        r'<form method="post" action="/nyheter/natverk-for-innovation/kommentarer/[^"]*"',
        comment_section(response),
    )


def test_rules_written_in_admin_are_shown_next_to_the_form(client, make_article):
    CommentRules.objects.update(text="Redaktionen för Adda modererar.\n\nVi tar bort reklam.")
    response = client.get(make_article().get_absolute_url())
    assertInHTML(
        '<aside class="comment-rules" aria-label="Regler för kommentarer">'
        "<p>Redaktionen för Adda modererar.</p><p>Vi tar bort reklam.</p></aside>",
        comment_section(response),
    )


def test_default_rules_say_comments_are_moderated_and_may_be_public_records(client, make_article):
    response = client.get(make_article().get_absolute_url())
    section = comment_section(response)
    assert "Kommentarerna på webbplatsen modereras av redaktionen." in section
    assert "kan bli allmänna handlingar" in section


def test_closed_article_says_commenting_is_closed_instead_of_the_form(client, make_article):
    article = make_article(comments_enabled=False)
    response = client.get(article.get_absolute_url())
    section = comment_section(response)
    assertInHTML(f'<p class="comments-closed">{CLOSED}</p>', section)
    assert "<form" not in section
    assert 'name="text"' not in section


def test_closed_article_still_shows_its_comments(client, make_article, make_comment):
    article = make_article(comments_enabled=False)
    make_comment(article, "Skrevs innan kommenteringen stängdes.")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Kommentarer (1)")
    assertContains(response, "Skrevs innan kommenteringen stängdes.")


def test_commenting_closes_by_itself_after_the_configured_days(settings, client, make_article):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(published_at=timezone.now() - timedelta(days=31))
    response = client.get(article.get_absolute_url())
    assertContains(response, CLOSED)


def test_commenting_is_open_before_the_configured_days_have_passed(settings, client, make_article):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(published_at=timezone.now() - timedelta(days=29))
    response = client.get(article.get_absolute_url())
    assertNotContains(response, CLOSED)
    assertContains(response, 'value="Skicka kommentar"')


def test_old_articles_stay_open_when_no_closing_time_is_set(settings, client, make_article):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    article = make_article(published_at=timezone.now() - timedelta(days=3650))
    response = client.get(article.get_absolute_url())
    assertNotContains(response, CLOSED)


def article_page_queries(client, article) -> int:
    """The queries of rendering the article page (not from the page cache), once the
    cookie policy and comment rules of this page generation have been read."""
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("count", [0, 1, 200])
def test_article_page_costs_at_most_six_queries_whatever_the_comments(
    client, make_article, make_comment, django_assert_max_num_queries, count
):
    article = make_article()
    Comment.objects.bulk_create(
        Comment(article=article, name=f"Person {n}", email="p@example.se", text=f"Text {n}")
        for n in range(count)
    )
    Comment.objects.update(status=Comment.Status.PUBLISHED)
    client.get("/")  # the site's first visitor records the cookie policy's first version
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assertContains(response, f"Kommentarer ({count})")


def test_article_page_query_count_does_not_grow_with_comments(
    client, make_article, make_comment, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    client.get("/")  # the site's first visitor records the cookie policy's first version
    client.get(article.get_absolute_url())  # and the comment rules are read once
    none = article_page_queries(client, article)
    make_comment(article, reply="Tack!")
    one = article_page_queries(client, article)
    for _ in range(199):
        make_comment(article, reply="Tack!")
    make_comment(article, status=Comment.Status.PENDING)
    many = article_page_queries(client, article)
    assert none == one == many
