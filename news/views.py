from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from . import metadata, search
from .forms import SearchForm
from .models import Article, Category, FormerSlug

PAGE_PARAMETER = "sida"
CATEGORY_PARAMETER = "kategori"
RELATED_COUNT = 3


def _page(request, articles) -> Page:
    """A page of articles; a missing or malformed page number gives the first page."""
    paginator = Paginator(articles, settings.NEWS_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get(PAGE_PARAMETER, 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404 from None


def _absolute_url(request: HttpRequest, path: str, **params) -> str:
    """The address on this host of ``path`` with the given parameters, empty ones left out."""
    query = urlencode({name: value for name, value in params.items() if value})
    return request.build_absolute_uri(f"{path}?{query}" if query else path)


def _page_number(page: Page) -> int | None:
    # The first page's address has no page number.
    return page.number if page.number > 1 else None


@require_safe
def home(request):
    latest = Article.objects.published().for_list()[: settings.NEWS_PAGE_SIZE]
    return render(request, "news/home.html", {"articles": latest})


@require_safe
def article_list(request):
    categories = list(Category.objects.having_published_news())
    wanted = request.GET.get(CATEGORY_PARAMETER)
    selected = next((category for category in categories if category.slug == wanted), None)
    if wanted is not None and selected is None:
        # An unknown or emptied category leads to all the news rather than an error page,
        # at the list's own address: made-up ones are never pages of their own (nor
        # entries in the page cache).
        return redirect(request.path)
    articles = Article.objects.published().for_list()
    if selected:
        articles = articles.in_category(selected)
    page = _page(request, articles)
    # Filtered, the list shows what the category's own page shows: that page is canonical.
    canonical_path = selected.get_absolute_url() if selected else request.path
    return render(
        request,
        "news/article_list.html",
        {
            "page": page,
            "page_params": {CATEGORY_PARAMETER: selected.slug} if selected else {},
            "categories": categories,
            "selected_category": selected,
            "canonical_url": _absolute_url(
                request, canonical_path, **{PAGE_PARAMETER: _page_number(page)}
            ),
        },
    )


@require_safe
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    page = _page(request, Article.objects.published().in_category(category).for_list())
    return render(
        request,
        "news/category_detail.html",
        {
            "category": category,
            "page": page,
            "page_params": {},
            "canonical_url": _absolute_url(
                request, request.path, **{PAGE_PARAMETER: _page_number(page)}
            ),
        },
    )


@require_safe
def article_detail(request, slug):
    # One published() for the article and its related news: putting its conditions
    # together costs more than copying them (issue 11).
    published = Article.objects.published()
    try:
        # get(), not first(): a slug is unique, and ordering the one row costs more.
        article = published.for_page().get(slug=slug)
    except Article.DoesNotExist:
        former = get_object_or_404(
            FormerSlug.objects.filter(article__in=Article.objects.published()).select_related(
                "article"
            ),
            slug=slug,
        )
        return redirect(former.article, permanent=True)
    return render(
        request, "news/article_detail.html", article_context(request, article, published=published)
    )


def _hits(count: int, query: str) -> str:
    # Here rather than in the template, where makemessages does not find ngettext.
    return ngettext("%(count)s hit for “%(query)s”", "%(count)s hits for “%(query)s”", count) % {
        "count": count,
        "query": query,
    }


def article_context(
    request: HttpRequest, article: Article, *, published: QuerySet | None = None, **extra
) -> dict:
    """Everything the article page shows about ``article``; ``extra`` adds to it (the
    comments app passes a refused comment's form, so the page shown again is whole).
    ``published``: Article.objects.published(), if the caller has it already."""
    if published is None:
        published = Article.objects.published()
    related = published.related_to(article).only("title", "slug", "published_at")[:RELATED_COUNT]
    return {
        "article": article,
        "related": related,
        **metadata.for_article(request, article),
        **extra,
    }


@require_safe
def search_results(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = None
    if query:
        page = _page(request, Article.objects.published().search(query).for_list())
        page.object_list = list(page.object_list)
        search.highlight(page.object_list, query)
    return render(
        request,
        "news/search.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "page_params": {"q": query},
            "hits": page is not None and _hits(page.paginator.count, query),
            "canonical_url": _absolute_url(
                request, request.path, q=query, **{PAGE_PARAMETER: page and _page_number(page)}
            ),
        },
    )
