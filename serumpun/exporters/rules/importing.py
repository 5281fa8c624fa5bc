"""Reading a provincial MSME list: its columns, their mapping, row cleaning and the upsert plan.

Provincial offices keep their UMKM lists in spreadsheets written by many hands, so a cell may
hold "0812-3456-7890", "+62 812 3456 7890" or 81234567890 (a spreadsheet dropped the 0),
"Kab. Lampung Barat" or "LAMBAR", "Rp 1.000.000" or "1,000,000", a founding date 12/05/2015
where a year was asked. This module turns such rows into clean MSME field values or into
`RowError`s that name the row (as the spreadsheet numbers it: the header is row 1), the
column (as the file calls it) and a message code the caller translates.

Blank optional cells are left out of the clean values, so an import never erases what an
owner or officer entered; only values the file states are compared and written.

Pure: no Django, no database, no clock (the current year is passed in).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import phonenumbers

from serumpun.exporters.rules.identifiers import (
    INDONESIA,
    normalise_nib,
    normalise_npwp,
    normalise_phone,
)
from serumpun.exporters.rules.regions import RegencyResolver

#: what a cell may hold: text from CSV, typed values from XLSX
Cell = str | int | float | Decimal | date | datetime | bool | None
#: clean MSME field values, keyed by model field name (regency as "regency_id")
CleanRow = dict[str, Any]

#: header rows are looked for among the first rows (lists often open with a title)
HEADER_SEARCH_ROWS = 10
#: a row is the header when at least this many of its cells name one of our fields
HEADER_MIN_MATCHES = 2
FIRST_YEAR = 1900
#: the money columns are DecimalField(max_digits=18, decimal_places=0)
MAX_AMOUNT = Decimal(10) ** 18 - 1
#: employees is a PositiveIntegerField (32-bit on every database)
MAX_COUNT = 2_147_483_647
#: KBLI 2020 codes of an establishment are five digits (the "kelompok" level)
KBLI_LENGTH = 5
EMAIL_MAX_LENGTH = 254


@dataclass(frozen=True)
class ImportField:
    """One MSME field an import can fill, how the template heads it and what else it is called."""

    key: str
    template_header: str
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()


# Template headers are Indonesian: the file format is the provincial offices'. The aliases
# are the headers seen in real lists (and English ones); matching ignores case, accents,
# spaces and punctuation, and the words "Rp"/"IDR".
IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "nib",
        "NIB",
        required=True,
        aliases=("Nomor Induk Berusaha", "No NIB", "Nomor NIB", "NIB OSS"),
    ),
    ImportField(
        "name",
        "Nama Usaha",
        required=True,
        max_length=200,
        aliases=(
            "Name",
            "Legal name",
            "Business name",
            "Nama Perusahaan",
            "Nama UMKM",
            "Nama UKM",
            "Nama Badan Usaha",
            "Nama Pelaku Usaha",
        ),
    ),
    ImportField(
        "brand_name",
        "Merek",
        max_length=200,
        aliases=(
            "Brand",
            "Brand name",
            "Merk",
            "Nama Merek",
            "Nama Merk",
            "Nama Dagang",
        ),
    ),
    ImportField(
        "owner_name",
        "Nama Pemilik",
        required=True,
        max_length=150,
        aliases=(
            "Owner",
            "Owner name",
            "Pemilik",
            "Penanggung Jawab",
            "Nama Penanggung Jawab",
        ),
    ),
    ImportField(
        "phone",
        "No HP",
        required=True,
        aliases=(
            "Phone",
            "Telephone",
            "Mobile",
            "Nomor HP",
            "HP",
            "Telepon",
            "Telp",
            "No Telp",
            "No Telepon",
            "Nomor Telepon",
            "No HP/WA",
            "No WA",
            "WhatsApp",
            "Kontak",
        ),
    ),
    ImportField(
        "regency",
        "Kabupaten/Kota",
        required=True,
        aliases=(
            "Regency",
            "Regency or city",
            "City",
            "Kabupaten",
            "Kota",
            "Kab/Kota",
            "Kab Kota",
            "Kota/Kabupaten",
        ),
    ),
    ImportField(
        "address",
        "Alamat",
        max_length=300,
        aliases=("Address", "Alamat Usaha", "Alamat Lengkap"),
    ),
    ImportField("npwp", "NPWP", aliases=("No NPWP", "Nomor NPWP", "Tax number")),
    ImportField(
        "established_year",
        "Tahun Berdiri",
        aliases=(
            "Established",
            "Established year",
            "Year established",
            "Tahun Pendirian",
            "Tahun Mulai Usaha",
            "Mulai Usaha",
            "Tanggal Berdiri",
        ),
    ),
    ImportField(
        "employees",
        "Jumlah Tenaga Kerja",
        aliases=(
            "Employees",
            "Tenaga Kerja",
            "Jumlah Karyawan",
            "Karyawan",
            "Jumlah Pekerja",
            "Jumlah TK",
        ),
    ),
    ImportField(
        "annual_turnover_idr",
        "Omzet per Tahun (Rp)",
        aliases=(
            "Annual turnover",
            "Turnover",
            "Omzet",
            "Omset",
            "Omzet Tahunan",
            "Omset per Tahun",
            "Omset Tahunan",
            "Penjualan per Tahun",
        ),
    ),
    ImportField(
        "assets_idr",
        "Aset (Rp)",
        aliases=(
            "Assets",
            "Asset",
            "Aset",
            "Nilai Aset",
            "Total Aset",
            "Modal Usaha",
            "Kekayaan Bersih",
        ),
    ),
    ImportField(
        "kbli_code",
        "KBLI",
        aliases=("KBLI code", "Kode KBLI", "KBLI 2020", "Kode KBLI 2020"),
    ),
    ImportField(
        "email",
        "Email",
        max_length=EMAIL_MAX_LENGTH,
        aliases=("E-mail", "Surel", "Alamat Email", "Alamat E-mail"),
    ),
)
FIELDS_BY_KEY: dict[str, ImportField] = {f.key: f for f in IMPORT_FIELDS}
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.key for f in IMPORT_FIELDS if f.required)
#: an example row for the downloadable template (a made-up business)
TEMPLATE_EXAMPLE: dict[str, str] = {
    "nib": "9120001234567",
    "name": "CV Kopi Liwa Sejahtera",
    "brand_name": "Kopi Liwa",
    "owner_name": "Siti Rahmawati",
    "phone": "0812-3456-7890",
    "regency": "Lampung Barat",
    "address": "Jl. Raya Liwa No. 12, Balik Bukit",
    "npwp": "01.234.567.8-901.000",
    "established_year": "2015",
    "employees": "8",
    "annual_turnover_idr": "1.200.000.000",
    "assets_idr": "450.000.000",
    "kbli_code": "10761",
    "email": "kopiliwa@example.id",
}

_UNIT_WORDS = ("rp", "idr", "rupiah")


def header_key(text: str) -> str:
    """The comparison key of a header: "Omzet (Rp)" and "OMZET" both → "omzet"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = [w for w in re.findall(r"[0-9a-z]+", plain) if w not in _UNIT_WORDS]
    return "".join(words)


