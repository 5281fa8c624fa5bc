"""Checking and cleaning uploads: product photos and certificate documents.

The type is judged from the content, never from the name or the browser's Content-Type: a
photo must open and verify with Pillow as JPEG, PNG or WebP; a document must start with the
magic bytes of a PDF, JPEG or PNG. Photos are re-encoded (which drops EXIF, GPS position
included) and get a thumbnail of at most 320 px. Everything is capped at
settings.SERUMPUN_MAX_UPLOAD_BYTES (5 MB by default): above it `UploadTooLarge` (HTTP 413).
The size cap and the document check are shared with other apps in `serumpun.core.uploads`.
Pillow's decompression-bomb guard is made strict: a picture over MAX_PIXELS is refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from serumpun.core import uploads
from serumpun.core.uploads import (
    DEFAULT_MAX_UPLOAD_BYTES,
    CheckedDocument,
    UploadTooLarge,
    max_upload_bytes,
    read_capped,
)

__all__ = [
    "DEFAULT_MAX_UPLOAD_BYTES",
    "CheckedDocument",
    "ProcessedPhoto",
    "UploadTooLarge",
    "check_document",
    "max_upload_bytes",
    "process_photo",
]

THUMBNAIL_PX = 320
JPEG_QUALITY = 85
#: 40 megapixels: well above any phone camera, well below what exhausts a small server
MAX_PIXELS = 40_000_000

PHOTO_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo re-encoded without metadata, and its thumbnail, in the same format."""

    image: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _open_verified(data: bytes) -> Image.Image:
    """Open `data` as an allowed picture, or raise ValidationError({"image": …})."""
    not_a_picture = _refuse("image", _("Upload a JPEG, PNG or WebP picture."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=list(PHOTO_FORMATS))
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse("image", _("This picture has too many pixels."))
            probe.verify()
            # verify() leaves the image unusable; open again to decode it
            image = Image.open(io.BytesIO(data), formats=list(PHOTO_FORMATS))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise not_a_picture from exc
    return image


def _encode(image: Image.Image, format_name: str) -> bytes:
    out = io.BytesIO()
    if format_name == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif format_name == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    return out.getvalue()


def process_photo(upload: Any) -> ProcessedPhoto:
    """Check a photo upload and return it re-encoded (no EXIF) with a ≤320 px thumbnail."""
    data = read_capped(upload)
    image = _open_verified(data)
    format_name = str(image.format)
    content_type, extension = PHOTO_FORMATS[format_name]
    # Apply the camera's rotation before the EXIF that records it is dropped.
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    clean = upright.copy()  # a fresh image carries no info/EXIF from the original
    clean.info = {}
    thumb = clean.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    return ProcessedPhoto(
        image=_encode(clean, format_name),
        thumbnail=_encode(thumb, format_name),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )


def check_document(upload: Any) -> CheckedDocument:
    """Check a certificate scan: PDF, JPEG or PNG by its magic bytes, under the size cap."""
    return uploads.check_document(
        upload,
        field="document",
        message=_("Upload the certificate as a PDF, JPEG or PNG file."),
    )
