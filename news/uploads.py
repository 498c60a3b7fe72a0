"""What is kept of an uploaded image: its pixels, turned upright, without metadata.

Photos carry EXIF data (the camera, the time, often the GPS position of where they were
taken) and XMP and comments written by editing programs. None of it is for visitors, so a
new upload is decoded and encoded again before it is stored; its renditions are made from
that copy. When the image is deleted, its file and its renditions go too.
"""

import io
import logging
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import models
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from PIL import ImageOps

from .renditions import Crop, rendition_names

logger = logging.getLogger(__name__)

# High enough that editors see no loss; the renditions visitors load are smaller.
ENCODE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}
# What is needed to show the pixels as they were: the colour profile and PNG transparency.
KEPT_INFO = ("icc_profile", "transparency")


def without_metadata(upload: File) -> ContentFile:
    """The image re-encoded in its own format, upright, with none of its metadata.

    Expects an upload that ``validators.validate_image_upload`` accepted: a JPEG, PNG or
    WebP image within the pixel limit, which is now decoded.
    """
    upload.seek(0)
    try:
        with PillowImage.open(upload) as image:
            # A JPEG with extra frames (MPO) is stored as its first frame, the photo.
            image_format = "JPEG" if image.format == "MPO" else image.format
            kept = {key: image.info[key] for key in KEPT_INFO if image.info.get(key)}
            # Applies the EXIF orientation, so the image stays the way the camera showed it
            # once the orientation tag is gone.
            upright = ImageOps.exif_transpose(image)
    except Exception as error:
        # A file Pillow verified can still fail to decode, as a truncated JPEG does.
        raise ValidationError(
            _("The file is not an image we can use. Upload a JPEG, PNG or WebP image."),
            code="image_not_usable",
        ) from error
    finally:
        upload.seek(0)
    # Pillow writes some of what it read (comments, XMP) back when it saves.
    upright.info = {}
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **ENCODE_OPTIONS[image_format], **kept)
    return ContentFile(buffer.getvalue(), name=posixpath.basename(upload.name))


class UploadedImageField(models.ImageField):
    """An image field that stores new uploads through ``without_metadata``.

    The model's full_clean() (which every admin form runs) replaces the upload after the
    field's validators accepted it; the width and height fields then describe the upright
    image.
    """

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        if value and not value._committed:
            return without_metadata(value)
        return value


def delete_with_renditions(
    storage: Storage,
    name: str,
    width: int | None,
    crops: tuple[Crop, ...] = (),
    *,
    keep_original: bool = False,
) -> None:
    """Delete the uploaded image ``name`` (``width`` pixels wide) and its renditions, of
    the whole image and of ``crops``, from storage (only the crops' with
    ``keep_original``). Files already gone are no error; a storage that fails is logged,
    not raised: the image is already deleted in the database, and a left-over file harms
    no one."""
    # The renditions' names are computed as news.renditions names them (their hash covers
    # the source's name and the spec), not listed: "bild.png" and "bild.jpg" in the same
    # month have renditions of the same stem.
    names = rendition_names(name, width, crops, whole=not keep_original) if width else []
    if not keep_original:
        names.insert(0, name)
    try:
        for stored in names:
            storage.delete(stored)
    except Exception:
        logger.exception("Could not delete %s and its renditions: left in storage", name)
