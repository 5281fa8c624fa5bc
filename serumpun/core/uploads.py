"""Checking uploaded documents for every app: type by content, size under the cap.

The type is judged from the first bytes, never from the name or the browser's Content-Type,
so a renamed executable is refused. Everything is capped at settings.SERUMPUN_MAX_UPLOAD_BYTES
(5 MB by default): above it `UploadTooLarge`, which views and the API answer with HTTP 413.
Photos have their own, stricter path in `serumpun.exporters.images`.

Stored uploads go back out only through `private_file_response`, after the view's own
access check.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

#: (magic bytes, content type, extension) of the document types accepted
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
class CheckedDocument:
    """A document whose type was recognised from its first bytes."""

    content: bytes
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    """The size cap for every upload (settings.SERUMPUN_MAX_UPLOAD_BYTES)."""
    return int(getattr(settings, "SERUMPUN_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def read_capped(upload: Any) -> bytes:
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


def check_document(
    upload: Any, *, field: str = "document", message: str | None = None
) -> CheckedDocument:
    """A PDF, JPEG or PNG recognised by its magic bytes and under the size cap.

    Raises UploadTooLarge above the cap and ValidationError({field: message}) for any other
    type.
    """
    data = read_capped(upload)
    for magic, content_type, extension in DOCUMENT_MAGIC:
        if data.startswith(magic):
            return CheckedDocument(
                content=data, content_type=content_type, extension=extension
            )
    raise ValidationError(
        {field: message or _("Upload the document as a PDF, JPEG or PNG file.")}
    )


def private_file_response(
    file_field: Any,
    *,
    as_attachment: bool,
    content_type: str | None = None,
    filename: str | None = None,
) -> FileResponse:
    """Serve a stored upload the view has already checked the reader may see.

    The browser is told not to sniff the type (X-Content-Type-Options: nosniff). The type is
    `content_type` when the record stored it, else guessed from the stored name (the actions
    store files under the extension their content was sniffed as), else
    application/octet-stream. Content-Disposition is "inline" or, with `as_attachment`,
    "attachment", with the stored file's own name unless `filename` names another; an empty
    `filename` offers no name at all. A row whose file is gone (a restored backup) is a 404.
    """
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = PurePath(file_field.name).name if filename is None else filename
    guessed = mimetypes.guess_type(file_field.name)[0]
    response = FileResponse(
        handle,
        content_type=content_type or guessed or "application/octet-stream",
        as_attachment=as_attachment,
        filename=name,
    )
    if not name:
        response["Content-Disposition"] = "attachment" if as_attachment else "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
