"""NIK (Nomor Induk Kependudukan), the 16-digit Indonesian population number: read, check, mask.

Layout: digits 1-2 province, 3-4 regency or city (together a BPS regency code such as
"1801"), 5-6 district, 7-12 birth date as DDMMYY with 40 added to the day for women,
13-16 a serial number from 0001. The NIK carries no century, so the reader picks the one
that puts the birth date on or before `today` and the person at most 100 years old.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

NIK_LENGTH = 16
VISIBLE_DIGITS = 4
FEMALE_DAY_OFFSET = 40
MAX_AGE_YEARS = 100
_NIK = re.compile(r"[0-9]{16}")
_WHITESPACE = re.compile(r"\s+")


class NikError(ValueError):
    """Why a NIK is not acceptable: a stable `code`, the input `field` to blame, English text.

    Codes: "format" (not 16 digits), "region" (unknown regency or district 00), "date" (the
    digits hold no possible birth date), "serial" (0000), and from `check_nik`: "birth_date"
    and "gender" when the NIK disagrees with the birth date or sex given alongside it.
    """

    def __init__(self, code: str, message: str, *, field: str = "nik") -> None:
        self.code = code
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK says about its holder."""

    nik: str
    regency_code: str
    district_code: str
    birth_date: date
    gender: str  # "female" | "male"


def parse_nik(nik: str, *, regency_codes: Collection[str], today: date) -> NikInfo:
    """Read a NIK (spaces allowed); raise `NikError` with the first problem found."""
    digits = _digits(nik)
    region_problem = _region_problem(digits, regency_codes)
    if region_problem:
        raise region_problem
    day, gender = _day_and_gender(digits)
    birth_date = _birth_date(day, int(digits[8:10]), int(digits[10:12]), today)
    serial_problem = _serial_problem(digits)
    if serial_problem:
        raise serial_problem
    return NikInfo(
        nik=digits,
        regency_code=digits[:4],
        district_code=digits[4:6],
        birth_date=birth_date,
        gender=gender,
    )


def check_nik(
    nik: str,
    *,
    birth_date: date,
    gender: str,
    regency_codes: Collection[str],
    today: date,
) -> list[NikError]:
    """Every way the NIK is invalid or disagrees with the birth date and sex given; [] if none."""
    try:
        digits = _digits(nik)
    except NikError as error:
        return [error]
    errors = [
        problem
        for problem in (_region_problem(digits, regency_codes), _serial_problem(digits))
        if problem is not None
    ]
    try:
        day, nik_gender = _day_and_gender(digits)
        month, year = int(digits[8:10]), int(digits[10:12])
        _birth_date(day, month, year, today)
    except NikError as error:
        errors.append(error)
        return errors
    # Compare the digits themselves: a century the NIK cannot express is not a disagreement.
    if (day, month, year) != (birth_date.day, birth_date.month, birth_date.year % 100):
        errors.append(
            NikError(
                "birth_date",
                "The birth date in the NIK does not match the birth date given.",
                field="birth_date",
            )
        )
    if nik_gender != gender:
        errors.append(
            NikError(
                "gender",
                "The sex encoded in the NIK does not match the sex given.",
                field="gender",
            )
        )
    return errors


def mask_nik(nik: object) -> str:
    """`"************1234"`: 12 stars and the last 4 digits; never raises.

    Odd input keeps the length 16 and shows at most its last 4 characters; input too short
    to hide anything shows nothing.
    """
    text = _WHITESPACE.sub("", nik) if isinstance(nik, str) else ""
    hidden = NIK_LENGTH - VISIBLE_DIGITS
    if len(text) < 2 * VISIBLE_DIGITS:
        return "*" * NIK_LENGTH
    return "*" * hidden + text[-VISIBLE_DIGITS:]


def _digits(nik: str) -> str:
    digits = _WHITESPACE.sub("", nik) if isinstance(nik, str) else ""
    if not _NIK.fullmatch(digits):
        raise NikError("format", "A NIK has exactly 16 digits.")
    return digits


def _region_problem(digits: str, regency_codes: Collection[str]) -> NikError | None:
    if digits[:4] not in regency_codes:
        return NikError(
            "region", "The NIK's first four digits are not a known regency."
        )
    if digits[4:6] == "00":
        return NikError("region", "The NIK's district digits (5-6) cannot be 00.")
    return None


def _serial_problem(digits: str) -> NikError | None:
    if digits[12:] == "0000":
        return NikError(
            "serial", "The NIK's serial number (digits 13-16) cannot be 0000."
        )
    return None


def _day_and_gender(digits: str) -> tuple[int, str]:
    day = int(digits[6:8])
    if day > FEMALE_DAY_OFFSET:
        return day - FEMALE_DAY_OFFSET, "female"
    return day, "male"


def _birth_date(day: int, month: int, year: int, today: date) -> date:
    """The most recent real date with these digits, not after `today`, within 100 years."""
    latest = (
        today.year - (today.year - year) % 100
    )  # the last year ending in these digits
    for full_year in (latest, latest - 100):
        try:
            candidate = date(full_year, month, day)
        except ValueError:
            continue
        if candidate <= today and _age_years(candidate, today) <= MAX_AGE_YEARS:
            return candidate
    raise NikError("date", "The NIK's digits 7-12 are not a possible birth date.")


def _age_years(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday
