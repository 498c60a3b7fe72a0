"""Responsive renditions of uploaded images: a few widths, in WebP and JPEG, of the whole
image and of crops to fixed ratios (16:9 for the article's hero, 4:3 and 16:9 for search
engines, 1.91:1 for link previews) that keep the image's focal point in view.

Renditions are generated when an image is saved (imagekit's optimistic
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
from pilkit.processors import ResizeToFill, ResizeToFit

FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
# Width over height of each crop.
RATIOS = {"16:9": 16 / 9, "4:3": 4 / 3, "1.91:1": 1.91}
# The crop pages show (the article's hero), in every width and format.
DISPLAY_RATIO = "16:9"
# Crops only others show, as one JPEG each: search engines (schema.org image, which
# Google asks for in 16:9 and 4:3) and link previews (Open Graph, 1.91:1 at the 1,200
# pixels Facebook and LinkedIn ask for).
SINGLE_RATIOS = {"4:3": 1600, "1.91:1": 1200}
SHARE_RATIO = "1.91:1"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Crop:
    """A cut of an image to ``ratio`` (a key of RATIOS), ``whole_width`` of the original's
    pixels wide, placed by ``anchor``: pilkit's fractions of the room left over across
    and down (0 keeps the left or top edge)."""

    ratio: str
    whole_width: int
    anchor: tuple[float, float] = (0.5, 0.5)

    def height(self, width: int) -> int:
        return round(width / RATIOS[self.ratio])


def crop_for(
    ratio: str, width: int, height: int, focal_x: float | None, focal_y: float | None
) -> Crop:
    """The largest crop to ``ratio`` of a ``width`` x ``height`` image that has the focal
    point as near its middle as the image's edges allow (the middle without one)."""
    crop_width = int(min(width, height * RATIOS[ratio]))
    crop_height = crop_width / RATIOS[ratio]

    def anchor(focal: float | None, size: int, crop_size: float) -> float:
        room = size - crop_size
        if focal is None or room < 1:
            return 0.5
        # Where the crop's near edge goes to centre the focal point, as a share of the room.
        return round(min(max((focal * size - crop_size / 2) / room, 0.0), 1.0), 3)

    return Crop(
        ratio,
        crop_width,
        (anchor(focal_x, width, crop_width), anchor(focal_y, height, crop_height)),
    )


class Rendition(ImageSpec):
    options = {"quality": 80}

    def __init__(
        self, source: File, *, width: int, image_format: str, crop: Crop | None = None
    ) -> None:
        super().__init__(source=source)
        self.width = width
        self.format = image_format
        self.crop = crop

    @property
    def processors(self):
        if self.crop:
            return [
                ResizeToFill(
                    self.width, self.crop.height(self.width), anchor=self.crop.anchor, upscale=False
                )
            ]
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


def _cache_file(
    source: File, width: int, image_format: str, crop: Crop | None = None
) -> ImageCacheFile:
    return ImageCacheFile(
        Rendition(source, width=width, image_format=FORMATS[image_format], crop=crop),
        name=_rendition_name(source.name, width, image_format, crop),
    )


@lru_cache(maxsize=1024)
def _rendition_name(
    source_name: str, width: int, image_format: str, crop: Crop | None = None
) -> str:
    """imagekit's name for a rendition, which depends on nothing else: a hash of the
    pickled processing steps, slow enough to matter on every page that shows the image.
    A crop's anchor is part of the hash: a moved focal point gives new files."""
    rendition = Rendition(
        File(None, name=source_name), width=width, image_format=FORMATS[image_format], crop=crop
    )
    return rendition.cachefile_name


def renditions_of(
    width: int, crops: tuple[Crop, ...] = (), *, whole: bool = True
) -> list[tuple[int, str, Crop | None]]:
    """Every rendition of an image ``width`` pixels wide, as (width, format, crop): of
    the whole image (unless not ``whole``) and of each of ``crops``: every width and
    format of the crop pages show, one JPEG of the others."""
    made = []
    if whole:
        made += [
            (w, image_format, None) for w in rendition_widths(width) for image_format in FORMATS
        ]
    for crop in crops:
        if crop.ratio in SINGLE_RATIOS:
            made.append((min(SINGLE_RATIOS[crop.ratio], crop.whole_width), "jpeg", crop))
        else:
            made += [
                (w, image_format, crop)
                for w in rendition_widths(crop.whole_width)
                for image_format in FORMATS
            ]
    return list(dict.fromkeys(made))


def rendition_names(
    source_name: str, width: int, crops: tuple[Crop, ...] = (), *, whole: bool = True
) -> list[str]:
    """The storage names of an image's renditions (for deleting them)."""
    return [
        _rendition_name(source_name, w, image_format, crop)
        for w, image_format, crop in renditions_of(width, crops, whole=whole)
    ]


def generate_renditions(source: File, original_width: int, crops: tuple[Crop, ...] = ()) -> bool:
    """Make the renditions that are missing (of the whole image, and of each of
    ``crops``); False (and the error logged) if one could not be made, in which case
    pages show the original image (``original``)."""
    try:
        for width, image_format, crop in renditions_of(original_width, crops):
            rendition = _cache_file(source, width, image_format, crop)
            # The storage is asked, not imagekit's note in the cache, which can say that
            # a rendition exists when it was deleted or its generation failed halfway.
            if not rendition.storage.exists(rendition.name):
                rendition.generate(force=True)
    except Exception:
        logger.exception("Could not make the renditions of %s: the original is shown", source.name)
        return False
    return True


def picture(
    source: File, original_width: int, original_height: int, crop: Crop | None = None
) -> Picture:
    """The renditions of the whole image, or of ``crop`` (which generate_renditions made)."""
    if crop:
        original_width, original_height = crop.whole_width, crop.height(crop.whole_width)
    widths = rendition_widths(original_width)
    urls = {
        (width, image_format): _cache_file(source, width, image_format, crop).url
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
        # A crop's renditions are cut to its ratio; the whole image's keep the original's.
        height=(
            crop.height(display_width)
            if crop
            else round(original_height * display_width / original_width)
        ),
    )


def single_image(source: File, crop: Crop) -> Picture:
    """The one JPEG of a crop to one of SINGLE_RATIOS, at its width or smaller for a small
    image."""
    width = min(SINGLE_RATIOS[crop.ratio], crop.whole_width)
    return _one_file(_cache_file(source, width, "jpeg", crop).url, width, crop.height(width))


def original(source: File, width: int, height: int) -> Picture:
    """The uploaded image itself, for when its renditions are not there."""
    # A model's image knows its storage; an image named in an article's body is a File.
    return _one_file(getattr(source, "storage", default_storage).url(source.name), width, height)


def _one_file(url: str, width: int, height: int) -> Picture:
    """A picture of a single file, without a srcset."""
    return Picture(
        src=url, webp_srcset="", jpeg_srcset="", largest_jpeg=url, width=width, height=height
    )
