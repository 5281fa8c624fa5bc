"""Import actions: upload, dry run, all-or-nothing commit, idempotent upsert by NIB, tasks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, TaskProgress
from serumpun.exporters.actions import ConflictError
from serumpun.exporters.images import UploadTooLarge
from serumpun.exporters.importing import (
    commit_import,
    describe_error,
    preview_import,
    read_table,
    start_import,
    template_csv,
    template_xlsx,
)
from serumpun.exporters.models import MSME, ImportBatch, RecordSource, Verification
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.test_import_samples import (
    HEADERS,
    MESSY,
    csv_upload,
    messy_rows,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def officer():
    return make_user(Role.OFFICER)


def run(officer, upload, **preview):
    batch = start_import(by=officer, upload=upload)
    return preview_import(by=officer, batch=batch, **preview)


def bad_row_file():
    rows = [list(r) for r in MESSY]
    rows[2][3] = "12345"  # a phone nobody can dial, in spreadsheet row 6
    return csv_upload(messy_rows(rows))


@pytest.mark.parametrize("make_upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_a_messy_list_is_previewed_then_committed(officer, make_upload):
    batch = run(officer, make_upload())
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.errors == []
    assert (batch.total_rows, batch.error_rows, batch.created_count) == (5, 0, 5)
    assert MSME.objects.count() == 0  # the dry run writes nothing

    batch = commit_import(by=officer, batch=batch)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (
        5,
        0,
        0,
    )
    liwa = MSME.objects.get(nib="9120000000001")
    assert liwa.phone == "+6281234567001"
    assert liwa.regency_id == "1801"
    assert liwa.established_year == 2015
    assert liwa.annual_turnover_idr == Decimal(1_200_000_000)
    assert liwa.size_class == "micro"
    assert (liwa.source, liwa.verification, liwa.organisation) == (
        RecordSource.IMPORT,
        Verification.DRAFT,
        None,
    )
    assert liwa.created_by == officer
    assert set(MSME.objects.values_list("regency_id", flat=True)) == {
        "1801",
        "1804",
        "1871",
        "1812",
        "1872",
    }
    assert MSME.objects.get(nib="9120000000002").employees == 1200
    assert MSME.objects.get(nib="9120000000004").assets_idr == Decimal(10**9)


def test_one_bad_row_writes_nothing_and_the_preview_names_it(officer):
    batch = run(officer, bad_row_file())
    assert batch.error_rows == 1
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (6, "No HP", "phone_invalid")
    ]
    assert batch.errors[0]["message"]
    with pytest.raises(ConflictError):  # no commit button, and the action agrees…
        batch.status = ImportBatch.Status.UPLOADED
        commit_import(by=officer, batch=batch)
    batch.status = ImportBatch.Status.PREVIEWED  # …and if forced, nothing is written
    batch = commit_import(by=officer, batch=batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.errors[0]["row"] == 6
    assert MSME.objects.count() == 0
    assert not AuditEvent.objects.filter(action="exporters.import.committed").exists()


def test_reimporting_the_same_file_changes_nothing(officer):
    commit_import(by=officer, batch=run(officer, xlsx_upload()))
    before = dict(MSME.objects.values_list("nib", "updated_at"))

    again = run(officer, csv_upload())
    assert (again.created_count, again.updated_count, again.unchanged_count) == (
        0,
        0,
        5,
    )
    again = commit_import(by=officer, batch=again)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (
        0,
        0,
        5,
    )
    assert dict(MSME.objects.values_list("nib", "updated_at")) == before


def test_upsert_updates_only_a_changed_phone(officer):
    commit_import(by=officer, batch=run(officer, csv_upload()))
    rows = [list(r) for r in MESSY]
    rows[1][3] = "0813 9999 0000"
    batch = commit_import(by=officer, batch=run(officer, csv_upload(messy_rows(rows))))
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (
        0,
        1,
        4,
    )
    assert MSME.objects.get(nib="9120000000002").phone == "+6281399990000"
    event = AuditEvent.objects.get(
        action="exporters.import.committed", object_id=str(batch.pk)
    )
    assert event.fields == ["phone"]


def test_an_existing_owner_profile_keeps_its_verification_and_unlisted_values(officer):
    msme = MSMEFactory(nib="9120000000003", verified=True, email="ani@example.id")
    batch = commit_import(by=officer, batch=run(officer, csv_upload()))
    assert batch.updated_count == 1
    msme.refresh_from_db()
    assert msme.verification == Verification.VERIFIED
    assert msme.email == "ani@example.id"  # not in the file: untouched
    assert msme.name == "Keripik Balam"
    assert msme.organisation is not None


def test_a_duplicate_nib_in_the_file_is_flagged_on_its_second_row(officer):
    rows = [*MESSY, list(MESSY[0])]
    batch = run(officer, csv_upload(messy_rows(rows)))
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (9, "NIB", "nib_repeated")
    ]
    assert "4" in describe_error(batch.errors[0])  # "…already appears in row 4"


def test_one_audit_row_per_batch(officer):
    commit_import(by=officer, batch=run(officer, csv_upload()))
    events = AuditEvent.objects.filter(action__startswith="exporters.import")
    assert events.count() == 1
    assert events.get().object_type == "exporters.importbatch"


def test_a_corrected_mapping_is_used(officer):
    rows = messy_rows(title=False)
    rows[0][4] = "Kontak Pemilik"  # not a header we know
    batch = run(officer, csv_upload(rows))
    assert [e["code"] for e in batch.errors] == ["column_missing"]
    mapping = {**batch.mapping, "phone": "Kontak Pemilik"}
    batch = preview_import(by=officer, batch=batch, mapping=mapping)
    assert batch.errors == []
    assert batch.mapping["phone"] == "Kontak Pemilik"
    with pytest.raises(ValidationError):
        preview_import(by=officer, batch=batch, mapping={"phone": "Nope"})


def test_only_officers_import():
    owner = make_user(Role.MSME_OWNER)
    with pytest.raises(PermissionDenied):
        start_import(by=owner, upload=csv_upload())


def test_batches_belong_to_the_officers_office(officer):
    batch = start_import(by=officer, upload=csv_upload())
    other = make_user(Role.OFFICER)
    assert batch.organisation == officer.organisation
    assert batch.sha256 and len(batch.sha256) == 64
    assert not ImportBatch.objects.visible_to(other).filter(pk=batch.pk).exists()


def test_size_cap_and_file_type(officer, settings):
    settings.SERUMPUN_IMPORT_MAX_BYTES = 100
    with pytest.raises(UploadTooLarge):
        start_import(by=officer, upload=csv_upload())
    settings.SERUMPUN_IMPORT_MAX_BYTES = 10_000
    with pytest.raises(ValidationError):
        start_import(by=officer, upload=SimpleUploadedFile("x.exe", b"MZ..."))
    with pytest.raises(ValidationError):
        start_import(by=officer, upload=SimpleUploadedFile("x.xlsx", b"not a zip"))


def test_a_committed_batch_cannot_be_committed_again(officer):
    batch = commit_import(by=officer, batch=run(officer, csv_upload()))
    with pytest.raises(ConflictError):
        commit_import(by=officer, batch=batch)
    with pytest.raises(ConflictError):
        preview_import(by=officer, batch=batch)


def test_large_files_run_as_background_tasks_with_progress(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.SERUMPUN_IMPORT_BACKGROUND_ROWS = 3
    batch = start_import(by=officer, upload=csv_upload())
    with django_capture_on_commit_callbacks(execute=True):
        batch = preview_import(by=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.progress.status == TaskProgress.Status.SUCCEEDED
    assert MSME.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        batch = commit_import(by=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.progress.kind == "exporters.import.commit"
    assert batch.progress.status == TaskProgress.Status.SUCCEEDED
    assert batch.progress.done == batch.progress.total > 0
    assert MSME.objects.count() == 5


def test_templates_hold_the_headers_and_an_importable_example(officer):
    for data, name in [(template_csv(), "t.csv"), (template_xlsx(), "t.xlsx")]:
        table = read_table(data, name)
        assert "NIB" in table.headers
        assert "Kabupaten/Kota" in table.headers
        batch = run(officer, SimpleUploadedFile(name, data))
        assert batch.errors == []
        assert batch.created_count == 1


def test_headers_are_found_below_a_title(officer):
    batch = run(officer, csv_upload())
    assert batch.mapping["name"] == "Nama Usaha"
    assert "No" not in batch.mapping.values()
    assert set(batch.mapping.values()) <= set(HEADERS)
