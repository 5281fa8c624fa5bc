"""Uploads: type from content, EXIF stripped, thumbnails, size cap, documents by magic bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent
from serumpun.exporters import actions, images
from serumpun.exporters.images import UploadTooLarge
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def picture(
    fmt: str = "PNG", size: tuple[int, int] = (800, 600), exif: bool = True
) -> bytes:
    image = Image.new("RGB", size, (120, 80, 40))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[MAKE] = "PhoneCam"
        tags[GPS_IFD] = {1: "S", 2: (5.0, 27.0, 0.0)}  # near Bandar Lampung
        image.save(out, fmt, exif=tags.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_png_with_exif_comes_back_without_it_and_with_a_thumbnail():
    original = picture("PNG")
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really carries EXIF

    processed = images.process_photo(upload(original))

    cleaned = Image.open(io.BytesIO(processed.image))
    assert cleaned.format == "PNG"
    assert not cleaned.getexif()
    assert (processed.width, processed.height) == (800, 600)
    thumb = Image.open(io.BytesIO(processed.thumbnail))
    assert max(thumb.size) == images.THUMBNAIL_PX
    assert not thumb.getexif()


def test_a_jpeg_loses_its_gps_position():
    processed = images.process_photo(upload(picture("JPEG"), "p.jpg", "image/jpeg"))
    cleaned = Image.open(io.BytesIO(processed.image))
    assert cleaned.format == "JPEG"
    assert GPS_IFD not in cleaned.getexif()
    assert processed.content_type == "image/jpeg"


def test_an_executable_renamed_jpg_is_refused():
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    with pytest.raises(ValidationError) as caught:
        images.process_photo(upload(elf, "photo.jpg", "image/jpeg"))
    assert "image" in caught.value.message_dict


def test_a_truncated_picture_is_refused():
    broken = picture("PNG", exif=False)[:100]
    with pytest.raises(ValidationError):
        images.process_photo(upload(broken))


def test_a_gif_is_not_an_allowed_photo_type():
    with pytest.raises(ValidationError):
        images.process_photo(upload(picture("GIF", exif=False), "p.gif", "image/gif"))


def test_an_oversized_upload_is_too_large(settings):
    settings.SERUMPUN_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UploadTooLarge) as caught:
        images.process_photo(upload(picture("PNG", size=(400, 400)) + b"\x00" * 1000))
    assert caught.value.limit == 1000


def test_a_picture_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError):
        images.process_photo(upload(picture("PNG", size=(101, 100), exif=False)))


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7\n%...", "application/pdf"),
        (picture("PNG", exif=False), "image/png"),
        (picture("JPEG", exif=False), "image/jpeg"),
    ],
)
def test_certificate_documents_are_recognised_by_magic_bytes(data, content_type):
    assert images.check_document(upload(data, "cert.bin")).content_type == content_type


def test_a_document_of_another_type_is_refused():
    with pytest.raises(ValidationError) as caught:
        images.check_document(upload(b"MZ\x90\x00 windows exe", "cert.pdf"))
    assert "document" in caught.value.message_dict


@pytest.mark.django_db
def test_the_photo_action_stores_files_under_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = make_user(Role.MSME_OWNER)
    product = ProductFactory(msme=MSMEFactory(organisation=owner.organisation))

    photo = actions.add_product_photo(
        by=owner, product=product, upload=upload(picture())
    )

    assert photo.image.name.startswith("private/photos/")
    assert photo.thumbnail.name.startswith("private/thumbs/")
    stored = Path(tmp_path, photo.image.name)
    assert not Image.open(stored).getexif()
    assert photo.size_bytes == stored.stat().st_size
    assert AuditEvent.objects.filter(
        action="exporters.photo.added", object_id=str(photo.pk)
    ).exists()
    second = actions.add_product_photo(
        by=owner, product=product, upload=upload(picture())
    )
    assert second.position == 1


@pytest.mark.django_db
def test_the_certificate_action_refuses_a_fake_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = make_user(Role.MSME_OWNER)
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ValidationError):
        actions.record_certificate(
            by=owner,
            msme=msme,
            fields={
                "kind": "halal",
                "number": "1",
                "issuer": "BPJPH",
                "valid_until": "2030-01-01",
            },
            document=upload(b"#!/bin/sh\nrm -rf /", "halal.pdf", "application/pdf"),
        )
    assert not msme.certificates.exists()
