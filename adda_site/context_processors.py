from django.conf import settings
from django.utils.translation import gettext


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        # What templates/_meta.html says of a page that says nothing of itself: its address
        # without parameters, and a description of the site.
        "canonical_url": request.build_absolute_uri(request.path),
        "default_description": gettext("News and information from %(site)s.")
        % {"site": settings.SITE_NAME},
    }