_HEADER_KEYS: dict[str, str] = {}
for _field in IMPORT_FIELDS:
    for _name in (_field.key, _field.template_header, *_field.aliases):
        _HEADER_KEYS.setdefault(header_key(_name), _field.key)


def field_for_header(header: str) -> str | None:
    """Which of our fields a column header names, if any."""
    return _HEADER_KEYS.get(header_key(header))


def column_letter(index: int) -> str:
    """The spreadsheet letter of a zero-based column index (0 → "A", 27 → "AB")."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_names(cells: Sequence[Cell]) -> list[str]:
    """Unique, non-empty names for a header row: blanks get their letter, repeats a suffix."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = " ".join(str(cell).split()) if cell is not None else ""
        name = name or column_letter(index)
        candidate, copy = name, 2
        while candidate in seen:
            candidate, copy = f"{name} ({copy})", copy + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def find_header_row(rows: Sequence[Sequence[Cell]]) -> int:
    """Zero-based index of the header among the first rows: the first naming ≥ 2 of our fields.

    Falls back to the first non-empty row (the mapping form lets people fix the rest).
    """
    first_filled: int | None = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if first_filled is None and not all(_is_blank(cell) for cell in cells):
            first_filled = index
        matches = {field_for_header(str(c)) for c in cells if not _is_blank(c)} - {None}
        if len(matches) >= HEADER_MIN_MATCHES:
            return index
    return first_filled or 0


def auto_map(headers: Sequence[str]) -> dict[str, str]:
    """Our field → the first column whose header names it."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = field_for_header(header)
        if key is not None and key not in mapping:
            mapping[key] = header
    return mapping


# --- Errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell: row as the spreadsheet numbers it, the file's column name,
    a message code (translated by the caller) and its parameters."""

    row: int
    column: str
    message_code: str
    params: dict[str, str | int] = field(default_factory=dict, compare=False)


