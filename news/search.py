"""Searching the news: PostgreSQL's Swedish full-text search, and the highlighted matches.

ArticleQuerySet.search() is the rule for what matches; this module holds what only
PostgreSQL does and how a match is marked in a result.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A search uses at most this many distinct words of what the visitor typed.
MAX_WORDS = 10
CONFIG = "swedish"
# Private-use characters around a match: they survive HTML escaping, so the text can be
# escaped first and the matches marked afterwards.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")


def words(query: str) -> list[str]:
    """The distinct words of a query, in order; NUL characters, which PostgreSQL refuses in
    text, are dropped."""
    return list(dict.fromkeys(query.replace("\x00", "").split()))[:MAX_WORDS]


def search_vector() -> SearchVector:
    # The expression of the GIN index in migration news.0005: when they differ, PostgreSQL
    # no longer uses the index. Tags in the body's HTML are not indexed by the parser.
    return (
        SearchVector("title", config=CONFIG, weight="A")
        + SearchVector("lead", config=CONFIG, weight="B")
        + SearchVector("body", config=CONFIG, weight="C")
    )


def full_text(articles: QuerySet, query: str) -> QuerySet:
    """PostgreSQL: the articles matching ``query`` (web search syntax: "quotes", or, -not),
    best first, with their title and lead as headlines marking the matches."""
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")

    def headline(field: str) -> SearchHeadline:
        return SearchHeadline(
            field,
            search_query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            highlight_all=True,
        )

    return (
        articles.alias(search_vector=search_vector())
        .filter(search_vector=search_query)
        .annotate(
            search_rank=SearchRank(F("search_vector"), search_query),
            title_headline=headline("title"),
            lead_headline=headline("lead"),
        )
        .order_by("-search_rank", "-published_at", "-id")
    )


def mark_words(text: str, query_words: Iterable[str]) -> str:
    """The text with every occurrence of the words, in any case, between the marks."""
    text = text.replace(MARK_START, "").replace(MARK_END, "")
    alternatives = sorted({re.escape(word) for word in query_words}, key=len, reverse=True)
    if not alternatives:
        return text
    return re.sub(
        "|".join(alternatives),
        lambda match: f"{MARK_START}{match[0]}{MARK_END}",
        text,
        flags=re.IGNORECASE,
    )


def marked_html(text: str) -> SafeString:
    """Escaped text whose marked matches are in <mark> elements."""
    html = MARKED.sub(r"<mark>\1</mark>", str(escape(text)))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_END, ""))


def highlight(articles: Iterable, query: str) -> None:
    """Give each found article ``title_html`` and ``lead_html`` with its matches marked."""
    query_words = words(query)
    for article in articles:
        title = getattr(article, "title_headline", None) or mark_words(article.title, query_words)
        lead = getattr(article, "lead_headline", None) or mark_words(article.lead, query_words)
        article.title_html = marked_html(title)
        article.lead_html = marked_html(lead)
