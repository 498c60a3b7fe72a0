from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("kategori/<slug:slug>/", views.category_detail, name="category"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
