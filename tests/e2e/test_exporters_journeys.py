"""Browser journeys for the MSME registry: an officer imports a messy provincial list, fixes
the flagged row and commits it; a Malaysian buyer finds verified coffee suppliers with a valid
halal certificate, in Malay. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import MSME
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
    regency,
)
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "No;Nama Usaha;Nama Pemilik;NIB;No HP;Kabupaten/Kota;Omzet\n"
GOOD_ROWS = (
    "1;UD Kopi Liwa Makmur;Suyanto;9120 0000 0000 1;0812-3456-7890;Kab. Lampung Barat;Rp 1.500.000.000\n"
    "2;CV Keripik Gang PU;Ani;9120000000002;+62 813 1111 2222;Kota Bandar Lampung;850.000.000\n"
    "3;KUB Lada Sukadana;Made;9120000000003;62815 3333 4444;LAMTIM;2.100.000.000\n"
)
BAD_ROW = "4;UD Salah Ketik;Budi;91200000A0004;0812 9999 8888;Lampung Barat;1.000.000\n"
FIXED_ROW = (
    "4;UD Salah Ketik;Budi;9120000000004;0812 9999 8888;Lampung Barat;1.000.000\n"
)


def upload(page, live_server, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.goto(f"{live_server.url}/exporters/registry/imports/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_selector("#import-body")


def test_officer_imports_a_messy_list_fixes_the_bad_row_and_commits(
    live_server, page, shot, tmp_path
):
    for code in ("1801", "1804", "1871"):
        regency(code)
    officer = make_user(Role.OFFICER)
    sign_in(page, live_server, officer)

    upload(
        page, live_server, tmp_path, "umkm-lampung.csv", HEADER + GOOD_ROWS + BAD_ROW
    )
    # The preview names the bad row as the spreadsheet numbers it (header = row 1) and
    # offers no commit; nothing is written.
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("th")).to_have_text("5")
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)
    shot("import-preview-with-error")
    assert MSME.objects.count() == 0

    upload(
        page,
        live_server,
        tmp_path,
        "umkm-lampung-fixed.csv",
        HEADER + GOOD_ROWS + FIXED_ROW,
    )
    expect(page.locator("table.import-errors")).to_have_count(0)
    commit = page.locator("form[action$='/commit/']")
    commit.locator("input[type=checkbox]").check()
    commit.locator("button[type=submit]").click()
    page.wait_for_selector("#import-body dd.figure")
    shot("import-committed")

    assert MSME.objects.count() == 4
    first = MSME.objects.get(nib="9120000000001")
    assert first.phone == "+6281234567890"
    assert first.regency_id == "1801"
    assert MSME.objects.get(nib="9120000000003").regency_id == "1804"

    # The same file again changes nothing.
    upload(
        page,
        live_server,
        tmp_path,
        "umkm-lampung-again.csv",
        HEADER + GOOD_ROWS + FIXED_ROW,
    )
    figures = page.locator("#import-body dl.facts dd.figure")
    expect(figures.nth(0)).to_have_text("0")  # create
    expect(figures.nth(1)).to_have_text("0")  # update
    expect(figures.nth(2)).to_have_text("4")  # leave unchanged


def test_buyer_finds_verified_coffee_suppliers_with_a_valid_halal_certificate_in_malay(
    live_server, page, shot
):
    today = timezone.localdate()
    coffee = hs_code("090121")
    good = MSMEFactory(
        verified=True, name="CV Kopi Sangrai Liwa", regency=regency("1801")
    )
    good_product = ProductFactory(
        msme=good,
        hs_code=coffee,
        name_id="Kopi bubuk robusta",
        name_en="Roasted ground robusta coffee",
        name_ms="Kopi serbuk robusta panggang",
        monthly_capacity_kg=900,
    )
    CertificateFactory(
        msme=good,
        kind="halal",
        valid_until=today + dt.timedelta(days=300),
        products=[good_product],
    )
    lapsed = MSMEFactory(
        verified=True, name="UD Kopi Kedaluwarsa", regency=regency("1801")
    )
    lapsed_product = ProductFactory(
        msme=lapsed,
        hs_code=coffee,
        name_id="Kopi bubuk tubruk",
        name_en="Ground coffee",
        name_ms="Kopi serbuk tubruk",
        monthly_capacity_kg=900,
    )
    CertificateFactory(
        msme=lapsed,
        kind="halal",
        valid_until=today - dt.timedelta(days=1),
        products=[lapsed_product],
    )
    unverified = MSMEFactory(name="UD Kopi Belum Diperiksa", regency=regency("1801"))
    ProductFactory(
        msme=unverified, hs_code=coffee, name_id="Kopi bubuk", name_ms="Kopi serbuk"
    )

    buyer = make_user(Role.BUYER)
    buyer.preferred_language = "ms"
    buyer.save()
    sign_in(page, live_server, buyer)

    page.goto(f"{live_server.url}/exporters/catalog/?q=kopi&certificate=halal")
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("Kopi serbuk robusta panggang")
    expect(results).not_to_contain_text("tubruk")
    expect(results).not_to_contain_text("Belum Diperiksa")
    shot("catalog-kopi-halal-ms")

    # Without the certificate filter the lapsed supplier's product shows, the unverified never.
    page.goto(f"{live_server.url}/exporters/catalog/?q=kopi")
    expect(results).to_contain_text("tubruk")
    expect(results).not_to_contain_text("Belum Diperiksa")
