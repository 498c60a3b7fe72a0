"""Responsive renditions of uploaded images: a few widths, in WebP and JPEG.

Renditions are generated when an article is saved (imagekit's optimistic
strategy); building their URLs while a page renders touches neither the disk
nor the database. Until they have all been made, or if making one fails, pages
show the original image instead, so a published article never has a broken one.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from pilkit.processors import ResizeToFit

FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}

logger = logging.getLogger(__name__)


class Rendition(ImageSpec):
    options = {"quality": 80}

    def __init__(self, source: File, *, width: int, image_format: str) -> None:
        super().__init__(source=source)
        self.width = width
        self.format = image_format

    @property
    def processors(self):
        return [ResizeToFit(width=self.width, upscale=False)]


@dataclass(frozen=True)
class Picture:
    src: str
    webp_srcset: str
    jpeg_srcset: str
    # The largest JPEG, the one `width` and `height` describe: for link previews.
    largest_jpeg: str
    width: int
    height: int


def rendition_widths(original_width: int) -> list[int]:
    widths = [w for w in settings.NEWS_RENDITION_WIDTHS if w < original_width]
    largest = min(original_width, max(settings.NEWS_RENDITION_WIDTHS))
    if largest not in widths:
        widths.append(largest)
    return widths


def _cache_file(source: File, width: int, image_format: str) -> ImageCacheFile:
    return ImageCacheFile(
        Rendition(source, width=width, image_format=FORMATS[image_format]),
        name=_rendition_name(source.name, width, image_format),
    )


@lru_cache(maxsize=1024)
def _rendition_name(source_name: str, width: int, image_format: str) -> str:
    """imagekit's name for a rendition, which depends on nothing else: a hash of the
    pickled processing steps, slow enough to matter on every page that shows the image."""
    rendition = Rendition(
        File(None, name=source_name), width=width, image_format=FORMATS[image_format]
    )
    return rendition.cachefile_name


def generate_renditions(source: File, original_width: int) -> bool:
    """Make the renditions that are missing; False (and the error logged) if one could not
    be made, in which case pages show the original image (``original``)."""
    try:
        for width in rendition_widths(original_width):
            for image_format in FORMATS:
                rendition = _cache_file(source, width, image_format)
                # The storage is asked, not imagekit's note in the cache, which can say that
                # a rendition exists when it was deleted or its generation failed halfway.
                if not rendition.storage.exists(rendition.name):
                    rendition.generate(force=True)
    except Exception:
        logger.exception("Could not make the renditions of %s: the original is shown", source.name)
        return False
    return True


def picture(source: File, original_width: int, original_height: int) -> Picture:
    widths = rendition_widths(original_width)
    urls = {
        (width, image_format): _cache_file(source, width, image_format).url
        for width in widths
        for image_format in FORMATS
    }
    srcsets = {
        image_format: ", ".join(f"{urls[width, image_format]} {width}w" for width in widths)
        for image_format in FORMATS
    }
    display_width = widths[-1]
    # Browsers without srcset support get a mid-sized JPEG.
    fallback_width = widths[len(widths) // 2]
    return Picture(
        src=urls[fallback_width, "jpeg"],
        webp_srcset=srcsets["webp"],
        jpeg_srcset=srcsets["jpeg"],
        largest_jpeg=urls[display_width, "jpeg"],
        width=display_width,
        height=round(original_height * display_width / original_width),
    )


def original(source: File, width: int, height: int) -> Picture:
    """The uploaded image itself, for when its renditions are not there."""
    # A model's image knows its storage; an image named in an article's body is a File.
    url = getattr(source, "storage", default_storage).url(source.name)
    return Picture(
        src=url,
        webp_srcset="",
        jpeg_srcset="",
        largest_jpeg=url,
        width=width,
        height=height,
    )
