from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from .models import Article, Category, FormerSlug

PAGE_PARAMETER = "sida"


def _page(request, articles):
    """A page of articles; a missing or malformed page number gives the first page."""
    paginator = Paginator(articles, settings.NEWS_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get(PAGE_PARAMETER, 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404 from None


@require_GET
def home(request):
    latest = Article.objects.published().for_list()[: settings.NEWS_PAGE_SIZE]
    return render(request, "news/home.html", {"articles": latest})


@require_GET
def article_list(request):
    page = _page(request, Article.objects.published().for_list())
    return render(request, "news/article_list.html", {"page": page})


@require_GET
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    page = _page(request, Article.objects.published().in_category(category).for_list())
    return render(request, "news/category_detail.html", {"category": category, "page": page})


@require_GET
def article_detail(request, slug):
    article = Article.objects.published().with_categories().filter(slug=slug).first()
    if article is None:
        former = get_object_or_404(
            FormerSlug.objects.filter(article__in=Article.objects.published()).select_related(
                "article"
            ),
            slug=slug,
        )
        return redirect(former.article, permanent=True)
    return render(request, "news/article_detail.html", {"article": article})
