"""Checking and cleaning uploads: product photos and certificate documents.

The type is judged from the content, never from the name or the browser's Content-Type: a
photo must open and verify with Pillow as JPEG, PNG or WebP; a document must start with the
magic bytes of a PDF, JPEG or PNG. Photos are re-encoded (which drops EXIF, GPS position
included) and get a thumbnail of at most 320 px. Everything is capped at
settings.SERUMPUN_MAX_UPLOAD_BYTES (5 MB by default): above it `UploadTooLarge` (HTTP 413).
Pillow's decompression-bomb guard is made strict: a picture over MAX_PIXELS is refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
THUMBNAIL_PX = 320
JPEG_QUALITY = 85
#: 40 megapixels: well above any phone camera, well below what exhausts a small server
MAX_PIXELS = 40_000_000

PHOTO_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
DOCUMENT_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class UploadTooLarge(Exception):  # noqa: N818 (the name the contract fixes)
    """An upload above the size cap (HTTP 413)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"upload of {size} bytes exceeds {limit}")
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo re-encoded without metadata, and its thumbnail, in the same format."""

    image: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedDocument:
    """A certificate document whose type was recognised from its first bytes."""

    content: bytes
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    """The size cap for every upload (settings.SERUMPUN_MAX_UPLOAD_BYTES)."""
    return int(getattr(settings, "SERUMPUN_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _read_capped(upload: Any) -> bytes:
    """The upload's bytes, refusing more than the cap without reading it all into memory."""
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadTooLarge(size, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    handle: IO[bytes] = upload
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(len(data), limit)
    return data


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
    data = _read_capped(upload)
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
    data = _read_capped(upload)
    for magic, content_type, extension in DOCUMENT_MAGIC:
        if data.startswith(magic):
            return CheckedDocument(
                content=data, content_type=content_type, extension=extension
            )
    raise _refuse("document", _("Upload the certificate as a PDF, JPEG or PNG file."))
