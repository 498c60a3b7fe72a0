import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

# "IMG_1234.jpg", "bild.png", "DSC0042" say nothing to a screen-reader user.
FILE_NAME_LIKE = re.compile(
    r"(\.(jpe?g|png|gif|webp|avif|tiff?|bmp|heic|svg)\s*$)|^(img|dsc|dscn|pxl|screenshot)[-_ ]?\d+",
    re.IGNORECASE,
)
# What the site accepts, by file name extension: what Pillow must find in the file.
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


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
    """Refuse uploads that are too large in bytes or in pixels, or that are not the JPEG,
    PNG or WebP image their name says, before anything is stored or decoded."""
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
    # Not Django's code "invalid_image": a ModelForm would replace the text with its vaguer
    # "Upload a valid image".
    not_usable = ValidationError(
        _("The file is not an image we can use. Upload a JPEG, PNG or WebP image."),
        code="image_not_usable",
    )
    extension = file.name.rpartition(".")[2].lower()
    file.seek(0)
    try:
        # Reads the header only; verify() checks the rest without decoding the pixels.
        with PillowImage.open(file) as image:
            image_format, (width, height) = image.format, image.size
            # Pillow calls a JPEG with extra frames (a camera's preview, a phone's depth
            # map) MPO; the first frame is the photo.
            if image_format == "MPO":
                image_format = "JPEG"
            if image_format != IMAGE_FORMATS.get(extension):
                raise not_usable
            if width * height > settings.NEWS_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image has too many pixels: at most %(max)s megapixels are allowed."),
                    code="image_too_many_pixels",
                    params={"max": settings.NEWS_IMAGE_MAX_PIXELS // 1_000_000},
                )
            image.verify()
    except ValidationError:
        raise
    except Exception as error:
        # Pillow says what it cannot read in many ways (OSError, SyntaxError, a
        # DecompressionBombError, struct errors), as Django's forms.ImageField knows.
        raise not_usable from error
    finally:
        file.seek(0)
