"""The article body: what editors may write, and how it is prepared for the page."""

import html
import re
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from adda_site.rich_text import TEXT_EXTENSIONS

from .renditions import generate_renditions, original, picture

# Articles also have quotes that name the quoted person, and figures from the image bank.
EDITOR_EXTENSIONS = TEXT_EXTENSIONS | {
    # A paragraph in a quote marked "quote-source" names the quoted person.
    "NodeClass": {"cssClasses": {"paragraph": ["quote-source"]}},
    "Figure": True,
    "Caption": True,
    "Image": True,
    # The image button opens the image bank's chooser (news.chooser) instead of asking
    # for an address; its module is named in settings.DJANGO_PROSE_EDITOR_EXTENSIONS.
    "ImageChooser": {"label": _("Insert an image")},
}

IMG_TAG = re.compile(r"<img\s[^>]*>")
ATTRIBUTE = re.compile(r'([a-zA-Z][\w-]*)="([^"]*)"')


def _image_tags(body: str):
    # The body has been through nh3, which writes every attribute as name="value".
    for match in IMG_TAG.finditer(body):
        attributes = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match[0])}
        yield match, attributes


def _media_name(src: str) -> str | None:
    """The storage name of the uploaded file an image address points at, if it exists.

    Only addresses of the form the image bank gives (MEDIA_URL and a relative name) count;
    anything else, such as /media//etc/passwd or /media/%2e%2e/settings.py, is not an
    uploaded image. Storage would refuse those names with SuspiciousFileOperation, which
    Django answers with a bare 400 page instead of the editor's form.
    """
    if not src.startswith(settings.MEDIA_URL):
        return None
    # Storage names are quoted in addresses: "båt.jpg" is /media/b%C3%A5t.jpg.
    name = unquote(src.removeprefix(settings.MEDIA_URL))
    segments = name.split("/")
    if any(segment in ("", ".", "..") for segment in segments) or "\\" in name or "\0" in name:
        return None
    try:
        return name if default_storage.exists(name) else None
    except SuspiciousFileOperation:
        return None


def foreign_image_sources(body: str) -> list[str]:
    """Images the site does not host itself: they would be third-party requests."""
    return [
        attributes.get("src", "")
        for _match, attributes in _image_tags(body)
        if _media_name(attributes.get("src", "")) is None
    ]


def render_body(body: str) -> str:
    """Replace each uploaded image with responsive renditions, generating them now."""
    parts, position = [], 0
    for match, attributes in _image_tags(body):
        name = _media_name(attributes.get("src", ""))
        if name is None:
            continue
        # Renditions are named after the media name, not the absolute path.
        with File(default_storage.open(name), name=name) as source:
            width, height = get_image_dimensions(source)
            if not width:
                continue
            ready = generate_renditions(source, width)
            markup = render_to_string(
                "news/_picture.html",
                {
                    "picture": (picture if ready else original)(source, width, height),
                    "alt": attributes.get("alt", ""),
                    "sizes": "(min-width: 48rem) 44rem, 100vw",
                },
            ).strip()
        parts += [body[position : match.start()], markup]
        position = match.end()
    parts.append(body[position:])
    return "".join(parts)
