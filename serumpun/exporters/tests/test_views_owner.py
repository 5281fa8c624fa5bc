"""The MSME owner's pages: profile, products, photos, certificates and the private files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.testing import AccessCase, access_matrix, check_foreign_404
from serumpun.exporters.forms import parse_rupiah
from serumpun.exporters.models import MSME, Certificate, Product, ProductPhoto
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    country,
    hs_code,
    regency,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The first bytes of a Windows executable ("MZ" header), saved under a picture's name.
EXECUTABLE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_upload(name: str = "kopi.jpg", size: tuple[int, int] = (640, 480)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def owner_with_msme(**msme_fields):
    owner = make_user(Role.MSME_OWNER)
    msme = MSMEFactory(organisation=owner.organisation, **msme_fields)
    return owner, msme


def profile_form_data(**overrides):
    data = {
        "name": "CV Kopi Liwa Sejahtera",
        "brand_name": "Kopi Liwa",
        "nib": "9120 0011 2233 4",
        "npwp": "",
        "regency": regency("1801").pk,
        "address": "Jl. Raya Liwa No. 7",
        "owner_name": "Siti Rahmawati",
        "phone": "0812-3456-7890",
        "email": "siti@example.test",
        "established_year": "2014",
        "employees": "6",
        "annual_turnover_idr": "1.000.000.000",
        "assets_idr": "Rp 450.000.000",
        "kbli_code": "",
        "languages": ["id", "ms"],
        "exports-TOTAL_FORMS": "2",
        "exports-INITIAL_FORMS": "0",
        "exports-MIN_NUM_FORMS": "0",
        "exports-MAX_NUM_FORMS": "20",
        "exports-0-country": country("MY").pk,
        "exports-0-year": str(timezone.localdate().year - 1),
        "exports-0-value_usd": "12500",
    }
    data.update(overrides)
    return data


def product_form_data(**overrides):
    data = {
        "name_id": "Kopi robusta Liwa",
        "description_id": "Biji kopi robusta petik merah.",
        "hs_code": "0901.11",
        "monthly_capacity_kg": "1500",
        "moq_kg": "200",
        "fob_price_usd_per_kg": "4.10",
        "lead_time_days": "14",
        "label_languages": ["id", "en"],
    }
    data.update(overrides)
    return data


# --- Pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("1.000.000", 1_000_000),
        ("Rp 1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1 000 000", 1_000_000),
        ("1000000", 1_000_000),
        ("1.000.000,00", 1_000_000),
        ("750", 750),
    ],
)
def test_it_reads_rupiah_as_people_write_it(raw, amount):
    assert parse_rupiah(raw) == Decimal(amount)


@pytest.mark.parametrize("raw", ["1.5", "12,34,567", "satu juta", "-5", "1.000,5"])
def test_it_refuses_what_is_not_a_whole_rupiah_amount(raw):
    with pytest.raises(ValueError):
        parse_rupiah(raw)


# --- Profile ----------------------------------------------------------------------------------


def test_an_owner_without_a_profile_gets_the_create_form(client):
    client.force_login(make_user(Role.MSME_OWNER))
    response = client.get(reverse("exporters:my_msme"))
    assert response.status_code == 200
    assert 'name="nib"' in response.content.decode()
    assert "exporters/owner/msme_form.html" in [t.name for t in response.templates]


def test_an_owner_creates_the_profile_through_the_form(client):
    owner = make_user(Role.MSME_OWNER)
    client.force_login(owner)
    response = client.post(reverse("exporters:msme_create"), profile_form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("exporters:my_msme")
    msme = MSME.objects.get(organisation=owner.organisation)
    assert msme.phone == "+6281234567890"
    assert msme.nib == "9120001122334"
    assert msme.annual_turnover_idr == Decimal(1_000_000_000)
    assert msme.assets_idr == Decimal(450_000_000)
    assert msme.languages == ["id", "ms"]
    assert msme.size_class  # derived by the action from turnover/assets
    [line] = msme.exports.all()
    assert (line.country_id, line.value_usd) == ("MY", Decimal("12500"))


@pytest.mark.usefixtures("in_english")
def test_a_bad_nib_and_phone_are_shown_on_their_fields(client):
    client.force_login(make_user(Role.MSME_OWNER))
    data = profile_form_data(nib="12345ABC", phone="12")
    response = client.post(reverse("exporters:msme_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "nib" in form.errors
    assert "phone" in form.errors
    assert not MSME.objects.exists()


def test_a_second_profile_with_a_taken_nib_is_refused(client):
    MSMEFactory(nib="9120001122334")
    client.force_login(make_user(Role.MSME_OWNER))
    response = client.post(reverse("exporters:msme_create"), profile_form_data())
    assert response.status_code == 200
    assert "nib" in response.context["form"].errors
    assert MSME.objects.count() == 1


def test_an_officer_registers_an_msme_on_its_owners_behalf(client):
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    response = client.post(reverse("exporters:msme_create"), profile_form_data())
    msme = MSME.objects.get(nib="9120001122334")
    assert msme.organisation is None
    assert response["Location"] == reverse("exporters:msme_detail", args=[msme.pk])


def test_an_owner_edits_the_profile(client):
    owner, msme = owner_with_msme()
    client.force_login(owner)
    empty_line = {
        "exports-0-country": "",
        "exports-0-year": "",
        "exports-0-value_usd": "",
    }
    data = profile_form_data(nib=msme.nib, phone="+62 813 1111 2222", **empty_line)
    response = client.post(reverse("exporters:msme_edit", args=[msme.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    msme.refresh_from_db()
    assert msme.phone == "+6281311112222"
    assert msme.name == "CV Kopi Liwa Sejahtera"
    assert not msme.exports.exists()  # the empty export line was skipped


def test_an_owner_submits_the_profile_for_verification(client):
    owner, msme = owner_with_msme()
    client.force_login(owner)
    response = client.post(reverse("exporters:msme_submit", args=[msme.pk]))
    assert response.status_code == 302
    msme.refresh_from_db()
    assert msme.verification == "submitted"


@pytest.mark.usefixtures("in_english")
def test_the_owner_sees_why_the_profile_was_rejected(client):
    owner, _ = owner_with_msme(
        verification="rejected", verification_reason="The NIB belongs to another firm."
    )
    client.force_login(owner)
    page = client.get(reverse("exporters:my_msme")).content.decode()
    assert "The NIB belongs to another firm." in page
    assert "Submit for verification" in page


@pytest.mark.usefixtures("in_english")
def test_certificates_show_their_status_in_words(client):
    owner, msme = owner_with_msme()
    today = timezone.localdate()
    CertificateFactory(msme=msme, valid_until=today + dt.timedelta(days=400))
    CertificateFactory(
        msme=msme, kind="pirt", valid_until=today + dt.timedelta(days=10)
    )
    CertificateFactory(msme=msme, kind="sni", valid_until=today - dt.timedelta(days=1))
    client.force_login(owner)
    page = client.get(reverse("exporters:my_msme")).content.decode()
    assert "cert-status--valid" in page
    assert "Valid until" in page
    assert "cert-status--expiring" in page
    assert "10 days left" in page
    assert "cert-status--expired" in page
    assert "Expired on" in page


def test_the_profile_page_renders_for_owner_officer_and_attache(client):
    owner, msme = owner_with_msme()
    ProductFactory(msme=msme)
    CertificateFactory(msme=msme)
    url = reverse("exporters:msme_detail", args=[msme.pk])
    for user in (owner, make_user(Role.OFFICER), make_user(Role.TRADE_ATTACHE)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.role
        assert msme.nib in response.content.decode()
        assert response.context["can_verify"] is (user.role == Role.OFFICER)


def test_an_attache_may_read_but_not_edit_a_profile(client):
    _, msme = owner_with_msme()
    client.force_login(make_user(Role.TRADE_ATTACHE))
    assert client.get(reverse("exporters:msme_edit", args=[msme.pk])).status_code == 403


def test_a_buyer_has_no_owner_home(client):
    client.force_login(make_user(Role.BUYER))
    assert client.get(reverse("exporters:my_msme")).status_code == 403


# session, user, memberships, the MSME, its products, their photos, certificates, the
# products each covers, export history: nine, however many products and certificates.
MY_MSME_QUERIES = 9


@pytest.mark.parametrize("products", [1, 6])
def test_the_owner_home_has_a_constant_query_count(
    client, django_assert_num_queries, products
):
    owner, msme = owner_with_msme()
    for _ in range(products):
        product = ProductFactory(msme=msme)
        _photo_for(product)
        CertificateFactory(msme=msme, products=[product])
    client.force_login(owner)
    with django_assert_num_queries(MY_MSME_QUERIES):
        response = client.get(reverse("exporters:my_msme"))
    assert len(response.context["products"]) == products


# --- Products ---------------------------------------------------------------------------------


def test_hs_suggestions_arrive_as_an_htmx_partial(client):
    hs_code("090111")
    owner, _ = owner_with_msme()
    client.force_login(owner)
    response = client.get(
        reverse("exporters:hs_suggest"), {"name_id": "coffee"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-hs-code="090111"' in body
    assert "<html" not in body
    assert 'data-hs-code="0901"' not in body  # only subheadings classify a product


def test_the_product_form_asks_for_suggestions_as_the_owner_types(client):
    owner, msme = owner_with_msme()
    client.force_login(owner)
    page = client.get(reverse("exporters:product_create", args=[msme.pk]))
    body = page.content.decode()
    assert f'hx-get="{reverse("exporters:hs_suggest")}"' in body
    assert 'hx-trigger="keyup changed delay:300ms"' in body
    assert "js/exporters.js" in body


def test_an_owner_adds_a_product_with_a_dotted_hs_code(client):
    hs_code("090111")
    owner, msme = owner_with_msme()
    client.force_login(owner)
    response = client.post(
        reverse("exporters:product_create", args=[msme.pk]), product_form_data()
    )
    product = Product.objects.get(msme=msme)
    assert response["Location"] == reverse(
        "exporters:product_detail", args=[product.pk]
    )
    assert product.hs_code_id == "090111"
    assert product.monthly_capacity_kg == Decimal(1500)
    assert product.label_languages == ["id", "en"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("hs_code", "091199"), ("monthly_capacity_kg", "-5"), ("carton_length_cm", "-1")],
)
def test_it_refuses_an_unknown_hs_code_and_negative_amounts(client, field, value):
    hs_code("090111")
    owner, msme = owner_with_msme()
    client.force_login(owner)
    url = reverse("exporters:product_create", args=[msme.pk])
    response = client.post(url, product_form_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Product.objects.exists()


def test_an_owner_edits_a_product(client):
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    data = product_form_data(name_id="Kopi bubuk Liwa", hs_code=product.hs_code_id)
    response = client.post(reverse("exporters:product_edit", args=[product.pk]), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name_id == "Kopi bubuk Liwa"
    assert "bubuk" in product.search_text


def test_an_owner_withdraws_a_product(client):
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    client.post(reverse("exporters:product_active", args=[product.pk]), {"active": "0"})
    product.refresh_from_db()
    assert product.is_active is False


def _product_of(org):
    return ProductFactory(msme=MSMEFactory(organisation=org))


FOREIGN_CASES = [
    AccessCase(
        name="msme-detail",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: reverse("exporters:msme_detail", args=[msme.pk]),
    ),
    AccessCase(
        name="msme-edit",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: reverse("exporters:msme_edit", args=[msme.pk]),
        methods=("get", "post"),
        ok_statuses=frozenset({200}),
    ),
    AccessCase(
        name="product-detail",
        make_owned=_product_of,
        url_for=lambda product: reverse("exporters:product_detail", args=[product.pk]),
    ),
    AccessCase(
        name="product-edit",
        make_owned=_product_of,
        url_for=lambda product: reverse("exporters:product_edit", args=[product.pk]),
        methods=("get", "post"),
    ),
    AccessCase(
        name="certificate-create",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: reverse("exporters:certificate_create", args=[msme.pk]),
    ),
]


@pytest.mark.parametrize(
    ("role", "case"), access_matrix(FOREIGN_CASES, [Role.MSME_OWNER])
)
def test_another_msmes_records_are_not_found(client, role, case):
    check_foreign_404(client, role, case)


def test_a_foreign_product_edit_changes_nothing(client):
    product = ProductFactory(name_id="Lada hitam")
    client.force_login(make_user(Role.MSME_OWNER))
    url = reverse("exporters:product_edit", args=[product.pk])
    response = client.post(url, product_form_data(hs_code=product.hs_code_id))
    assert response.status_code == 404
    product.refresh_from_db()
    assert product.name_id == "Lada hitam"


# --- Photos -----------------------------------------------------------------------------------


def test_an_owner_uploads_a_photo_and_sees_its_thumbnail(client):
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    url = reverse("exporters:product_photo_add", args=[product.pk])
    response = client.post(url, {"image": jpeg_upload()})
    assert response.status_code == 302
    photo = ProductPhoto.objects.get(product=product)
    thumb = client.get(reverse("exporters:photo", args=[photo.pk, "thumb"]))
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).width <= 320
    page = client.get(reverse("exporters:product_detail", args=[product.pk]))
    assert reverse("exporters:photo", args=[photo.pk, "thumb"]) in page.content.decode()


def test_a_renamed_executable_is_not_accepted_as_a_photo(client):
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    upload = SimpleUploadedFile("kopi.jpg", EXECUTABLE_BYTES, content_type="image/jpeg")
    url = reverse("exporters:product_photo_add", args=[product.pk])
    response = client.post(url, {"image": upload})
    assert response.status_code == 200
    assert response.context["photo_form"].errors["image"]
    assert not ProductPhoto.objects.exists()


def test_an_oversized_photo_is_refused_with_413(client, settings):
    settings.SERUMPUN_MAX_UPLOAD_BYTES = 1024
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    url = reverse("exporters:product_photo_add", args=[product.pk])
    response = client.post(url, {"image": jpeg_upload(size=(800, 800))})
    assert response.status_code == 413
    assert response.context["photo_form"].errors["image"]
    assert not ProductPhoto.objects.exists()


def _photo_for(product):
    return ProductPhoto.objects.create(
        product=product,
        image=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff full"),
        thumbnail=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff thumb"),
        content_type="image/jpeg",
        width=1,
        height=1,
        size_bytes=10,
    )


def test_photos_are_private_to_the_owner_until_in_the_catalogue(client):
    draft_photo = _photo_for(ProductFactory())
    catalogue_photo = _photo_for(ProductFactory(msme=MSMEFactory(verified=True)))
    client.force_login(make_user(Role.MSME_OWNER))
    assert (
        client.get(
            reverse("exporters:photo", args=[draft_photo.pk, "full"])
        ).status_code
        == 404
    )
    client.force_login(make_user(Role.BUYER))
    assert (
        client.get(
            reverse("exporters:photo", args=[draft_photo.pk, "full"])
        ).status_code
        == 404
    )
    response = client.get(reverse("exporters:photo", args=[catalogue_photo.pk, "full"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff full"
    assert (
        client.get(
            reverse("exporters:photo", args=[catalogue_photo.pk, "big"])
        ).status_code
        == 404
    )


def test_photos_need_a_signed_in_user(client):
    photo = _photo_for(ProductFactory(msme=MSMEFactory(verified=True)))
    response = client.get(reverse("exporters:photo", args=[photo.pk, "thumb"]))
    assert response.status_code == 302


# --- Certificates -----------------------------------------------------------------------------


def test_an_owner_records_a_certificate_with_its_document(client):
    owner, msme = owner_with_msme()
    product = ProductFactory(msme=msme)
    client.force_login(owner)
    today = timezone.localdate()
    data = {
        "kind": "halal",
        "number": "ID18110000123456",
        "issuer": "BPJPH",
        "issued_on": (today - dt.timedelta(days=10)).isoformat(),
        "valid_until": (today + dt.timedelta(days=700)).isoformat(),
        "document": SimpleUploadedFile(
            "halal.pdf", PDF_BYTES, content_type="application/pdf"
        ),
        "products": [product.pk],
    }
    response = client.post(
        reverse("exporters:certificate_create", args=[msme.pk]), data
    )
    assert response.status_code == 302, response.context["form"].errors
    certificate = Certificate.objects.get(msme=msme)
    assert list(certificate.products.all()) == [product]
    document = client.get(
        reverse("exporters:certificate_document", args=[certificate.pk])
    )
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert document["X-Content-Type-Options"] == "nosniff"
    assert b"".join(document.streaming_content) == PDF_BYTES


def test_a_certificate_that_expires_before_its_issue_is_refused(client):
    owner, msme = owner_with_msme()
    client.force_login(owner)
    data = {
        "kind": "pirt",
        "number": "P-IRT 2061871010123-29",
        "issuer": "Dinas Kesehatan",
        "issued_on": "2025-05-01",
        "valid_until": "2025-04-01",
    }
    response = client.post(
        reverse("exporters:certificate_create", args=[msme.pk]), data
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not Certificate.objects.exists()


def test_a_renamed_executable_is_not_accepted_as_a_certificate_document(client):
    owner, msme = owner_with_msme()
    client.force_login(owner)
    data = {
        "kind": "halal",
        "number": "ID1811",
        "issuer": "BPJPH",
        "valid_until": "2030-01-01",
        "document": SimpleUploadedFile("halal.pdf", EXECUTABLE_BYTES),
    }
    response = client.post(
        reverse("exporters:certificate_create", args=[msme.pk]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Certificate.objects.exists()


def test_a_foreign_certificate_document_is_not_found(client):
    certificate = CertificateFactory(document=SimpleUploadedFile("c.pdf", PDF_BYTES))
    client.force_login(make_user(Role.MSME_OWNER))
    url = reverse("exporters:certificate_document", args=[certificate.pk])
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.OFFICER))
    assert client.get(url).status_code == 200


def test_an_owner_removes_a_mistyped_export_line_and_it_is_audited(client):
    from serumpun.core.models import AuditEvent
    from serumpun.exporters.models import ExportRecord
    from serumpun.exporters.tests.factories import ExportRecordFactory

    owner, msme = owner_with_msme()
    line = ExportRecordFactory(msme=msme)
    client.force_login(owner)
    assert (
        reverse("exporters:export_delete", args=[line.pk]).encode()
        in client.get(reverse("exporters:msme_detail", args=[msme.pk])).content
    )

    response = client.post(reverse("exporters:export_delete", args=[line.pk]))

    assert response.status_code == 302
    assert not ExportRecord.objects.filter(pk=line.pk).exists()
    assert AuditEvent.objects.filter(
        action="exporters.export.deleted", object_id=str(line.pk)
    ).exists()


def test_another_owners_export_line_is_not_found(client):
    from serumpun.exporters.models import ExportRecord
    from serumpun.exporters.tests.factories import ExportRecordFactory

    _owner, msme = owner_with_msme()
    line = ExportRecordFactory(msme=msme)
    stranger, _theirs = owner_with_msme()
    client.force_login(stranger)

    response = client.post(reverse("exporters:export_delete", args=[line.pk]))

    assert response.status_code == 404
    assert ExportRecord.objects.filter(pk=line.pk).exists()
