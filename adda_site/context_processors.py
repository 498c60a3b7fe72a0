from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext

from .addresses import addresses_here


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "address": addresses_here(),
        # What jinja2/_meta.html says of a page that says nothing of itself: its address
        # without parameters, and a description of the site.
        # Joined by hand: build_absolute_uri() reads a path starting with "//" (a 404 for
        # "//[") as another host's address, and fails on some.
        "canonical_url": request.build_absolute_uri("/")[:-1] + escape_uri_path(request.path),
        "default_description": gettext("News and information from %(site)s.")
        % {"site": settings.SITE_NAME},
    }
