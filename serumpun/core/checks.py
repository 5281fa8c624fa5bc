"""System checks that refuse an unsafe production configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_LENGTH = 50
MIN_SECRET_DISTINCT_CHARS = 5  # Django's own W009 threshold


@register(Tags.security, deploy=False)
def production_configuration(app_configs: Any, **kwargs: Any) -> list[Error]:
    """In production: DEBUG off, a real SECRET_KEY, an encryption key and allowed hosts."""
    if not settings.PRODUCTION:
        return []
    errors = []
    if settings.DEBUG:
        errors.append(
            Error("DEBUG is on in production.", hint="Set DEBUG=0.", id="serumpun.E001")
        )
    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # Django refuses to even read an empty SECRET_KEY
        key = ""
    if (
        len(key) < MIN_SECRET_LENGTH
        or key.startswith("django-insecure")
        or len(set(key)) < MIN_SECRET_DISTINCT_CHARS
    ):
        errors.append(
            Error(
                "SECRET_KEY is missing or weak in production.",
                hint="Set SECRET_KEY to at least 50 random characters.",
                id="serumpun.E002",
            )
        )
    if not _encryption_key_is_usable():
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEY is missing or unusable in production.",
                hint="Set FIELD_ENCRYPTION_KEY (32 random bytes, URL-safe base64).",
                id="serumpun.E003",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty in production.",
                hint="Set ALLOWED_HOSTS.",
                id="serumpun.E004",
            )
        )
    return errors


def _encryption_key_is_usable() -> bool:
    from serumpun.core.crypto import _decode_key

    try:
        _decode_key(settings.FIELD_ENCRYPTION_KEY or "")
    except ImproperlyConfigured:
        return False
    return True
