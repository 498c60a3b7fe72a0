from django.urls import path

from adda_site.page_cache import cached_for_visitors

from . import feeds, views

app_name = "news"

PAGE, CATEGORY = views.PAGE_PARAMETER, views.CATEGORY_PARAMETER
# What a shared page's address may carry: anything else is rendered for that visitor.
NUMBER, SLUG = r"[1-9][0-9]{0,4}", r"[-a-zA-Z0-9_]{1,100}"

# Fixed paths before "<slug>/": news.models.RESERVED_SLUGS keeps articles off them.
urlpatterns = [
    path(
        "",
        cached_for_visitors(views.article_list, query={PAGE: NUMBER, CATEGORY: SLUG}),
        name="list",
    ),
    # Searches are not cached: endless, rarely repeated, and the visitor's own words.
    path("sok/", views.search_results, name="search"),
    path("rss/", cached_for_visitors(feeds.LatestNewsFeed(), per_visitor=False), name="feed"),
    path(
        "kategori/<slug:slug>/",
        cached_for_visitors(views.category_detail, query={PAGE: NUMBER}),
        name="category",
    ),
    path(
        "kategori/<slug:slug>/rss/",
        cached_for_visitors(feeds.CategoryNewsFeed(), per_visitor=False),
        name="category_feed",
    ),
    path("<slug:slug>/", cached_for_visitors(views.article_detail), name="article"),
]
