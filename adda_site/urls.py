from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from news import views as news_views

admin.site.site_header = admin.site.site_title = format_lazy(
    "{site} – {editors}", site=settings.SITE_NAME, editors=_("editorial administration")
)

urlpatterns = [
    path("", news_views.home, name="home"),
    path("nyheter/", include("comments.urls")),
    path("nyheter/", include("news.urls")),
    path("cookies/", include("consent.urls")),
    path("admin/", admin.site.urls),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so tests that point it elsewhere are served too.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.DEBUG or settings.TESTING:
    # Uploaded media; in production the web server or object storage serves it.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
