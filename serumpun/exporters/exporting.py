"""The registry as a spreadsheet: CSV (streamed) or XLSX (openpyxl write-only), same columns.

Rows are read in chunks (`.iterator(chunk_size=...)`, each chunk's valid certificates
prefetched in one query), so memory and query count stay flat whatever the registry's size.
Text cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) are prefixed with an apostrophe (OWASP "CSV injection"). Headers are the
model's field names: stable across languages, and what a re-import maps most easily.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from serumpun.exporters.models import MSME, Certificate

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: leading characters that make a spreadsheet treat a cell as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: tuple[str, ...] = (
    "nib",
    "name",
    "brand_name",
    "npwp",
    "regency_code",
    "regency",
    "address",
    "owner_name",
    "phone",
    "email",
    "established_year",
    "employees",
    "annual_turnover_idr",
    "assets_idr",
    "size_class",
    "kbli_code",
    "verification",
    "verified_at",
    "valid_certificates",
    "products",
    "source",
)


def safe_cell(value: Any) -> Any:
    """A cell value no spreadsheet will run as a formula; numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_queryset(queryset: QuerySet[MSME], *, as_of: dt.date) -> QuerySet[MSME]:
    """The rows to export, with what each needs fetched alongside (no per-row queries)."""
    valid = Certificate.objects.valid_on(as_of).only("msme_id", "kind").order_by("kind")
    return (
        queryset.select_related("regency")
        .annotate(product_count=Count("products", distinct=True))
        .prefetch_related(
            Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
        )
        .order_by("name", "pk")
    )


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # openpyxl refuses aware datetimes; officers read times in Asia/Jakarta.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def row_values(msme: MSME) -> list[Any]:
    """One MSME as the export's cells, in COLUMNS order."""
    kinds = sorted({c.kind for c in getattr(msme, "valid_certificates", [])})
    return [
        msme.nib,
        msme.name,
        msme.brand_name,
        msme.npwp,
        msme.regency_id,
        msme.regency.name,
        msme.address,
        msme.owner_name,
        msme.phone,
        msme.email,
        msme.established_year,
        msme.employees,
        msme.annual_turnover_idr,
        msme.assets_idr,
        msme.size_class,
        msme.kbli_code,
        msme.verification,
        _local(msme.verified_at),
        " ".join(kinds),
        getattr(msme, "product_count", None),
        msme.source,
    ]


def rows(queryset: QuerySet[MSME], *, as_of: dt.date) -> Iterator[list[Any]]:
    """The header, then one safe row per MSME, read in chunks."""
    yield list(COLUMNS)
    for msme in export_queryset(queryset, as_of=as_of).iterator(chunk_size=CHUNK_SIZE):
        yield [safe_cell(value) for value in row_values(msme)]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if value is None:
        return ""
    return value


def csv_response(table: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    """Stream the table as UTF-8 CSV (with a byte-order mark, so Excel reads it as UTF-8)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in table:
            yield writer.writerow([_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        # Whole rupiah amounts; a float would lose digits above 2**53, int does not.
        return int(value) if value == value.to_integral_value() else value
    return value


def xlsx_response(table: Iterable[list[Any]], filename: str) -> FileResponse:
    """The table as one XLSX sheet, written row by row to a temporary file, then streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("MSMEs")
    for row in table:
        sheet.append([_xlsx_value(value) for value in row])
    # FileResponse closes (and so deletes) the temporary file once it has been sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
