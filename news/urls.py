from django.urls import path

from . import feeds, views

app_name = "news"

# Fixed paths before "<slug>/": news.models.RESERVED_SLUGS keeps articles off them.
urlpatterns = [
    path("", views.article_list, name="list"),
    path("sok/", views.search_results, name="search"),
    path("rss/", feeds.LatestNewsFeed(), name="feed"),
    path("kategori/<slug:slug>/", views.category_detail, name="category"),
    path("kategori/<slug:slug>/rss/", feeds.CategoryNewsFeed(), name="category_feed"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
