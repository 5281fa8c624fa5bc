"""Messy provincial MSME lists built in memory (CSV and XLSX), and that both read the same.

`messy_rows()` imitates a real Dinas list: a title line above the header, Indonesian headers,
phones in every form, regency abbreviations, "Rp 1.000.000", founding dates as dd/mm/yyyy.
Other import tests build their files with `csv_upload` / `xlsx_upload`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from serumpun.exporters.importing import ImportFileError, read_table

TITLE = "DAFTAR UMKM BINAAN DINAS KOPERASI DAN UKM PROVINSI LAMPUNG 2025"
HEADERS = [
    "No",
    "NIB",
    "Nama Usaha",
    "Nama Pemilik",
    "No HP",
    "Kabupaten/Kota",
    "Alamat",
    "Tahun Berdiri",
    "Jumlah Tenaga Kerja",
    "Omzet",
    "Aset",
]
MESSY = [
    [
        "9120 0000 0000 1",
        "CV Kopi Liwa",
        "Siti",
        "0812-3456-7001",
        "Kab. Lampung Barat",
        "Liwa",
        "12/05/2015",
        "8",
        "Rp 1.200.000.000",
        "450.000.000",
    ],
    [
        "9120000000002",
        "UD Lada Hitam",
        "Budi",
        "+62 812 3456 7002",
        "LAMTIM",
        "Sukadana",
        "2010",
        "1.200",
        "1,500,000,000",
        "Rp 900.000.000",
    ],
    [
        "9120000000003",
        "Keripik Balam",
        "Ani",
        "6281234567003",
        "Kota Bandar Lampung",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "9120000000004",
        "Tapioka Tubaba",
        "Dedi",
        "0812 3456 7004",
        "TUBABA",
        "Panaragan",
        "01/02/2019",
        "25",
        "2 juta",
        "1 M",
    ],
    [
        "9120000000005",
        "Kopi Metro",
        "Eka",
        "0812.3456.7005",
        "Metro",
        "",
        "2001",
        "3",
        "250.000.000",
        "",
    ],
]


def messy_rows(
    rows: Sequence[Sequence[object]] = MESSY, *, title: bool = True
) -> list[list[object]]:
    """A title line, a blank line, the header and numbered data rows."""
    out: list[list[object]] = [[TITLE], []] if title else []
    out.append(list(HEADERS))
    out.extend([index, *row] for index, row in enumerate(rows, start=1))
    return out


def csv_bytes(
    rows: Sequence[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_upload(rows=None, name: str = "umkm.csv", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, csv_bytes(rows or messy_rows(), **options), "text/csv"
    )


def xlsx_upload(rows=None, name: str = "umkm.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows or messy_rows()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _as_text(table):
    return [
        (n, [("" if c is None else str(c)) for c in cells]) for n, cells in table.rows
    ]


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(messy_rows()),
        csv_bytes(messy_rows(), delimiter=";"),
        csv_bytes(messy_rows(), delimiter="\t"),
        b"\xef\xbb\xbf" + csv_bytes(messy_rows()),
        csv_bytes(messy_rows(), encoding="cp1252"),
    ],
    ids=["comma", "semicolon", "tab", "bom", "cp1252"],
)
def test_csv_dialects_read_alike(data):
    table = read_table(data, "umkm.csv")
    assert table.header_row == 3
    assert table.headers == HEADERS
    rows = _as_text(table)
    assert [n for n, _ in rows] == [4, 5, 6, 7, 8]
    assert rows[0][1][1:4] == ["9120 0000 0000 1", "CV Kopi Liwa", "Siti"]


def test_xlsx_reads_like_csv_with_spreadsheet_row_numbers():
    table = read_table(xlsx_bytes(messy_rows()), "umkm.xlsx")
    assert table.headers == HEADERS
    assert table.header_row == 3
    rows = _as_text(table)
    assert rows == _as_text(read_table(csv_bytes(messy_rows()), "umkm.csv"))


def test_non_ascii_survives_cp1252_and_utf8():
    rows = [["NIB", "Nama Usaha"], ["9120000000001", "Café Ñusantara"]]
    for encoding in ("utf-8", "cp1252"):
        table = read_table(csv_bytes(rows, encoding=encoding), "x.csv")
        assert next(iter(table.rows))[1][1] == "Café Ñusantara"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "x.csv"),
        (b"\xd0\xcf\x11\xe0rest", "x.xls"),
        (b"not a zip", "x.xlsx"),
        (b"PK\x03\x04broken", "x.xlsx"),
    ],
)
def test_unreadable_files_say_why(data, name):
    with pytest.raises(ImportFileError):
        table = read_table(data, name)
        list(table.rows)
