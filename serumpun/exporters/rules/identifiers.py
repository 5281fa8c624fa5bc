"""Indonesian business identifiers: NIB, NPWP and phone numbers, normalised for storage.

NIB (Nomor Induk Berusaha) is the 13-digit business number issued through OSS; NPWP (Nomor
Pokok Wajib Pajak) the tax number, 15 digits (old form, often written 12.345.678.9-012.345) or
16 digits (since 2024 the NIK-based form). Phones are stored E.164. Each normaliser returns the
stored form or raises ValueError with a message the caller shows next to the field.
"""

from __future__ import annotations

import re

import phonenumbers

NIB_LENGTH = 13
NPWP_LENGTHS = (15, 16)
INDONESIA = "ID"

# Separators people type inside numbers: spaces, dots, dashes, slashes, parentheses.
_SEPARATORS = re.compile(r"[\s.\-/()]+")


def _strip_separators(raw: str) -> str:
    return _SEPARATORS.sub("", raw.strip())


def normalise_nib(raw: str) -> str:
    """The 13 digits of an NIB; separators are dropped, letters or another length refused."""
    digits = _strip_separators(raw)
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("NIB must contain digits only.")
    if len(digits) != NIB_LENGTH:
        raise ValueError(f"NIB must have {NIB_LENGTH} digits.")
    return digits


def normalise_npwp(raw: str) -> str:
    """The 15 or 16 digits of an NPWP, or "" when none is given."""
    digits = _strip_separators(raw)
    if not digits:
        return ""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("NPWP must contain digits only.")
    if len(digits) not in NPWP_LENGTHS:
        raise ValueError("NPWP must have 15 or 16 digits.")
    return digits


def normalise_phone(raw: str) -> str:
    """An Indonesian phone number in E.164 ("+6281234567890").

    Accepts the forms found in real lists: 0812…, +62 812…, 62812…, 812… and separators.
    Numbers with another country code (+60 for Malaysia) are kept when valid.
    """
    text = raw.strip()
    compact = _strip_separators(text)
    if not compact:
        raise ValueError("Enter a phone number.")
    if compact.startswith("62") and compact.isdigit():
        compact = "+" + compact  # 62812… written without the plus
    elif compact.startswith("00") and compact.isdigit():
        compact = "+" + compact[2:]  # international dialling prefix
    try:
        number = phonenumbers.parse(compact, INDONESIA)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("This is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("This is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
