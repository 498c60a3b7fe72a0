"""The Jinja2 environment of the public pages (the templates in jinja2/).

Visitors' pages are Jinja2 templates; the admin's and crispy-forms' stay
Django templates (templates/). An article page with 200 comments spent about 2 ms of its
rendering in the Django template language's nodes, more than its four queries (issue 11);
Jinja2 compiles a template to Python once and renders the same page in a fraction of that.

The helpers are the functions the Django templates' tags were, so the pages
write the HTML they wrote. Visible texts go through gettext as ``{{ _("…") }}``, formatted with
``|format(name=…)``: the form Django's makemessages finds in a template.
"""

import html
from functools import lru_cache

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaks_filter, linebreaksbr, truncatechars
from django.template.defaulttags import querystring as querystring_tag
from django.templatetags.static import static as static_url
from django.utils import translation
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context

from comments.templatetags import comments_tags
from consent.templatetags import consent_tags
from news.templatetags import news_tags

from .addresses import address


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], finalize=finalize, **options)
    # Plain gettext (not "newstyle"): ``_("Page %(n)s")|format(n=…)`` formats once, and
    # a text without placeholders may contain "%".
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=False)
    env.globals.update(
        address=address,
        static=static,
        querystring=querystring,
        get_language=translation.get_language,
        time_element=news_tags.time_element,
        article_summary=news_tags.article_summary,
        category_links=news_tags.category_links,
        search_form_context=news_tags.search_form_context,
        consent_banner=pass_context(consent_tags.consent_banner),
        consent_scripts=pass_context(consent_tags.consent_scripts),
        comment_section=pass_context(comments_tags.comment_section),
        comment_list=comments_tags.comment_list,
        comment_fields=comments_tags.comment_fields,
        crispy=crispy,
        # The context processor's site_name wins where it runs; 400.html and 500.html
        # render without context processors. Read at rendering, as settings may change.
        site_name=lazy(lambda: settings.SITE_NAME, str)(),
    )
    env.filters.update(
        date=date,
        linebreaks=linebreaks_filter,
        linebreaksbr=linebreaksbr,
        truncatechars=truncatechars,
    )
    return env


def finalize(value: object) -> object:
    """Quotes in a text are written as Django writes them (&quot;, &#x27;) rather than as
    markupsafe does (&#34;, &#39;), so that a page reads as it did with Django templates
    (tests compare the query a visitor typed with Django's escape()). Every template here
    is HTML. Most texts hold no quote: they are left to Jinja2's own escaping."""
    if type(value) is str and ('"' in value or "'" in value):
        return SafeString(html.escape(value))
    return value


@lru_cache(maxsize=1024)
def static(path: str) -> str:
    """``{% static %}``, worked out once per process and file: a static file's address
    (its hashed name in the manifest) is fixed from one collectstatic to the next, and
    every page asks for the same five."""
    return static_url(path)


@receiver(setting_changed)
def _static_settings_changed(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "STORAGES"}:
        static.cache_clear()


def querystring(*mappings, **changes) -> str:
    """``{% querystring page_params sida=2 %}``; our templates always name the mapping."""
    return querystring_tag(None, *mappings, **changes)


@pass_context
def crispy(context, form) -> SafeString:
    """``{% crispy form %}``: the form as its crispy FormHelper lays it out, with the
    request and CSRF token crispy's templates may ask for."""
    return render_crispy_form(
        form, context={"request": context.get("request"), "csrf_token": context.get("csrf_token")}
    )


def date(value, format_string=None) -> str:
    """The ``date`` filter, in the current time zone as Django templates show it."""
    return date_filter(template_localtime(value), format_string)
