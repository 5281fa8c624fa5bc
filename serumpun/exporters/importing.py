"""Importing provincial MSME lists: upload, dry-run preview, all-or-nothing commit.

An officer uploads a CSV or XLSX list (`start_import`); its columns are mapped to our fields
automatically and can be corrected; `preview_import` reads every row and stores each bad row's
number, column and message without writing anything; `commit_import` reads the file again and,
only when no row has an error, upserts the MSMEs by NIB in one transaction — new NIBs are
created (source "import", draft, no organisation), known ones get only the fields that differ,
so importing the same file twice changes nothing. Writes are `bulk_create`/`bulk_update` in
batches and one audit row per batch. Files above `SERUMPUN_IMPORT_BACKGROUND_ROWS` rows are
previewed and committed by a background task with a progress bar.

Cleaning lives in `rules/importing.py`; this module adds files, the database and messages.
An import never changes an MSME's verification state: the importing officer is the verifier.
Of what the catalogue's filter tokens depend on it can change only an MSME's regency, so the
products of MSMEs whose regency changed get their tokens refreshed in the same transaction
(new MSMEs have no products yet; a re-import changes nothing and refreshes nothing).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from serumpun.accounts.roles import require_permission
from serumpun.core import audit
from serumpun.core.models import Regency
from serumpun.core.progress import ProgressTracker, start_progress, tracking
from serumpun.exporters import config
from serumpun.exporters.actions import ConflictError
from serumpun.exporters.images import UploadTooLarge
from serumpun.exporters.models import MSME, ImportBatch, RecordSource, Verification
from serumpun.exporters.rules import size_class
from serumpun.exporters.rules.importing import (
    FIELDS_BY_KEY,
    HEADER_SEARCH_ROWS,
    IMPORT_FIELDS,
    TEMPLATE_EXAMPLE,
    Cell,
    CleaningContext,
    RowError,
    TableCleaner,
    UpsertPlan,
    auto_map,
    column_names,
    find_header_row,
    plan_upsert,
)
from serumpun.exporters.rules.regions import (
    RegencyName,
    RegencyResolver,
    parse_aliases,
)
from serumpun.exporters.search import refresh_catalogue_tokens
from serumpun.exporters.signals import products_changed

if TYPE_CHECKING:
    from serumpun.accounts.models import User

#: BPS code of Lampung: provincial lists name only its regencies and cities
PROVINCE_CODE = "18"
DEFAULT_MAX_BYTES = 30 * 1024 * 1024  # a 100,000-row CSV is about 15 MB
DEFAULT_MAX_ROWS = 200_000
DEFAULT_BACKGROUND_ROWS = 2_000
DEFAULT_MAX_ERRORS_KEPT = 1_000
DEFAULT_WRITE_BATCH = 1_000
# Existing MSMEs are looked up by NIB in chunks below every database's parameter limit.
LOOKUP_CHUNK = 2_000
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary .xls format
CSV_DELIMITERS = (",", ";", "\t")

#: the MSME fields an import compares and writes (regency by its code)
WRITTEN_FIELDS: tuple[str, ...] = tuple(
    "regency_id" if f.key == "regency" else f.key for f in IMPORT_FIELDS
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    """The largest import file accepted (settings.SERUMPUN_IMPORT_MAX_BYTES)."""
    return _setting("SERUMPUN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def background_rows() -> int:
    """Files with more rows than this run as background tasks."""
    return _setting("SERUMPUN_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS)


# --- Messages --------------------------------------------------------------------------------

MESSAGES: dict[str, Any] = {
    "required": gettext_lazy("A value is required."),
    "column_missing": gettext_lazy("Choose the column that holds “%(field)s”."),
    "nib_invalid": gettext_lazy("An NIB has 13 digits."),
    "nib_repeated": gettext_lazy("This NIB already appears in row %(first_row)s."),
    "phone_invalid": gettext_lazy(
        "Not a valid phone number (write it as 0812…, +62 812… or 62812…)."
    ),
    "npwp_invalid": gettext_lazy("An NPWP has 15 or 16 digits."),
    "regency_unknown": gettext_lazy("Unknown regency or city “%(value)s”."),
    "regency_unknown_suggest": gettext_lazy(
        "Unknown regency or city “%(value)s”. Did you mean %(suggestion)s?"
    ),
    "number_invalid": gettext_lazy("Not a number."),
    "number_negative": gettext_lazy("Must not be negative."),
    "number_too_large": gettext_lazy("The number is too large."),
    "whole_number": gettext_lazy("Must be a whole number."),
    "date_invalid": gettext_lazy("Not a date (write it as dd/mm/yyyy)."),
    "year_invalid": gettext_lazy(
        "Enter a year from %(min)s to %(max)s, or a date as dd/mm/yyyy."
    ),
    "kbli_invalid": gettext_lazy("A KBLI 2020 code has 5 digits."),
    "email_invalid": gettext_lazy("Not a valid e-mail address."),
    "too_long": gettext_lazy("Longer than %(max)s characters."),
    "invalid": gettext_lazy("This value cannot be read."),
    "no_rows": gettext_lazy("The file holds no data rows."),
    "conflict": gettext_lazy(
        "Another change to the registry collided with this import; nothing was "
        "written. Check the file again and import it once more."
    ),
}
#: the fields as the mapping form and messages name them
FIELD_LABELS: dict[str, Any] = {
    "nib": gettext_lazy("NIB"),
    "name": gettext_lazy("legal name"),
    "brand_name": gettext_lazy("brand name"),
    "owner_name": gettext_lazy("owner"),
    "phone": gettext_lazy("phone"),
    "regency": gettext_lazy("regency or city"),
    "address": gettext_lazy("address"),
    "npwp": gettext_lazy("NPWP"),
    "established_year": gettext_lazy("year established"),
    "employees": gettext_lazy("employees"),
    "annual_turnover_idr": gettext_lazy("annual turnover (IDR)"),
    "assets_idr": gettext_lazy("assets excluding land and buildings (IDR)"),
    "kbli_code": gettext_lazy("KBLI 2020 code"),
    "email": gettext_lazy("e-mail"),
}
FILE_COLUMN = pgettext_lazy("import error column", "file")


def error_message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of an error code in the active language."""
    values = dict(params or {})
    if "field" in values:
        values["field"] = str(FIELD_LABELS.get(values["field"], values["field"]))
    template = MESSAGES.get(code, MESSAGES["invalid"])
    return str(template) % values if values else str(template)