class CellError(ValueError):
    """A cell's value cannot be read; carries the message code and its parameters."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- Reading single cells ----------------------------------------------------------------------


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _digits_cell(cell: Cell) -> str:
    """Text of an identifier cell; spreadsheets store long numbers as int or float."""
    if isinstance(cell, bool):
        raise CellError("invalid")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if not cell.is_integer():
            raise CellError("invalid")
        return str(int(cell))
    return _text(cell)


_MULTIPLIERS: dict[str, Decimal] = {
    "rb": Decimal(1000),
    "ribu": Decimal(1000),
    "jt": Decimal(10) ** 6,
    "juta": Decimal(10) ** 6,
    "m": Decimal(10) ** 9,
    "miliar": Decimal(10) ** 9,
    "milyar": Decimal(10) ** 9,
}
_AMOUNT = re.compile(r"^(?P<number>-?[0-9][0-9.,]*)(?P<unit>[a-z]*)$")
_THOUSANDS_GROUPS = re.compile(r"^-?[0-9]{1,3}([.,][0-9]{3})+$")


def _decimal_from_text(number: str) -> Decimal:
    """Read "1.000.000", "1,000,000", "1.000.000,50", "1,5" or "2.5" as a number.

    Rupiah amounts are whole, so a single separator followed by exactly three digits is a
    thousands separator ("1.500" is fifteen hundred); with both kinds, the last is decimal.
    """
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal_mark = "." if number.rfind(".") > number.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        number = number.replace(thousands, "").replace(decimal_mark, ".")
    elif dots or commas:
        mark = "." if dots else ","
        if _THOUSANDS_GROUPS.match(number):
            number = number.replace(mark, "")
        elif number.count(mark) == 1:
            number = number.replace(mark, ".")
        else:
            raise CellError("number_invalid")
    try:
        return Decimal(number)
    except InvalidOperation as exc:
        raise CellError("number_invalid") from exc


def parse_number(cell: Cell) -> Decimal:
    """A non-negative number from "Rp 1.000.000", "1,000,000", "1,2 M" (miliar), 1e6."""
    if isinstance(cell, bool | date):
        raise CellError("number_invalid")
    if isinstance(cell, int | Decimal):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        compact = re.sub(r"\s+", "", str(cell)).lower()
        compact = re.sub(r"^(rp\.?|idr)", "", compact)
        compact = compact.removesuffix(",-").removesuffix(".-")
        match = _AMOUNT.match(compact)
        if not match or (match["unit"] and match["unit"] not in _MULTIPLIERS):
            raise CellError("number_invalid")
        value = _decimal_from_text(match["number"])
        if match["unit"]:
            value *= _MULTIPLIERS[match["unit"]]
    if not value.is_finite():
        raise CellError("number_invalid")
    if value < 0:
        raise CellError("number_negative")
    if value > MAX_AMOUNT:
        raise CellError("number_too_large")
    return value


def parse_amount(cell: Cell) -> Decimal:
    """A whole rupiah amount (rupiah have no smaller unit in use: halves round up)."""
    return parse_number(cell).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def parse_count(cell: Cell) -> int:
    """A whole, non-negative count ("12", "1.200", 12.0)."""
    value = parse_number(cell)
    if value != value.to_integral_value():
        raise CellError("whole_number")
    if value > MAX_COUNT:
        raise CellError("number_too_large")
    return int(value)


_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(cell: Cell) -> date:
    """A date from a spreadsheet date, "dd/mm/yyyy" (also with - or .) or "yyyy-mm-dd"."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell).split(" ")[0]  # "12/05/2015 00:00:00" from some exports
    try:
        if match := _DATE_DMY.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _DATE_ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError as exc:
        raise CellError("date_invalid") from exc
    raise CellError("date_invalid")


def parse_year(cell: Cell, *, as_of_year: int) -> int:
    """A founding year from 2015, "2015", 2015.0 or a founding date (dd/mm/yyyy)."""
    if isinstance(cell, bool):
        raise CellError("year_invalid", min=FIRST_YEAR, max=as_of_year)
    if isinstance(cell, date):
        year = cell.year
    else:
        text = _text(cell)
        year = int(text) if text.isdigit() else parse_date(text).year
    if not FIRST_YEAR <= year <= as_of_year:
        raise CellError("year_invalid", min=FIRST_YEAR, max=as_of_year)
    return year


