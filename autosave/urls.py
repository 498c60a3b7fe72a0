from django.urls import path

from . import views

app_name = "autosave"

# Under /admin/autosave/: "ny" is the form of a new article.
urlpatterns = [
    path("artikel/ny/", views.keep_article, name="keep_new"),
    path("artikel/<int:pk>/", views.keep_article, name="keep"),
    path("artikel/ny/slang/", views.discard_article, name="discard_new"),
    path("artikel/<int:pk>/slang/", views.discard_article, name="discard"),
]
