"""The site's own addresses, for the links every page or list repeats."""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def address(viewname: str, *args) -> str:
    """reverse(viewname, args=args), worked out once per process: reverse() costs tens of
    microseconds, and a page repeats it dozens of times (the footer, the header, a link
    per summary and category; issue 11). An address depends on nothing but what the key
    holds: the URL configuration, the script prefix (a site under a SCRIPT_NAME), the
    language (translated patterns) and the arguments."""
    return _address(
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        viewname,
        tuple(str(arg) for arg in args),
    )


def addresses_here() -> Callable[..., str]:
    """address(), bound to the URL configuration, script prefix and language active now:
    for a page, which asks for many addresses while these stay the same (the public
    pages' templates get it as ``address``, from the site context processor)."""
    here = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())

    def address(viewname: str, *args) -> str:
        return _address(*here, viewname, tuple(str(arg) for arg in args))

    return address


@lru_cache(maxsize=8192)
def _address(urlconf, prefix: str, language: str | None, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)