def describe_error(error: Mapping[str, Any]) -> str:
    """A stored error's message in the active language (it was stored with its code)."""
    if error.get("code") in MESSAGES:
        return error_message(error["code"], error.get("params"))
    return str(error.get("message", ""))


def _stored_error(error: RowError) -> dict[str, Any]:
    column = error.column
    if error.message_code == "column_missing":
        column = str(FIELD_LABELS.get(column, column))
    return {
        "row": error.row,
        "column": column,
        "code": error.message_code,
        "params": dict(error.params),
        "message": error_message(error.message_code, error.params),
    }


class ImportFileError(ValueError):
    """The upload is not a readable CSV or XLSX list; the message is for the user."""


# --- Reading files ---------------------------------------------------------------------------


@dataclass
class Table:
    """A file's rows: the header's column names and row number, then the data rows."""

    headers: list[str]
    header_row: int  # as the spreadsheet numbers it (1 = first row)
    rows: Iterable[tuple[int, Sequence[Cell]]]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page, cp1252 in Indonesia too.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The delimiter that splits the opening lines into the most columns (comma on a tie)."""
    sample = text[:20_000].splitlines()[:HEADER_SEARCH_ROWS] or [""]

    def columns(delimiter: str) -> int:
        reader = csv.reader(sample, delimiter=delimiter)
        return max((len(row) for row in reader), default=0)

    return max(CSV_DELIMITERS, key=columns)


def _csv_rows(data: bytes) -> Iterator[Sequence[Cell]]:
    text = _decode(data)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))


def _xlsx_rows(data: bytes) -> Iterator[Sequence[Cell]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            gettext("The spreadsheet could not be opened. Is it an .xlsx file?")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _raw_rows(data: bytes, filename: str) -> Iterator[Sequence[Cell]]:
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            gettext("Old .xls files cannot be read: save the list as .xlsx or CSV.")
        )
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_rows(data)
    if Path(filename).suffix.lower() == ".xlsx":
        raise ImportFileError(
            gettext("The spreadsheet could not be opened. Is it an .xlsx file?")
        )
    return _csv_rows(data)


def read_table(data: bytes, filename: str) -> Table:
    """The header and the (lazily read) data rows of a CSV or XLSX file.

    The header is the first of the opening rows that names two of our fields, so a title
    line above it is allowed; row numbers are the spreadsheet's.
    """
    rows = _raw_rows(data, filename)
    opening = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not opening:
        raise ImportFileError(gettext("The file is empty."))
    header_index = find_header_row(opening)
    headers = column_names(opening[header_index])
    after_header = itertools.chain(opening[header_index + 1 :], rows)
    numbered = enumerate(after_header, start=header_index + 2)
    return Table(headers=headers, header_row=header_index + 1, rows=numbered)


def _count_rows(data: bytes, filename: str) -> int:
    """How many rows the file has, cheaply (for choosing a background task)."""
    if data.startswith(_XLSX_MAGIC):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return int(workbook.worksheets[0].max_row or 0)
        finally:
            workbook.close()
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def batch_table(batch: ImportBatch) -> Table:
    """The table of a stored import file."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    return read_table(data, batch.original_name)


