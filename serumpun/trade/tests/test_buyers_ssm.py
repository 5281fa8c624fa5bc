"""SSM registration numbers as buyers type them: normalised, then checked (no database)."""

from __future__ import annotations

import pytest

from serumpun.trade.actions_buyers import is_valid_ssm, normalise_ssm


@pytest.mark.parametrize(
    ("typed", "stored", "valid"),
    [
        ("201901012345", "201901012345", True),  # the 12-digit form since 2019
        ("2019 0101 2345", "201901012345", True),  # spaces people type
        ("201901-012345", "201901012345", True),  # a hyphen between the parts
        ("2019–01–012345", "201901012345", True),  # en dashes from a word processor
        (" 201906000001 ", "201906000001", True),  # type 06 (the last entity type)
        ("123456-X", "123456-X", True),  # the older form
        ("123456 x", "123456-X", True),  # lower case, a space instead of the hyphen
        ("123456X", "123456-X", True),  # no separator at all
        ("1234567‐a", "1234567-A", True),  # a Unicode hyphen, seven digits
        ("201907012345", "201907012345", False),  # entity type 07 does not exist
        ("20190101234", "20190101234", False),  # eleven digits
        ("2019010123456", "2019010123456", False),  # thirteen digits
        ("12345678-X", "12345678X", False),  # eight digits in the old form
        ("123456-XY", "123456XY", False),  # two check letters
        ("ABCDEFGHIJKL", "ABCDEFGHIJKL", False),
        ("", "", False),
    ],
)
def test_it_normalises_and_checks_ssm_numbers(typed, stored, valid):
    assert normalise_ssm(typed) == stored
    assert is_valid_ssm(normalise_ssm(typed)) is valid


def test_employers_and_buyers_share_one_normalisation():
    from serumpun.labour.forms_manage import EmployerProfileForm

    form = EmployerProfileForm()
    form.cleaned_data = {"ssm_number": "123456 x"}
    assert form.clean_ssm_number() == normalise_ssm("123456 x") == "123456-X"
