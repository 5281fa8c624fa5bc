"""NIK: parse, cross-check with the birth date and sex given, mask."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serumpun.labour.rules.nik import NikError, NikInfo, check_nik, mask_nik, parse_nik

REGENCIES = frozenset({"1801", "1871", "1807", "3171"})
TODAY = date(2026, 3, 1)


def build_nik(regency, district, birth_date, gender, serial):
    day = birth_date.day + (40 if gender == "female" else 0)
    return (
        f"{regency}{district:02d}{day:02d}{birth_date.month:02d}"
        f"{birth_date.year % 100:02d}{serial:04d}"
    )


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        (
            "1871015708900003",
            NikInfo("1871015708900003", "1871", "01", date(1990, 8, 17), "female"),
        ),
        (
            "1801021708900001",
            NikInfo("1801021708900001", "1801", "02", date(1990, 8, 17), "male"),
        ),
        (
            "1871 0157 0890 0003",
            NikInfo("1871015708900003", "1871", "01", date(1990, 8, 17), "female"),
        ),
        (
            " 3171010101000001\n",
            NikInfo("3171010101000001", "3171", "01", date(2000, 1, 1), "male"),
        ),
        # century: 20YY while not after today, else 19YY
        (
            "1801010103260001",
            NikInfo("1801010103260001", "1801", "01", date(2026, 3, 1), "male"),
        ),
        (
            "1801010203260001",
            NikInfo("1801010203260001", "1801", "01", date(1926, 3, 2), "male"),
        ),
        (
            "1801016902000001",
            NikInfo("1801016902000001", "1801", "01", date(2000, 2, 29), "female"),
        ),
        (
            "1801013112999999",
            NikInfo("1801013112999999", "1801", "01", date(1999, 12, 31), "male"),
        ),
    ],
)
def test_it_reads_a_valid_nik(nik, expected):
    assert parse_nik(nik, regency_codes=REGENCIES, today=TODAY) == expected


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("", "format"),
        ("187101570890000", "format"),  # 15 digits
        ("18710157089000031", "format"),  # 17 digits
        ("18710157O8900003", "format"),  # a letter O
        ("187101570890000٣", "format"),  # an Arabic-Indic digit
        ("1871-0157-0890-0003", "format"),
        ("9999015708900003", "region"),  # unknown regency
        ("1871005708900003", "region"),  # district 00
        ("1871010008900003", "date"),  # day 00
        ("1871013208900003", "date"),  # day 32
        ("1871014008900003", "date"),  # day 40: neither a man's nor a woman's day
        ("1871017208900003", "date"),  # day 72 = 32 for a woman
        ("1871011513900003", "date"),  # month 13
        ("1871013002900003", "date"),  # 30 February
        ("1871012902250003", "date"),  # 29 Feb 2025 and 1925: neither is a leap year
        ("1871011708900000", "serial"),
        ("1801010103260000", "serial"),
    ],
)
def test_it_names_what_is_wrong(nik, code):
    with pytest.raises(NikError) as caught:
        parse_nik(nik, regency_codes=REGENCIES, today=TODAY)

    assert caught.value.code == code
    assert caught.value.field == "nik"
    assert str(caught.value)  # an English message for logs; callers translate by code


@pytest.mark.parametrize(
    ("nik", "today", "born"),
    [
        ("1801010103260001", date(2026, 3, 1), date(2026, 3, 1)),  # born today
        (
            "1801010203260001",
            date(2026, 3, 1),
            date(1926, 3, 2),
        ),  # 2026 is tomorrow: 99 years old
        ("1801010203260001", date(2026, 3, 2), date(2026, 3, 2)),
        ("1801013112990001", date(2026, 3, 1), date(1999, 12, 31)),
        ("1801013112990001", date(2100, 1, 1), date(2099, 12, 31)),
    ],
)
def test_it_picks_the_century_that_is_not_in_the_future(nik, today, born):
    assert parse_nik(nik, regency_codes=REGENCIES, today=today).birth_date == born


def test_29_february_without_a_leap_year_in_reach_is_impossible():
    # read in 1999: 2000-02-29 is in the future and 1900 was not a leap year
    with pytest.raises(NikError) as caught:
        parse_nik("1801012902000001", regency_codes=REGENCIES, today=date(1999, 6, 1))

    assert caught.value.code == "date"
    assert parse_nik(
        "1801012902000001", regency_codes=REGENCIES, today=TODAY
    ).birth_date == date(2000, 2, 29)


# --- check_nik: every disagreement --------------------------------------------------

BORN = date(1990, 8, 17)


def test_a_nik_that_agrees_has_no_errors():
    assert (
        check_nik(
            "1871015708900003",
            birth_date=BORN,
            gender="female",
            regency_codes=REGENCIES,
            today=TODAY,
        )
        == []
    )


def test_it_reports_birth_date_and_sex_together():
    errors = check_nik(
        "1871011708900003",
        birth_date=date(1990, 8, 18),
        gender="female",
        regency_codes=REGENCIES,
        today=TODAY,
    )

    assert [(e.code, e.field) for e in errors] == [
        ("birth_date", "birth_date"),
        ("gender", "gender"),
    ]


@pytest.mark.parametrize(
    ("birth_date", "gender", "codes"),
    [
        (date(1990, 8, 17), "female", []),
        (date(1990, 8, 17), "male", ["gender"]),
        (date(1991, 8, 17), "female", ["birth_date"]),
        (date(1990, 9, 17), "female", ["birth_date"]),
        (date(1990, 8, 16), "female", ["birth_date"]),
        (date(1890, 8, 17), "female", []),  # the NIK cannot tell centuries apart
    ],
)
def test_each_field_is_compared(birth_date, gender, codes):
    errors = check_nik(
        "1871015708900003",
        birth_date=birth_date,
        gender=gender,
        regency_codes=REGENCIES,
        today=TODAY,
    )

    assert [e.code for e in errors] == codes


def test_structural_problems_are_all_reported():
    errors = check_nik(
        "9999005708900000",
        birth_date=BORN,
        gender="female",
        regency_codes=REGENCIES,
        today=TODAY,
    )

    assert [e.code for e in errors] == ["region", "serial"]


def test_an_impossible_date_is_reported_instead_of_a_mismatch():
    errors = check_nik(
        "1871013502900003",
        birth_date=BORN,
        gender="male",
        regency_codes=REGENCIES,
        today=TODAY,
    )

    assert [e.code for e in errors] == ["date"]


def test_a_malformed_nik_is_one_format_error():
    errors = check_nik(
        "12345", birth_date=BORN, gender="male", regency_codes=REGENCIES, today=TODAY
    )

    assert [e.code for e in errors] == ["format"]


# --- mask -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("1871015708900003", "************0003"),
        ("1871 0157 0890 0003", "************0003"),
        ("", "****************"),
        ("123", "****************"),
        ("1234567", "****************"),
        ("12345678", "************5678"),
        ("18710157089000031234", "************1234"),
        (None, "****************"),
        (1871015708900003, "****************"),
    ],
)
def test_mask(value, masked):
    assert mask_nik(value) == masked


# --- properties -----------------------------------------------------------------------


@st.composite
def valid_niks(draw):
    today = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
    # strictly under 100 years old: a 100-year-old's NIK reads like a newborn's
    hundred_years_ago = (
        date(today.year - 100, 3, 1)
        if (today.month, today.day) == (2, 29)
        else today.replace(year=today.year - 100)
    )
    birth_date = draw(
        st.dates(min_value=hundred_years_ago + timedelta(days=1), max_value=today)
    )
    gender = draw(st.sampled_from(["female", "male"]))
    regency = draw(st.sampled_from(sorted(REGENCIES)))
    district = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    nik = build_nik(regency, district, birth_date, gender, serial)
    return today, nik, NikInfo(nik, regency, f"{district:02d}", birth_date, gender)


@given(valid_niks())
def test_building_then_parsing_returns_the_same_person(case):
    today, nik, expected = case

    assert parse_nik(nik, regency_codes=REGENCIES, today=today) == expected
    assert (
        check_nik(
            nik,
            birth_date=expected.birth_date,
            gender=expected.gender,
            regency_codes=REGENCIES,
            today=today,
        )
        == []
    )


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_mask_keeps_only_the_last_four_digits(nik):
    masked = mask_nik(nik)

    assert len(masked) == 16
    assert masked == "*" * 12 + nik[-4:]


@given(st.one_of(st.text(), st.none(), st.integers(), st.binary()))
def test_mask_never_raises_and_never_shows_more_than_four(value):
    masked = mask_nik(value)

    assert len(masked) == 16
    assert masked[:12] == "*" * 12
    if isinstance(value, str) and masked[12:] != "****":
        assert masked[12:] == "".join(value.split())[-4:]
