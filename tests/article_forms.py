"""The article form in admin as a browser without JavaScript sends it, for the tests that
add or change articles through admin."""

from datetime import timedelta

from django.utils import timezone

from news.models import Article

NO_FORMER_SLUGS = {
    "former_slugs-TOTAL_FORMS": "0",
    "former_slugs-INITIAL_FORMS": "0",
    "former_slugs-MIN_NUM_FORMS": "0",
    "former_slugs-MAX_NUM_FORMS": "1000",
}


def _form(*, published_at, **fields) -> dict:
    when = timezone.localtime(published_at)
    return {
        **fields,
        "published_at_0": when.strftime("%Y-%m-%d"),
        "published_at_1": when.strftime("%H:%M:%S"),
        "unpublish_at_0": "",
        "unpublish_at_1": "",
        **NO_FORMER_SLUGS,
    }


def article_form(*, status=Article.Status.DRAFT, **overrides) -> dict:
    """A new article, dated five minutes ago."""
    return (
        _form(
            title="Nätverk för stärkt innovationskraft",
            slug="natverk-for-starkt-innovationskraft",
            lead="Ett nytt nätverk samlar kommunerna.",
            body="<h2>Bakgrund</h2><p>Nätverket startar i höst.</p>",
            status=status,
            published_at=timezone.now() - timedelta(minutes=5),
        )
        | overrides
    )


def change_form(article: Article, **overrides) -> dict:
    """An existing article's form as it is shown, with its hero image left as it is."""
    return (
        _form(
            title=article.title,
            slug=article.slug,
            lead=article.lead,
            body=article.body,
            hero=article.hero_id or "",
            status=article.status,
            published_at=article.published_at,
        )
        | overrides
    )
