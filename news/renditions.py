"""Responsive renditions of uploaded images: a few widths, in WebP and JPEG.

Renditions are generated when an article is saved (imagekit's optimistic
strategy); building their URLs while a page renders touches neither the disk
nor the database.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from pilkit.processors import ResizeToFit

FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}


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
    return ImageCacheFile(Rendition(source, width=width, image_format=FORMATS[image_format]))


def generate_renditions(source: File, original_width: int) -> None:
    for width in rendition_widths(original_width):
        for image_format in FORMATS:
            _cache_file(source, width, image_format).generate()


def picture(source: File, original_width: int, original_height: int) -> Picture:
    widths = rendition_widths(original_width)
    srcsets = {
        image_format: ", ".join(
            f"{_cache_file(source, width, image_format).url} {width}w" for width in widths
        )
        for image_format in FORMATS
    }
    display_width = widths[-1]
    # Browsers without srcset support get a mid-sized JPEG.
    fallback_width = widths[len(widths) // 2]
    return Picture(
        src=_cache_file(source, fallback_width, "jpeg").url,
        webp_srcset=srcsets["webp"],
        jpeg_srcset=srcsets["jpeg"],
        largest_jpeg=_cache_file(source, display_width, "jpeg").url,
        width=display_width,
        height=round(original_height * display_width / original_width),
    )
