"""What the public pages' templates call for consent (adda_site/jinja2.py makes them Jinja2
globals), and ``{% if_consent %}`` for Django templates."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..forms import BannerChoiceForm
from ..models import breaks_out_of_script
from ..policy import current_policy, scripts_may_run_on

register = template.Library()


def consent_banner(context) -> dict:
    """What jinja2/consent/_banner.html shows, if the visitor is to be asked."""
    request = context["request"]
    consent = request.consent
    if not consent.shows_banner:
        return {"show": False}
    return {
        "show": True,
        "banner": current_policy().banner,
        "accept_all": BannerChoiceForm.ACCEPT_ALL,
        "only_necessary": BannerChoiceForm.ONLY_NECESSARY,
        # A visitor who chose before is asked again: tell them what changed.
        "asked_again": consent.consent_id is not None,
        # A page answering a POST (a refused comment) cannot be fetched again by GET:
        # go back to the page the form was on (the choice view checks it is local).
        "next": (
            request.get_full_path()
            if request.method == "GET"
            else urlsplit(request.headers.get("Referer", "/"))
            ._replace(scheme="", netloc="")
            .geturl()
        ),
    }


def consent_scripts(context, placement):
    """The scripts of the categories this visitor allows, each with the page's nonce."""
    request = context["request"]
    # Most visitors allow no optional category, so there is nothing to write: asked first,
    # before the admin check (a reverse()) that only matters when there is (issue 11).
    scripts = current_policy().scripts_for(request.consent.allowed, placement)
    if not scripts or not scripts_may_run_on(request):
        return ""
    nonce = context.get("csp_nonce", "")
    return format_html_join(
        "\n",
        "{}",
        (
            (
                format_html('<script src="{}" nonce="{}" async></script>', s.src, nonce)
                if s.src
                # Code runs as written, so nothing in it may end the element early;
                # GatedScript.clean() refuses such code, and any that got here is left out.
                else format_html('<script nonce="{}">{}</script>', nonce, mark_safe(s.code)),
            )
            for s in scripts
            if s.src or not breaks_out_of_script(s.code)
        ),
    )


class IfConsentNode(template.Node):
    def __init__(self, category, nodelist_true, nodelist_false):
        self.category = category
        self.nodelist_true = nodelist_true
        self.nodelist_false = nodelist_false

    def render(self, context):
        request = context.get("request")
        category = self.category.resolve(context)
        if request is not None and request.consent.allows(category):
            return self.nodelist_true.render(context)
        return self.nodelist_false.render(context)


@register.tag
def if_consent(parser, token):
    """``{% if_consent "statistik" %}…{% else %}…{% endif_consent %}``"""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("if_consent takes one category slug")
    category = parser.compile_filter(bits[1])
    nodelist_true = parser.parse(("else", "endif_consent"))
    token = parser.next_token()
    if token.contents == "else":
        nodelist_false = parser.parse(("endif_consent",))
        parser.delete_first_token()
    else:
        nodelist_false = template.NodeList()
    return IfConsentNode(category, nodelist_true, nodelist_false)