def parse_kbli(cell: Cell) -> str:
    """A five-digit KBLI 2020 code; a number that lost its leading zero (1111) gets it back."""
    digits = _digits_cell(cell).replace(".", "").replace(" ", "")
    if isinstance(cell, int | float) and len(digits) == KBLI_LENGTH - 1:
        digits = "0" + digits
    if len(digits) != KBLI_LENGTH or not digits.isdigit():
        raise CellError("kbli_invalid")
    return digits


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def parse_email(cell: Cell) -> str:
    """A plausible e-mail address, its domain lower-cased."""
    text = _text(cell)
    if not _EMAIL.match(text) or len(text) > EMAIL_MAX_LENGTH:
        raise CellError("email_invalid")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


# Most phones in provincial lists are Indonesian mobiles. For those, validity is the two
# patterns of libphonenumber's own metadata (general and mobile), so checking them directly
# gives normalise_phone's answer without its full parse, the import's costliest step.
def _id_pattern(kind: str) -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(INDONESIA)
    desc = getattr(metadata, kind, None)
    pattern = getattr(desc, "national_number_pattern", None)
    if not isinstance(pattern, str):
        raise RuntimeError(f"libphonenumber has no {kind} pattern for Indonesia")
    return re.compile(pattern)


_ID_GENERAL = _id_pattern("general_desc")
_ID_MOBILE = _id_pattern("mobile")
_ID_MOBILE_WRITTEN = re.compile(r"(?:\+62|62|0)?(8[0-9]+)")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]+")


def _indonesian_mobile(text: str) -> str | None:
    """E.164 of an Indonesian mobile written 0812…, +62812…, 62812… or 812…; else None."""
    match = _ID_MOBILE_WRITTEN.fullmatch(_PHONE_SEPARATORS.sub("", text))
    if match is None:
        return None
    national = match[1]
    if _ID_GENERAL.fullmatch(national) and _ID_MOBILE.fullmatch(national):
        return f"+62{national}"
    return None


def parse_phone(cell: Cell) -> str:
    """An E.164 phone; a number cell that lost its leading 0 (81234567890) still reads."""
    try:
        text = _digits_cell(cell)
        return _indonesian_mobile(text) or normalise_phone(text)
    except ValueError as exc:
        raise CellError("phone_invalid") from exc


def parse_nib(cell: Cell) -> str:
    """The 13 digits of an NIB, written with or without spaces."""
    try:
        return normalise_nib(_digits_cell(cell))
    except ValueError as exc:
        raise CellError("nib_invalid") from exc


def parse_npwp(cell: Cell) -> str:
    """The 15 or 16 digits of an NPWP."""
    try:
        return normalise_npwp(_digits_cell(cell))
    except ValueError as exc:
        raise CellError("npwp_invalid") from exc


# --- Rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleaningContext:
    """What cleaning needs from outside: the regencies and the current year."""

    regencies: RegencyResolver
    as_of_year: int


def _clean_regency(cell: Cell, context: CleaningContext) -> str:
    text = _text(cell)
    code = context.regencies.resolve(text)
    if code is not None:
        return code
    suggestion = context.regencies.suggest(text)
    if suggestion is not None:
        name = context.regencies.name_of(suggestion)
        raise CellError("regency_unknown_suggest", value=text, suggestion=name)
    raise CellError("regency_unknown", value=text)


_READERS: dict[str, Callable[[Cell], Any]] = {
    "nib": parse_nib,
    "phone": parse_phone,
    "npwp": parse_npwp,
    "employees": parse_count,
    "annual_turnover_idr": parse_amount,
    "assets_idr": parse_amount,
    "kbli_code": parse_kbli,
    "email": parse_email,
}


def _clean_value(key: str, cell: Cell, context: CleaningContext) -> tuple[str, Any]:
    """The model field name and clean value of one non-blank cell of our field `key`."""
    reader = _READERS.get(key)
    if reader is not None:
        return key, reader(cell)
    if key == "regency":
        return "regency_id", _clean_regency(cell, context)
    if key == "established_year":
        return key, parse_year(cell, as_of_year=context.as_of_year)
    text = _text(cell)
    limit = FIELDS_BY_KEY[key].max_length
    if limit is not None and len(text) > limit:
        raise CellError("too_long", max=limit)
    return key, text


def clean_row(
    row: int,
    values: Mapping[str, Cell],
    *,
    columns: Mapping[str, str],
    context: CleaningContext,
) -> CleanRow | list[RowError]:
    """Clean one row: `values` and `columns` map our field → cell and → the file's header.

    Returns the clean values (blank optional cells left out) or every error of the row.
    """
    clean: CleanRow = {}
    errors: list[RowError] = []
    for key, cell in values.items():
        column = columns.get(key, key)
        if _is_blank(cell):
            if FIELDS_BY_KEY[key].required:
                errors.append(RowError(row, column, "required"))
            continue
        try:
            name, value = _clean_value(key, cell, context)
        except CellError as exc:
            errors.append(RowError(row, column, exc.code, dict(exc.params)))
        else:
            clean[name] = value
    for key in REQUIRED_FIELDS:
        if key not in values and key in columns:
            errors.append(RowError(row, columns[key], "required"))
    return errors or clean


