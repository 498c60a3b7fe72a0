import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.utils.translation import gettext as _

# "IMG_1234.jpg", "bild.png", "DSC0042" say nothing to a screen-reader user.
FILE_NAME_LIKE = re.compile(
    r"(\.(jpe?g|png|gif|webp|avif|tiff?|bmp|heic|svg)\s*$)|^(img|dsc|dscn|pxl|screenshot)[-_ ]?\d+",
    re.IGNORECASE,
)


def validate_alt_text(value: str) -> None:
    if FILE_NAME_LIKE.search(value.strip()):
        raise ValidationError(
            _(
                "The alternative text looks like a file name. Describe what the image shows "
                "instead."
            ),
            code="alt_text_file_name",
        )


def validate_image_upload(file) -> None:
    """Refuse uploads that are too large in bytes or in pixels before anything is stored."""
    # A stored file was checked when it was uploaded, as Django's forms.ImageField checks only
    # new uploads. Saving an article with its image untouched must not read the file again:
    # by then ImageField has measured it and closed it, and later limits would lock editors
    # out of older articles.
    if getattr(file, "_committed", False):
        return
    max_bytes = settings.NEWS_IMAGE_MAX_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            _("The image is too large: at most %(max)s MB is allowed."),
            code="image_too_large",
            params={"max": max_bytes // (1024 * 1024)},
        )
    width, height = get_image_dimensions(file)
    if width is None or height is None:
        raise ValidationError(
            _("The file is not an image we can use. Upload a JPEG, PNG or WebP image."),
            code="invalid_image",
        )
    if width * height > settings.NEWS_IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image has too many pixels: at most %(max)s megapixels are allowed."),
            code="image_too_many_pixels",
            params={"max": settings.NEWS_IMAGE_MAX_PIXELS // 1_000_000},
        )
