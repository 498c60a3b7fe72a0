"""What an article page tells search engines and link previews: its canonical address, the
image to show and schema.org NewsArticle data."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Article
from .renditions import SHARE_RATIO, Picture

# As Django's json_script: no "</script>", "<!--" or entity can end or alter the element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element (json_script writes
    type="application/json", which search engines do not read)."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_ESCAPES))


def for_article(request: HttpRequest, article: Article) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url())
    image, search_images = None, []
    if article.hero_picture:
        # Link previews get the 1.91:1 crop around the image's focal point; search engines
        # the page's 16:9 hero and a 4:3 crop, as Google asks for several ratios.
        image = _image(request, article.hero.cropped_image(SHARE_RATIO))
        search_images = [
            {"@type": "ImageObject", **_image(request, shown)}
            for shown in (article.hero_picture, article.hero.cropped_image("4:3"))
        ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": get_language(),
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.modified_at).isoformat(),
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
        },
        "articleSection": [category.name for category in article.shown_categories],
    }
    if search_images:
        data["image"] = search_images
    return {"canonical_url": url, "share_image": image, "structured_data": json_ld(data)}


def _image(request: HttpRequest, picture: Picture) -> dict:
    return {
        "url": request.build_absolute_uri(picture.largest_jpeg),
        "width": picture.width,
        "height": picture.height,
    }
