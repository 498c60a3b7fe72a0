from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.static import serve

from adda_site import views as site_views
from adda_site.admin_door import AdminSite
from adda_site.page_cache import cached_for_visitors
from news import views as news_views
from news.sitemaps import ArticleSitemap, CategorySitemap, NewsPagesSitemap
from pages.sitemaps import PageSitemap

# The default site, on which every app has registered its models, with the admin door's
# checks (optional two-factor login): the class swap is django-otp's documented way.
admin.site.__class__ = AdminSite
admin.site.site_header = admin.site.site_title = format_lazy(
    "{site} – {editors}", site=settings.SITE_NAME, editors=_("editorial administration")
)

# /sitemap.xml: one section per kind of page; each app adds its own.
sitemaps = {
    "news-pages": NewsPagesSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "pages": PageSitemap,
}


@require_safe
def robots_txt(request):
    # /admin/ is not named: anyone can read robots.txt, and the admin's pages need a login,
    # so crawlers find nothing there anyway.
    lines = [
        "User-agent: *",
        # Search results are endless combinations of the same news.
        f"Disallow: {reverse('news:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# A database outage met outside a view is a 503 too (adda_site.views.server_error).
handler500 = "adda_site.views.server_error"
# Too large, too many fields, a host not ours: the Swedish 400 page, without the request.
handler400 = "adda_site.views.bad_request"

urlpatterns = [
    path("", cached_for_visitors(news_views.home), name="home"),
    path(
        "sitemap.xml",
        cached_for_visitors(sitemap, per_visitor=False, query={"p": r"[1-9][0-9]{0,3}"}),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots"),
    # For load balancers and monitors; not in the sitemap, never cached.
    path("healthz", site_views.healthz, name="healthz"),
    # Both under /nyheter/, and the first match wins: /nyheter/kategori/kommentarer/ is
    # news's category "kommentarer" and comments' form address of an article "kategori".
    # News first, because no article may have that slug (news.models.RESERVED_SLUGS)
    # while a category may.
    path("nyheter/", include("news.urls")),
    path("nyheter/", include("comments.urls")),
    path("cookies/", include("consent.urls")),
    # Read-only review links of unpublished articles, for colleagues without an account.
    path("granska/", include("reviews.urls")),
    # The article form kept while the editor types (staff only), beside the admin.
    path("admin/autosave/", include("autosave.urls")),
    path("admin/", admin.site.urls),
    # Last: site pages take the root addresses no one else uses.
    path("", include("pages.urls")),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so tests that point it elsewhere are served too.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