@dataclass
class TableCleaner:
    """Cleans a file's rows one by one, catching repeated NIBs; `result()` when done."""

    headers: Sequence[str]
    mapping: Mapping[str, str]
    context: CleaningContext
    header_row: int = 1
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    error_rows: int = 0
    _indexes: dict[str, int] = field(init=False, default_factory=dict)
    _first_row_of_nib: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        position = {header: index for index, header in enumerate(self.headers)}
        self._indexes = {
            key: position[column]
            for key, column in self.mapping.items()
            if key in FIELDS_BY_KEY and column in position
        }
        for key in REQUIRED_FIELDS:
            if key not in self._indexes:
                self.errors.append(
                    RowError(self.header_row, key, "column_missing", {"field": key})
                )

    @property
    def mapping_complete(self) -> bool:
        """Whether every required field has a column."""
        return all(key in self._indexes for key in REQUIRED_FIELDS)

    def add(self, row: int, cells: Sequence[Cell]) -> None:
        """Clean one data row (`row` as the spreadsheet numbers it); blank rows are skipped."""
        if all(_is_blank(cell) for cell in cells):
            return
        self.total_rows += 1
        if not self.mapping_complete:
            return
        values = {
            key: cells[index] if index < len(cells) else None
            for key, index in self._indexes.items()
        }
        result = clean_row(row, values, columns=self.mapping, context=self.context)
        if isinstance(result, list):
            self.error_rows += 1
            self.errors.extend(result)
            return
        nib = result["nib"]
        first = self._first_row_of_nib.setdefault(nib, row)
        if first != row:
            self.error_rows += 1
            self.errors.append(
                RowError(row, self.mapping["nib"], "nib_repeated", {"first_row": first})
            )
            return
        self.rows.append(result)

    @property
    def ok(self) -> bool:
        """Whether the file can be committed: complete mapping, rows, and no errors."""
        return self.mapping_complete and not self.errors and bool(self.rows)


def clean_table(
    rows: Iterable[tuple[int, Sequence[Cell]]],
    *,
    headers: Sequence[str],
    mapping: Mapping[str, str],
    context: CleaningContext,
    header_row: int = 1,
) -> TableCleaner:
    """Clean all `(row number, cells)` of a table; the cleaner holds rows, errors and counts."""
    cleaner = TableCleaner(headers, mapping, context, header_row=header_row)
    for row, cells in rows:
        cleaner.add(row, cells)
    return cleaner


# --- The upsert plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class UpsertPlan:
    """What committing clean rows changes: records to create, fields to update, the rest."""

    creates: list[CleanRow]
    updates: list[tuple[str, CleanRow]]  # (nib, only the fields that change)
    unchanged: int


def plan_upsert(
    rows: Iterable[Mapping[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
    *,
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> UpsertPlan:
    """Plan an idempotent upsert by NIB against `existing` (nib → current field values).

    A new NIB is created; a known one gets only the fields whose value differs; `derive`
    recomputes derived fields (size class) from the merged values. Applying the plan and
    planning the same rows again gives an empty plan.
    """
    creates: list[CleanRow] = []
    updates: list[tuple[str, CleanRow]] = []
    unchanged = 0
    for row in rows:
        nib = row["nib"]
        current = existing.get(nib)
        if current is None:
            record = dict(row)
            if derive is not None:
                record.update(derive(record))
            creates.append(record)
            continue
        merged = {**current, **row}
        if derive is not None:
            merged.update(derive(merged))
        changes = {
            name: value
            for name, value in merged.items()
            if name != "nib" and (name not in current or current[name] != value)
        }
        if changes:
            updates.append((nib, changes))
        else:
            unchanged += 1
    return UpsertPlan(creates=creates, updates=updates, unchanged=unchanged)


def apply_plan(
    existing: Mapping[str, Mapping[str, Any]], plan: UpsertPlan
) -> dict[str, dict[str, Any]]:
    """The records after `plan` (what the database holds once the plan is written)."""
    after = {nib: dict(values) for nib, values in existing.items()}
    for record in plan.creates:
        after[record["nib"]] = dict(record)
    for nib, changes in plan.updates:
        after[nib].update(changes)
    return after
