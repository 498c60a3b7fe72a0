from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from news import history
from news.body import render_body
from news.models import Article
from news.views import article_context

from .models import ReviewLink


def as_reviewed(article: Article) -> Article:
    """The article as its editors see it in the form: with the change to it that waits for
    review, if there is one (a Skribent's edit of a published article)."""
    article = history.working_copy(article)
    if article.waiting_version:
        # Versions keep the body, not the HTML prepared from it on save.
        article.body_html = render_body(article.body)
    return article


@require_safe
def review(request, token):
    link = ReviewLink.objects.for_token(token)
    if link is None:
        raise Http404
    if link.state == ReviewLink.State.ACTIVE:
        article = as_reviewed(Article.objects.for_page().get(pk=link.article_id))
        messages.info(
            request,
            _(
                "Review link: you see the article as it is saved now. The link is valid "
                "until %(date)s."
            )
            % {"date": date_format(localtime(link.expires_at), "DATETIME_FORMAT")},
        )
        response = render(
            request, "news/article_detail.html", article_context(request, article, is_preview=True)
        )
    else:
        # 410 Gone: the address existed and will not come back.
        response = render(request, "reviews/link_ended.html", {"link": link}, status=410)
    # The address is the key: never in a search engine, a shared cache or another site's
    # logs (the page links to other sites).
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response
