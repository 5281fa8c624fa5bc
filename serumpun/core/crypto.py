"""Field-level encryption of personal data (SEC-01) and keyed look-up hashes.

Values such as a NIK or a passport number are stored as AES-256-GCM ciphertext, so a raw
database dump shows no personal data. Because encryption is randomised, an equality look-up
uses a separate "blind index" column: an HMAC-SHA256 of the normalised value under a key
derived from the same secret. Both keys come from settings.FIELD_ENCRYPTION_KEY (32 random
bytes, URL-safe base64) through HKDF, each for its own purpose.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

CIPHERTEXT_PREFIX = "v1:"
NONCE_BYTES = 12  # the GCM standard nonce size
MIN_KEY_BYTES = 32


class DecryptionError(ValueError):
    """A stored value could not be decrypted: wrong key, or tampered ciphertext."""


def _decode_key(raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not URL-safe base64"
        ) from exc
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must hold at least 32 bytes")
    return key


@cache
def _derived_key(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        _decode_key(secret)
    )


def _encryption_key() -> bytes:
    return _derived_key(settings.FIELD_ENCRYPTION_KEY, b"serumpun field encryption v1")


def _index_key() -> bytes:
    return _derived_key(settings.FIELD_ENCRYPTION_KEY, b"serumpun blind index v1")


def encrypt(plaintext: str) -> str:
    """Encrypt text; the result is ASCII, prefixed with its format version."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_encryption_key()).encrypt(nonce, plaintext.encode(), None)
    return CIPHERTEXT_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    """Decrypt a value made by `encrypt`."""
    if not token.startswith(CIPHERTEXT_PREFIX):
        raise DecryptionError("not a Serumpun ciphertext")
    try:
        blob = base64.urlsafe_b64decode(token[len(CIPHERTEXT_PREFIX) :])
        nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return AESGCM(_encryption_key()).decrypt(nonce, sealed, None).decode()
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("the value cannot be decrypted with this key") from exc


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value, for exact look-ups on an encrypted field."""
    normalised = "".join(value.split()).upper()
    return hmac.new(_index_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, visible: int = 4, char: str = "*") -> str:
    """Hide all but the last `visible` characters ("************1234")."""
    if len(value) <= visible:
        return char * len(value)
    return char * (len(value) - visible) + value[-visible:]


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; Python code sees plain text.

    It cannot be filtered on: pair it with a CharField holding `blind_index(value)`.
    """

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> str | None:
        # An empty value is stored as is (an unset or erased field), never as ciphertext.
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return encrypt(str(value))
