from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from news import views as news_views

urlpatterns = [
    path("", news_views.home, name="home"),
    path("nyheter/", include("news.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.TESTING:
    # Uploaded media; in production the web server or object storage serves it.
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