def batch_headers(batch: ImportBatch) -> list[str]:
    """The column names of a stored import file (empty when it cannot be read)."""
    try:
        return batch_table(batch).headers
    except (ImportFileError, csv.Error, ValueError, OSError):
        return []


# --- Cleaning against the database -------------------------------------------------------------


def regency_resolver() -> RegencyResolver:
    """Lampung's regencies and cities with the aliases of data/exporters/regency-aliases.csv."""
    regencies = tuple(
        RegencyName(code=code, name=name)
        for code, name in Regency.objects.filter(
            code__startswith=PROVINCE_CODE
        ).values_list("code", "name")
    )
    path = Path(settings.DATA_DIR) / "exporters" / "regency-aliases.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        aliases = parse_aliases(csv.DictReader(handle))
    known = {regency.code for regency in regencies}
    return RegencyResolver(
        regencies, tuple(a for a in aliases if a.regency_code in known)
    )


def _clean(
    batch: ImportBatch, tracker: ProgressTracker | None = None
) -> tuple[Table, TableCleaner]:
    try:
        table = batch_table(batch)
    except ImportFileError:
        raise
    except (csv.Error, ValueError, OSError) as exc:
        raise ImportFileError(gettext("The file could not be read.")) from exc
    mapping = batch.mapping or auto_map(table.headers)
    context = CleaningContext(
        regencies=regency_resolver(), as_of_year=timezone.localdate().year
    )
    cleaner = TableCleaner(table.headers, mapping, context, header_row=table.header_row)
    max_rows = _setting("SERUMPUN_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    for row, cells in table.rows:
        cleaner.add(row, cells)
        if cleaner.total_rows > max_rows:
            raise ImportFileError(
                gettext("The file has more than %(max)s rows; split it.")
                % {"max": max_rows}
            )
        if tracker is not None:
            tracker.advance()
    return table, cleaner


def _store_findings(batch: ImportBatch, cleaner: TableCleaner) -> None:
    kept = _setting("SERUMPUN_IMPORT_MAX_ERRORS", DEFAULT_MAX_ERRORS_KEPT)
    errors = [_stored_error(error) for error in cleaner.errors[:kept]]
    if cleaner.mapping_complete and not cleaner.total_rows:
        errors.append(_stored_error(RowError(1, str(FILE_COLUMN), "no_rows")))
    batch.errors = errors
    batch.total_rows = cleaner.total_rows
    batch.error_rows = cleaner.error_rows
    batch.mapping = dict(cleaner.mapping)


def _existing(nibs: Sequence[str]) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Current values and primary keys of the MSMEs with these NIBs."""
    values: dict[str, dict[str, Any]] = {}
    pks: dict[str, int] = {}
    for start in range(0, len(nibs), LOOKUP_CHUNK):
        chunk = nibs[start : start + LOOKUP_CHUNK]
        for record in MSME.objects.filter(nib__in=chunk).values(
            "pk", *WRITTEN_FIELDS, "size_class"
        ):
            pks[record["nib"]] = record.pop("pk")
            values[record["nib"]] = record
    return values, pks


def _derive_size_class(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "size_class": size_class.classify(
            values.get("assets_idr"),
            values.get("annual_turnover_idr"),
            config.size_thresholds(),
        )
    }


def _plan(cleaner: TableCleaner) -> tuple[UpsertPlan, dict[str, int]]:
    existing, pks = _existing([row["nib"] for row in cleaner.rows])
    return plan_upsert(cleaner.rows, existing, derive=_derive_size_class), pks


# --- Actions ---------------------------------------------------------------------------------


def start_import(*, by: User, upload: UploadedFile) -> ImportBatch:
    """Store an uploaded list as a new import batch with its columns mapped automatically.

    Raises `UploadTooLarge` (413) above the size cap and `ValidationError` ({"file": …})
    for a file that is not a readable CSV or XLSX list.
    """
    require_permission(by, "registry.import")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise UploadTooLarge(upload.size, limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(len(data), limit)
    name = Path(upload.name or "import.csv").name[:200]
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": gettext("Upload a .csv or .xlsx file.")})
    try:
        table = read_table(data, name)
        total = _count_rows(data, name) - table.header_row
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    except Exception as exc:  # a damaged file must be a form error, never a 500
        raise ValidationError({"file": gettext("The file could not be read.")}) from exc
    batch = ImportBatch(
        organisation=by.organisation,
        created_by=by,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        mapping=auto_map(table.headers),
        total_rows=max(total, 0),
    )
    with transaction.atomic():
        batch.file.save(f"{batch.pk}{suffix}", ContentFile(data), save=False)
        batch.save()
    return batch


def _require_open(batch: ImportBatch) -> None:
    if batch.status in {ImportBatch.Status.COMMITTING, ImportBatch.Status.COMMITTED}:
        raise ConflictError(gettext("This import has already been committed."))


def _clean_mapping(batch: ImportBatch, mapping: Mapping[str, str]) -> dict[str, str]:
    headers = set(batch_table(batch).headers)
    unknown = sorted(set(mapping) - set(FIELDS_BY_KEY))
    missing = sorted({c for c in mapping.values() if c and c not in headers})
    if unknown or missing:
        raise ValidationError(
            {
                "mapping": gettext("Unknown fields or columns: %(names)s.")
                % {"names": ", ".join([*unknown, *missing])}
            }
        )
    return {key: column for key, column in mapping.items() if column}


def _runs_in_background(batch: ImportBatch) -> bool:
    return batch.total_rows > background_rows()


def preview_import(
    *, by: User, batch: ImportBatch, mapping: Mapping[str, str] | None = None
) -> ImportBatch:
    """Check every row (a dry run: nothing is written to the registry) and store the findings.

    `mapping` (our field → the file's column) replaces the automatic one. A large file is
    checked by a background task; the batch then carries the task's progress record.
    """
    require_permission(by, "registry.import")
    _require_open(batch)
    if mapping is not None:
        batch.mapping = _clean_mapping(batch, mapping)
    if _runs_in_background(batch):
        return _enqueue(by, batch, kind="preview")
    return _run_preview(batch, tracker=None)


def _run_preview(batch: ImportBatch, tracker: ProgressTracker | None) -> ImportBatch:
    try:
        _, cleaner = _clean(batch, tracker)
    except ImportFileError as exc:
        batch.errors = [
            {"row": 1, "column": str(FILE_COLUMN), "code": "", "message": str(exc)}
        ]
        batch.status = ImportBatch.Status.FAILED
        batch.save()
        return batch
    _store_findings(batch, cleaner)
    batch.created_count = batch.updated_count = batch.unchanged_count = 0
    if cleaner.ok:
        # The dry run also tells how many MSMEs would be created, updated or left alone.
        plan, _ = _plan(cleaner)
        batch.created_count = len(plan.creates)
        batch.updated_count = len(plan.updates)
        batch.unchanged_count = plan.unchanged
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save()
    return batch


def commit_import(*, by: User, batch: ImportBatch) -> ImportBatch:
    """Write the import, all or nothing: if any row has an error, nothing is written.

    Upserts by NIB; returns the batch with its created/updated/unchanged counts, or with its
    errors and status "failed". A large file is committed by a background task.
    """
    require_permission(by, "registry.import")
    _require_open(batch)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ConflictError(gettext("Check the file before importing it."))
    if _runs_in_background(batch):
        return _enqueue(by, batch, kind="commit")
    return _run_commit(batch, by=by, tracker=None)


def _fail(batch: ImportBatch, errors: list[dict[str, Any]]) -> ImportBatch:
    batch.errors = errors
    batch.status = ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _run_commit(
    batch: ImportBatch, *, by: User | None, tracker: ProgressTracker | None
) -> ImportBatch:
    try:
        _, cleaner = _clean(batch, tracker)
    except ImportFileError as exc:
        return _fail(
            batch,
            [{"row": 1, "column": str(FILE_COLUMN), "code": "", "message": str(exc)}],
        )
    _store_findings(batch, cleaner)
    if not cleaner.ok:
        return _fail(batch, batch.errors)
    try:
        with transaction.atomic():
            plan, pks = _plan(cleaner)
            written = _write(plan, pks, by=by)
            batch.created_count = len(plan.creates)
            batch.updated_count = len(plan.updates)
            batch.unchanged_count = plan.unchanged
            batch.status = ImportBatch.Status.COMMITTED
            batch.finished_at = timezone.now()
            batch.save()
            audit.record(
                actor=by,
                action="exporters.import.committed",
                obj=batch,
                fields=written,
                organisation=batch.organisation,
            )
    except IntegrityError:
        # A concurrent change took an NIB between planning and writing.
        return _fail(batch, [_stored_error(RowError(1, str(FILE_COLUMN), "conflict"))])
    return batch


def _write(plan: UpsertPlan, pks: Mapping[str, int], *, by: User | None) -> set[str]:
    """Create and update in batches; returns the names of the fields written."""
    size = _setting("SERUMPUN_IMPORT_WRITE_BATCH", DEFAULT_WRITE_BATCH)
    written: set[str] = set()
    if plan.creates:
        MSME.objects.bulk_create(
            (
                MSME(
                    **record,
                    source=RecordSource.IMPORT,
                    verification=Verification.DRAFT,
                    organisation=None,
                    created_by=by,
                )
                for record in plan.creates
            ),
            batch_size=size,
        )
        written.update(*(record.keys() for record in plan.creates))
    # bulk_update sets the same columns on every row, so rows are grouped by what changes.
    groups: dict[frozenset[str], list[MSME]] = defaultdict(list)
    now = timezone.now()
    for nib, changes in plan.updates:
        groups[frozenset(changes)].append(MSME(pk=pks[nib], updated_at=now, **changes))
    for fields, objects in groups.items():
        MSME.objects.bulk_update(
            objects, [*sorted(fields), "updated_at"], batch_size=size
        )
        written.update(fields)
    if plan.updates:
        products_changed.send(
            sender=MSME, msme_ids=[pks[nib] for nib, _changes in plan.updates]
        )
    moved = [pks[nib] for nib, changes in plan.updates if "regency_id" in changes]
    if moved:
        refresh_catalogue_tokens(msme_ids=moved)
    return written


# --- Background runs -------------------------------------------------------------------------


def _enqueue(by: User, batch: ImportBatch, *, kind: str) -> ImportBatch:
    from serumpun.exporters import tasks

    labels = {
        "preview": gettext("Checking %(name)s"),
        "commit": gettext("Importing %(name)s"),
    }
    with transaction.atomic():
        progress = start_progress(
            kind=f"exporters.import.{kind}",
            label=labels[kind] % {"name": batch.original_name},
            user=by,
            organisation=batch.organisation,
            total=batch.total_rows,
        )
        batch.progress = progress
        if kind == "commit":
            batch.status = ImportBatch.Status.COMMITTING
        batch.save()
        task = (
            tasks.preview_import_task if kind == "preview" else tasks.commit_import_task
        )
        # The worker must find the batch and the progress row, so enqueue after commit.
        transaction.on_commit(
            partial(
                task.enqueue,
                batch_id=str(batch.pk),
                progress_id=str(progress.pk),
                user_id=by.pk,
            )
        )
    batch.refresh_from_db()  # an immediate task backend has already run the task
    return batch


def run_in_background(
    *, kind: str, batch_id: str, progress_id: str, user_id: int | None
) -> dict[str, int]:
    """The body of the import tasks: preview or commit one batch while tracking progress."""
    from serumpun.accounts.models import User

    batch = ImportBatch.objects.get(pk=batch_id)
    by = User.objects.filter(pk=user_id).first() if user_id is not None else None
    with tracking(progress_id, total=batch.total_rows) as tracker:
        try:
            if kind == "preview":
                _run_preview(batch, tracker)
            else:
                _run_commit(batch, by=by, tracker=tracker)
        except Exception:
            if kind == "commit":
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=ImportBatch.Status.FAILED, finished_at=timezone.now()
                )
            raise
    return {
        "total_rows": batch.total_rows,
        "error_rows": batch.error_rows,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
    }


# --- The template ----------------------------------------------------------------------------


def template_rows() -> list[list[str]]:
    """The template's header row and its example row."""
    return [
        [f.template_header for f in IMPORT_FIELDS],
        [TEMPLATE_EXAMPLE[f.key] for f in IMPORT_FIELDS],
    ]


def template_csv() -> bytes:
    """The CSV template, UTF-8 with a byte-order mark so that Excel reads it right."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The XLSX template; identifiers and phones are text cells so no leading zero is lost."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "UMKM"
    for row in template_rows():
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2, max_row=2):
        for cell in column:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
