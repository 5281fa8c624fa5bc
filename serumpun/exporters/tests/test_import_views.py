"""Import pages: upload, preview listing bad rows, mapping, commit, template, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.importing import preview_import, read_table, start_import
from serumpun.exporters.models import MSME, ImportBatch
from serumpun.exporters.tests.test_import_samples import (
    MESSY,
    csv_upload,
    messy_rows,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

START = reverse("exporters:import_start")


@pytest.fixture
def officer(client):
    user = make_user(Role.OFFICER)
    client.force_login(user)
    return user


def previewed(user, upload=None):
    batch = start_import(by=user, upload=upload or csv_upload())
    return preview_import(by=user, batch=batch)


def detail_url(batch):
    return reverse("exporters:import_detail", args=[batch.pk])


@pytest.mark.usefixtures("in_english")
def test_upload_checks_the_file_and_shows_the_preview(client, officer):
    response = client.post(START, {"file": xlsx_upload()})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(batch)

    page = client.get(detail_url(batch))
    assert page.status_code == 200
    assert "Import into the registry" in page.content.decode()
    assert MSME.objects.count() == 0


@pytest.mark.usefixtures("in_english")
def test_the_preview_lists_each_bad_row_with_its_number_column_and_message(
    client, officer
):
    rows = [list(r) for r in MESSY]
    rows[2][3] = "12345"
    rows[3][4] = "Lampung Timor"
    batch = previewed(officer, csv_upload(messy_rows(rows)))

    html = client.get(detail_url(batch)).content.decode()

    assert (
        '<th scope="row" class="num">6</th><td>No HP</td><td>Not a valid phone number'
        in html
    )
    assert (
        "<td>Kabupaten/Kota</td><td>Unknown regency or city “Lampung Timor”. Did you mean Lampung Timur?"
        in html
    )
    assert "Import into the registry" not in html  # no commit button while rows are bad


def test_the_preview_is_in_indonesian_by_default(client, officer):
    batch = previewed(
        officer, csv_upload(messy_rows([[*MESSY[0][:3], "123", *MESSY[0][4:]]]))
    )
    response = client.get(detail_url(batch))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


def test_commit_needs_the_confirmation_then_writes(client, officer):
    batch = previewed(officer)
    commit_url = reverse("exporters:import_commit", args=[batch.pk])

    client.post(commit_url, {})
    assert MSME.objects.count() == 0

    response = client.post(commit_url, {"confirm": "on"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert MSME.objects.count() == 5
    page = client.get(detail_url(batch)).content.decode()
    assert '<dd class="figure">5</dd>' in page


def test_mapping_form_reassigns_a_column(client, officer):
    rows = messy_rows(title=False)
    rows[0][4] = "Kontak Pemilik"
    batch = previewed(officer, csv_upload(rows))
    assert batch.errors
    data = {**batch.mapping, "phone": "Kontak Pemilik"}
    response = client.post(reverse("exporters:import_map", args=[batch.pk]), data)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.errors == []
    assert batch.mapping["phone"] == "Kontak Pemilik"


def test_htmx_poll_gets_only_the_body(client, officer):
    batch = previewed(officer)
    response = client.get(detail_url(batch), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="import-body"')
    assert "<html" not in html


def test_recent_imports_list_only_this_office(
    client, officer, django_assert_num_queries
):
    mine = previewed(officer)
    other_office = previewed(make_user(Role.OFFICER))
    previewed(officer)
    response = client.get(START)
    html = response.content.decode()
    assert detail_url(mine) in html
    assert detail_url(other_office) not in html
    with django_assert_num_queries(4):  # session, user, memberships, the imports
        client.get(START)
    previewed(officer)
    previewed(officer)
    with django_assert_num_queries(4):
        client.get(START)


@pytest.mark.parametrize(
    ("kind", "magic"), [("xlsx", b"PK\x03\x04"), ("csv", b"\xef\xbb\xbfNIB")]
)
def test_template_downloads(client, officer, kind, magic):
    response = client.get(reverse("exporters:import_template"), {"format": kind})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f"umkm-template.{kind}" in response["Content-Disposition"]
    assert "NIB" in read_table(response.content, f"t.{kind}").headers


def test_an_oversized_upload_is_413(client, officer, settings):
    settings.SERUMPUN_IMPORT_MAX_BYTES = 200
    response = client.post(START, {"file": csv_upload()})
    assert response.status_code == 413
    assert not ImportBatch.objects.exists()


def test_an_unreadable_file_is_a_form_error(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(START, {"file": SimpleUploadedFile("list.xlsx", b"garbage")})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.MSME_OWNER, Role.BUYER, Role.TRADE_ATTACHE, Role.SEEKER]
)
def test_other_roles_are_refused(client, role):
    client.force_login(make_user(role))
    assert client.get(START).status_code == 403
    assert client.post(START, {"file": csv_upload()}).status_code == 403
    assert client.get(reverse("exporters:import_template")).status_code == 403


def test_another_offices_import_is_404(client, officer):
    foreign = previewed(make_user(Role.OFFICER))
    assert client.get(detail_url(foreign)).status_code == 404
    assert (
        client.post(
            reverse("exporters:import_commit", args=[foreign.pk]), {"confirm": "on"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("exporters:import_map", args=[foreign.pk]), {}).status_code
        == 404
    )
    assert MSME.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(START)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_running_import_shows_the_progress_bar_and_polls(client, officer):
    from serumpun.core.progress import mark_running, start_progress

    batch = start_import(by=officer, upload=csv_upload())
    batch.progress = start_progress(
        kind="exporters.import.preview", label="Checking", user=officer
    )
    batch.save()
    mark_running(batch.progress.pk, total=5)
    html = client.get(detail_url(batch)).content.decode()
    assert "<progress" in html
    assert 'hx-trigger="every 2s"' in html
    assert "import_map" not in html and "/mapping/" not in html  # no form while it runs
