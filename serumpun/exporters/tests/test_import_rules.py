"""The pure side of registry imports: messy cells, header mapping, row errors, the upsert plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serumpun.exporters.rules.identifiers import normalise_phone
from serumpun.exporters.rules.importing import (
    CellError,
    CleaningContext,
    RowError,
    _indonesian_mobile,
    apply_plan,
    auto_map,
    clean_row,
    clean_table,
    column_letter,
    column_names,
    field_for_header,
    find_header_row,
    parse_amount,
    parse_count,
    parse_date,
    parse_email,
    parse_kbli,
    parse_nib,
    parse_npwp,
    parse_phone,
    parse_year,
    plan_upsert,
)
from serumpun.exporters.rules.regions import (
    RegencyAlias,
    RegencyName,
    RegencyResolver,
    region_key,
)

LAMPUNG = (
    RegencyName("1801", "Lampung Barat"),
    RegencyName("1802", "Tanggamus"),
    RegencyName("1803", "Lampung Selatan"),
    RegencyName("1804", "Lampung Timur"),
    RegencyName("1805", "Lampung Tengah"),
    RegencyName("1806", "Lampung Utara"),
    RegencyName("1807", "Way Kanan"),
    RegencyName("1808", "Tulangbawang"),
    RegencyName("1809", "Pesawaran"),
    RegencyName("1810", "Pringsewu"),
    RegencyName("1811", "Mesuji"),
    RegencyName("1812", "Tulang Bawang Barat"),
    RegencyName("1813", "Pesisir Barat"),
    RegencyName("1871", "Kota Bandar Lampung"),
    RegencyName("1872", "Kota Metro"),
)
ALIASES = (
    RegencyAlias("LAMBAR", "1801"),
    RegencyAlias("LAMTIM", "1804"),
    RegencyAlias("TUBA", "1808"),
    RegencyAlias("TUBABA", "1812"),
    RegencyAlias("PESIBAR", "1813"),
    RegencyAlias("BALAM", "1871"),
)
RESOLVER = RegencyResolver(LAMPUNG, ALIASES)
CONTEXT = CleaningContext(regencies=RESOLVER, as_of_year=2026)


# --- Single cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Kab. Lampung Barat", "1801"),
        ("Lampung Barat", "1801"),
        ("KABUPATEN LAMPUNG BARAT", "1801"),
        ("LAMBAR", "1801"),
        ("lambar", "1801"),
        ("Kota Bandar Lampung", "1871"),
        ("Bandar Lampung", "1871"),
        ("BandarLampung", "1871"),
        ("BALAM", "1871"),
        ("Kab Tulang Bawang Barat", "1812"),
        ("TUBABA", "1812"),
        ("Tubaba", "1812"),
        ("Tulang Bawang", "1808"),
        ("Kab.Tulangbawang", "1808"),
        ("Metro", "1872"),
        ("Kota Metro", "1872"),
        ("WAYKANAN", "1807"),
        ("  Way   Kanan ", "1807"),
        ("1813", "1813"),
    ],
)
def test_regency_variants_resolve(written, code):
    assert RESOLVER.resolve(written) == code


@pytest.mark.parametrize("written", ["Jakarta", "", "Kabupaten", "LAMBARU X"])
def test_unknown_regencies_resolve_to_nothing(written):
    assert RESOLVER.resolve(written) is None


def test_a_near_miss_is_suggested_and_a_far_one_is_not():
    assert RESOLVER.suggest("Lampung Timor") == "1804"
    assert RESOLVER.suggest("Surabaya") is None


def test_an_alias_for_an_unknown_regency_is_refused():
    with pytest.raises(ValueError, match="unknown regency"):
        RegencyResolver(LAMPUNG, (RegencyAlias("XX", "9999"),))


def test_region_key_drops_kind_words_accents_and_spaces():
    assert region_key("Kab. Pésisir  Barat") == "pesisirbarat"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        (81234567890, "+6281234567890"),  # a number cell lost the leading 0
        (6281234567890.0, "+6281234567890"),
        ("(0721) 701234", "+62721701234"),
    ],
)
def test_phone_forms_become_e164(cell, expected):
    assert parse_phone(cell) == expected


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(["", "0", "62", "+62", "+62 ", "0 "]),
    digits=st.text(alphabet="0123456789", min_size=6, max_size=14).map(
        lambda d: "8" + d
    ),
)
def test_the_fast_mobile_path_agrees_with_normalise_phone(prefix, digits):
    written = prefix + digits
    fast = _indonesian_mobile(written)
    try:
        slow = normalise_phone(written)
    except ValueError:
        slow = None
    assert fast is None or fast == slow


@pytest.mark.parametrize("cell", ["123", "abc", "0812", 12.5, True])
def test_bad_phones_are_errors(cell):
    with pytest.raises(CellError) as raised:
        parse_phone(cell)
    assert raised.value.code == "phone_invalid"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.000.000", Decimal(1_000_000)),
        ("1,000,000", Decimal(1_000_000)),
        ("Rp 1.000.000", Decimal(1_000_000)),
        ("Rp. 250.000,-", Decimal(250_000)),
        ("IDR 2,500,000", Decimal(2_500_000)),
        ("1.000.000,50", Decimal(1_000_001)),  # rupiah are whole; halves round up
        ("1,000,000.49", Decimal(1_000_000)),
        ("1.500", Decimal(1500)),  # a single group of three digits is thousands
        ("1,5 M", Decimal(1_500_000_000)),  # M is miliar in Indonesian lists
        ("2 juta", Decimal(2_000_000)),
        ("750 rb", Decimal(750_000)),
        ("0", Decimal(0)),
        (1_000_000, Decimal(1_000_000)),
        (1e6, Decimal(1_000_000)),
        (Decimal("12.5"), Decimal(13)),
    ],
)
def test_amounts_with_separators_and_units(cell, expected):
    assert parse_amount(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("abc", "number_invalid"),
        ("1.2.3", "number_invalid"),
        ("12 dollars", "number_invalid"),
        ("-5", "number_negative"),
        ("1" + "0" * 19, "number_too_large"),
        (dt.date(2020, 1, 1), "number_invalid"),
        (True, "number_invalid"),
    ],
)
def test_bad_amounts_are_errors(cell, code):
    with pytest.raises(CellError) as raised:
        parse_amount(cell)
    assert raised.value.code == code


def test_counts_must_be_whole():
    assert parse_count("1.200") == 1200
    assert parse_count(12.0) == 12
    with pytest.raises(CellError) as raised:
        parse_count("2,5")
    assert raised.value.code == "whole_number"
    with pytest.raises(CellError):
        parse_count("3000000000")  # above the column's range


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12/05/2015", dt.date(2015, 5, 12)),
        ("1-2-2019", dt.date(2019, 2, 1)),
        ("31.12.2020", dt.date(2020, 12, 31)),
        ("2019-02-01", dt.date(2019, 2, 1)),
        ("12/05/2015 00:00:00", dt.date(2015, 5, 12)),
        (dt.datetime(2015, 5, 12, 0, 0), dt.date(2015, 5, 12)),  # noqa: DTZ001 (a spreadsheet cell)
    ],
)
def test_dates_are_day_first(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2020", "2020", "next year", "13/13/2013"])
def test_bad_dates_are_errors(cell):
    with pytest.raises(CellError):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        ("2015", 2015),
        (2015, 2015),
        (2015.0, 2015),
        ("12/05/2015", 2015),
        (dt.date(2001, 1, 1), 2001),
    ],
)
def test_founding_year_from_a_year_or_a_date(cell, year):
    assert parse_year(cell, as_of_year=2026) == year


@pytest.mark.parametrize("cell", ["1850", "2027", "abc", True])
def test_founding_year_out_of_range(cell):
    with pytest.raises(CellError) as raised:
        parse_year(cell, as_of_year=2026)
    assert raised.value.code in {"year_invalid", "date_invalid"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("9120 0012 3456 7", "9120001234567"),
        ("9120-001-234-567", "9120001234567"),
        (9120001234567, "9120001234567"),
        (9120001234567.0, "9120001234567"),
    ],
)
def test_nib_with_spaces_or_as_a_number(cell, expected):
    assert parse_nib(cell) == expected


@pytest.mark.parametrize(
    "cell", ["912000123456", "91200012345678", "9120A01234567", 9.12e12 + 0.5]
)
def test_bad_nibs(cell):
    with pytest.raises(CellError) as raised:
        parse_nib(cell)
    assert raised.value.code in {"nib_invalid", "invalid"}


def test_npwp_kbli_and_email():
    assert parse_npwp("01.234.567.8-901.000") == "012345678901000"
    assert parse_kbli(1111) == "01111"  # a number cell lost the leading 0
    assert parse_kbli("10761") == "10761"
    assert parse_email("Kopi@Example.ID") == "Kopi@example.id"
    for parse, cell in [
        (parse_npwp, "123"),
        (parse_kbli, "107"),
        (parse_email, "kopi@"),
    ]:
        with pytest.raises(CellError):
            parse(cell)


# --- Headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama Usaha", "name"),
        ("NAMA USAHA", "name"),
        ("nama_usaha", "name"),
        ("Nama Pemilik", "owner_name"),
        ("No HP", "phone"),
        ("No. HP", "phone"),
        ("Telepon", "phone"),
        ("Kabupaten/Kota", "regency"),
        ("Kab/Kota", "regency"),
        ("Omzet", "annual_turnover_idr"),
        ("Omzet (Rp)", "annual_turnover_idr"),
        ("Omset per Tahun", "annual_turnover_idr"),
        ("Aset", "assets_idr"),
        ("Aset (Rp)", "assets_idr"),
        ("Tahun Berdiri", "established_year"),
        ("Jumlah Tenaga Kerja", "employees"),
        ("E-mail", "email"),
        ("NIB", "nib"),
        ("Keterangan", None),
    ],
)
def test_indonesian_headers_map_to_our_fields(header, field):
    assert field_for_header(header) == field


def test_auto_map_takes_the_first_column_of_each_field():
    mapping = auto_map(["No", "Nama Usaha", "No HP", "Telepon", "Kab/Kota"])
    assert mapping == {"name": "Nama Usaha", "phone": "No HP", "regency": "Kab/Kota"}


def test_header_below_a_title_row_is_found():
    rows = [
        ["DAFTAR UMKM KABUPATEN LAMPUNG BARAT 2025", None, None],
        [None, None, None],
        ["NIB", "Nama Usaha", "No HP"],
        ["9120001234567", "CV Kopi", "0812"],
    ]
    assert find_header_row(rows) == 2


def test_column_names_are_unique_and_never_blank():
    assert column_names(["Nama", None, "Nama", " "]) == ["Nama", "B", "Nama (2)", "D"]
    assert column_letter(27) == "AB"


# --- Rows and tables ---------------------------------------------------------------------------

HEADERS = [
    "NIB",
    "Nama Usaha",
    "Nama Pemilik",
    "No HP",
    "Kabupaten/Kota",
    "Omzet",
    "Aset",
]
MAPPING = auto_map(HEADERS)


def good_cells(nib="9120001234567", phone="0812-3456-7890"):
    return [
        nib,
        "CV Kopi Liwa",
        "Siti",
        phone,
        "LAMBAR",
        "Rp 1.200.000.000",
        "450.000.000",
    ]


def test_a_messy_row_is_cleaned():
    values = dict(zip(MAPPING, good_cells(nib="9120 0012 3456 7"), strict=True))
    assert clean_row(2, values, columns=MAPPING, context=CONTEXT) == {
        "nib": "9120001234567",
        "name": "CV Kopi Liwa",
        "owner_name": "Siti",
        "phone": "+6281234567890",
        "regency_id": "1801",
        "annual_turnover_idr": Decimal(1_200_000_000),
        "assets_idr": Decimal(450_000_000),
    }


def test_row_errors_name_the_row_and_the_files_column():
    cells = good_cells(phone="12")
    cells[4] = "Lampung Timor"
    cells[1] = ""
    values = dict(zip(MAPPING, cells, strict=True))
    errors = clean_row(7, values, columns=MAPPING, context=CONTEXT)
    assert errors == [
        RowError(7, "Nama Usaha", "required"),
        RowError(7, "No HP", "phone_invalid"),
        RowError(7, "Kabupaten/Kota", "regency_unknown_suggest"),
    ]
    assert errors[2].params == {"value": "Lampung Timor", "suggestion": "Lampung Timur"}


def test_blank_optional_cells_are_left_out():
    cells = good_cells()
    cells[5] = cells[6] = "  "
    values = dict(zip(MAPPING, cells, strict=True))
    clean = clean_row(2, values, columns=MAPPING, context=CONTEXT)
    assert "annual_turnover_idr" not in clean
    assert "assets_idr" not in clean


def test_a_repeated_nib_is_an_error_on_the_second_row_only():
    rows = [
        (2, good_cells()),
        (3, good_cells(phone="0813 1111 2222")),
        (4, good_cells(nib="9120001234568")),
    ]
    cleaner = clean_table(rows, headers=HEADERS, mapping=MAPPING, context=CONTEXT)
    assert [row["nib"] for row in cleaner.rows] == ["9120001234567", "9120001234568"]
    assert cleaner.errors == [RowError(3, "NIB", "nib_repeated")]
    assert cleaner.errors[0].params == {"first_row": 2}
    assert (cleaner.total_rows, cleaner.error_rows, cleaner.ok) == (3, 1, False)


def test_blank_rows_are_skipped_but_keep_the_numbering():
    rows = [(2, ["", None, "", "", "", "", ""]), (3, good_cells(phone="bad"))]
    cleaner = clean_table(rows, headers=HEADERS, mapping=MAPPING, context=CONTEXT)
    assert cleaner.total_rows == 1
    assert [e.row for e in cleaner.errors] == [3]


def test_an_unmapped_required_column_is_one_error_at_the_header():
    mapping = {k: v for k, v in MAPPING.items() if k != "phone"}
    cleaner = clean_table(
        [(2, good_cells())], headers=HEADERS, mapping=mapping, context=CONTEXT
    )
    assert cleaner.errors == [RowError(1, "phone", "column_missing")]
    assert not cleaner.ok


def test_short_rows_are_padded_with_blanks():
    cleaner = clean_table(
        [(2, good_cells()[:5])], headers=HEADERS, mapping=MAPPING, context=CONTEXT
    )
    assert cleaner.ok
    assert "assets_idr" not in cleaner.rows[0]


# --- The upsert plan ---------------------------------------------------------------------------


def derive(values):
    return {
        "size_class": "micro" if (values.get("assets_idr") or 0) <= 1000 else "small"
    }


def test_plan_creates_updates_changed_fields_and_counts_unchanged():
    existing = {
        "1": {
            "nib": "1",
            "phone": "+62811",
            "assets_idr": Decimal(5),
            "size_class": "micro",
        },
        "2": {
            "nib": "2",
            "phone": "+62812",
            "assets_idr": Decimal(5),
            "size_class": "micro",
        },
    }
    rows = [
        {"nib": "1", "phone": "+62811"},
        {"nib": "2", "phone": "+62899", "assets_idr": Decimal(5000)},
        {"nib": "3", "phone": "+62813"},
    ]
    plan = plan_upsert(rows, existing, derive=derive)
    assert plan.unchanged == 1
    assert plan.updates == [
        ("2", {"phone": "+62899", "assets_idr": Decimal(5000), "size_class": "small"})
    ]
    assert plan.creates == [{"nib": "3", "phone": "+62813", "size_class": "micro"}]


nibs = st.integers(min_value=0, max_value=30).map(lambda n: f"{n:013d}")
records = st.fixed_dictionaries(
    {"nib": nibs},
    optional={
        "phone": st.sampled_from(["+62811", "+62812", "+62813"]),
        "assets_idr": st.integers(min_value=0, max_value=5000).map(Decimal),
        "name": st.text(max_size=5),
    },
)


@settings(max_examples=200, deadline=None)
@given(
    existing_rows=st.lists(records, max_size=15, unique_by=lambda r: r["nib"]),
    rows=st.lists(records, max_size=15, unique_by=lambda r: r["nib"]),
)
def test_importing_twice_is_importing_once(existing_rows, rows):
    existing = {r["nib"]: {**r, **derive(r)} for r in existing_rows}
    once = apply_plan(existing, plan_upsert(rows, existing, derive=derive))
    second = plan_upsert(rows, once, derive=derive)
    assert second.creates == []
    assert second.updates == []
    assert second.unchanged == len(rows)
    assert apply_plan(once, second) == once
    for row in rows:  # every stated value landed
        assert {k: once[row["nib"]][k] for k in row} == row
