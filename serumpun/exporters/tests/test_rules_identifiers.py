"""NIB, NPWP and phone normalisation (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serumpun.exporters.rules.identifiers import (
    normalise_nib,
    normalise_npwp,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9120001234567", "9120001234567"),
        (" 9120 0012 34567 ", "9120001234567"),
        ("9120-001-234-567", "9120001234567"),
    ],
)
def test_it_keeps_the_thirteen_digits_of_an_nib(raw, expected):
    assert normalise_nib(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "912000123456",
        "91200012345678",
        "91200012345A7",
        "",
        "９１２０００１２３４５６７",
    ],
)
def test_it_rejects_an_nib_of_the_wrong_length_or_with_letters(raw):
    with pytest.raises(ValueError, match="NIB"):
        normalise_nib(raw)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_thirteen_digits_are_an_nib_unchanged(digits):
    assert normalise_nib(digits) == digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01.234.567.8-901.000", "012345678901000"),
        ("3171234567890123", "3171234567890123"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_it_accepts_old_and_new_npwp_forms(raw, expected):
    assert normalise_npwp(raw) == expected


@pytest.mark.parametrize("raw", ["12345678901234", "1234567890123456X", "12.345"])
def test_it_rejects_a_malformed_npwp(raw):
    with pytest.raises(ValueError, match="NPWP"):
        normalise_npwp(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "81234567890",
        "(0812) 34567890",
        "0062 812 3456 7890",
    ],
)
def test_it_stores_every_indonesian_phone_form_as_e164(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_it_keeps_a_landline_with_its_area_code():
    assert normalise_phone("(0721) 123456") == "+62721123456"


def test_it_keeps_a_malaysian_number():
    assert normalise_phone("+60 12-345 6789") == "+60123456789"


@pytest.mark.parametrize("raw", ["", "abc", "0812", "12", "+62 000"])
def test_it_rejects_what_is_not_a_phone_number(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)
