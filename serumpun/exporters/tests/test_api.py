"""API.md "Exporters": every endpoint, its 201/200 answer and its 422/409/404/403 cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.core.models import AuditEvent
from serumpun.core.testing import (
    AccessCase,
    access_matrix,
    bearer_fetch,
    check_foreign_404,
)
from serumpun.exporters.models import MSME, Verification
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    regency,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    """A client signed in with a bearer token."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        response = client.post(
            f"{API}/auth/token",
            {"email": user.email, "password": TEST_PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path, **params):
        return self.client.get(f"{API}{path}", params, headers=self.headers)

    def post(self, path, body=None):
        return self.client.post(
            f"{API}{path}",
            body or {},
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path, body):
        return self.client.patch(
            f"{API}{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def as_role(client):
    def sign_in(role, organisation=None):
        return Api(client, make_user(role, organisation))

    return sign_in


@pytest.fixture
def owner_api(as_role):
    return as_role(Role.MSME_OWNER)


@pytest.fixture
def officer_api(as_role):
    return as_role(Role.OFFICER)


def msme_body(**overrides):
    body = {
        "name": "CV Lada Hitam Sukadana",
        "nib": "9120001234567",
        "regency_code": regency("1807").code,
        "owner_name": "Wayan Sudirta",
        "phone": "0812 3456 7890",
        "annual_turnover_idr": 600_000_000,
        "languages": ["id", "en"],
    }
    body.update(overrides)
    return body


def error_fields(response):
    return [error["loc"][-1] for error in response.json()["errors"]]


def own_msme(api, **fields):
    return MSMEFactory(organisation=api.user.organisation, **fields)


# --- POST /msmes ------------------------------------------------------------------------------


def test_an_owner_registers_their_msme(owner_api):
    response = owner_api.post("/msmes", msme_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["nib"] == "9120001234567"
    assert body["regency_code"] == "1807"
    assert body["phone"] == "+6281234567890"
    assert body["size_class"] == "micro"
    assert body["verification"] == "draft"
    msme = MSME.objects.get(pk=body["id"])
    assert msme.organisation == owner_api.user.organisation
    assert msme.source == "api"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nib": "12345"}, "nib"),
        ({"nib": "91200012345AB"}, "nib"),
        ({"phone": "not a phone"}, "phone"),
        ({"regency_code": "9999"}, "regency_code"),
        ({"regency_code": "abc"}, "regency_code"),
        ({"assets_idr": -1}, "assets_idr"),
        ({"established_year": 1200}, "established_year"),
        ({"kbli_code": "1"}, "kbli_code"),
        ({"email": "nope"}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_profile_values_are_422_naming_the_field(officer_api, overrides, field):
    response = officer_api.post("/msmes", msme_body(**overrides))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in error_fields(response)


def test_a_second_msme_with_the_same_nib_is_409(officer_api):
    assert officer_api.post("/msmes", msme_body()).status_code == 201
    response = officer_api.post("/msmes", msme_body(name="Another"))
    assert response.status_code == 409
    assert MSME.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.BUYER, Role.EMPLOYER, Role.SEEKER, Role.FORWARDER]
)
def test_other_roles_may_not_register_msmes(as_role, role):
    assert as_role(role).post("/msmes", msme_body()).status_code == 403
    assert not MSME.objects.exists()


def test_an_officer_registers_an_offline_msme(officer_api):
    response = officer_api.post("/msmes", msme_body())
    assert response.status_code == 201
    assert MSME.objects.get(pk=response.json()["id"]).organisation is None


# --- GET /msmes, GET/PATCH /msmes/{id} ----------------------------------------------------------


def test_an_owner_lists_only_their_own_msme(owner_api):
    mine = own_msme(owner_api)
    MSMEFactory()
    response = owner_api.get("/msmes")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]


def test_an_officer_filters_by_regency_and_searches_name_or_nib(
    officer_api, django_assert_num_queries
):
    coffee = MSMEFactory(name="CV Kopi Liwa", regency=regency("1801"))
    pepper = MSMEFactory(
        name="UD Lada Sukadana", nib="9180001112223", regency=regency("1807")
    )
    MSMEFactory.create_batch(3, regency=regency("1807"))

    by_regency = officer_api.get("/msmes", regency_code="1801").json()
    assert [row["id"] for row in by_regency["items"]] == [coffee.pk]
    by_name = officer_api.get("/msmes", q="lada").json()
    assert [row["id"] for row in by_name["items"]] == [pepper.pk]
    by_nib = officer_api.get("/msmes", q="9180 0011").json()
    assert [row["id"] for row in by_nib["items"]] == [pepper.pk]
    # session, token, memberships, count, page: whatever the page size
    with django_assert_num_queries(5):
        page = officer_api.get("/msmes", limit=100)
    assert page.json()["count"] == 5


def test_list_filters_are_bounded(officer_api):
    assert officer_api.get("/msmes", q="x" * 101).status_code == 422
    assert officer_api.get("/msmes", regency_code="18011").status_code == 422
    assert officer_api.get("/msmes", limit=1000).status_code == 422


def test_an_owner_reads_and_edits_their_msme(owner_api):
    msme = own_msme(owner_api)
    assert owner_api.get(f"/msmes/{msme.pk}").json()["nib"] == msme.nib
    response = owner_api.patch(
        f"/msmes/{msme.pk}", {"assets_idr": 6_000_000_000, "annual_turnover_idr": None}
    )
    assert response.status_code == 200, response.content
    assert response.json()["size_class"] == "medium"
    assert response.json()["annual_turnover_idr"] is None


def test_editing_to_a_taken_nib_is_409(owner_api):
    other = MSMEFactory()
    msme = own_msme(owner_api)
    assert owner_api.patch(f"/msmes/{msme.pk}", {"nib": other.nib}).status_code == 409


def test_editing_with_a_bad_phone_is_422(owner_api):
    msme = own_msme(owner_api)
    response = owner_api.patch(f"/msmes/{msme.pk}", {"phone": "12"})
    assert response.status_code == 422
    assert error_fields(response) == ["phone"]


def test_an_owner_editing_another_msme_gets_404(owner_api):
    other = MSMEFactory()
    assert owner_api.patch(f"/msmes/{other.pk}", {"name": "Mine"}).status_code == 404
    other.refresh_from_db()
    assert other.name != "Mine"


def test_an_attache_reads_any_msme_but_may_not_edit(as_role):
    attache = as_role(Role.TRADE_ATTACHE)
    msme = MSMEFactory()
    assert attache.get(f"/msmes/{msme.pk}").status_code == 200
    assert attache.patch(f"/msmes/{msme.pk}", {"name": "X"}).status_code == 403


def test_a_huge_id_is_422_not_500(officer_api):
    assert officer_api.get(f"/msmes/{2**70}").status_code == 422


# --- submit and verify ------------------------------------------------------------------------


def test_submit_then_an_officer_verifies(owner_api, as_role):
    msme = own_msme(owner_api)
    response = owner_api.post(f"/msmes/{msme.pk}/submit")
    assert response.status_code == 200
    assert response.json()["verification"] == "submitted"
    assert owner_api.post(f"/msmes/{msme.pk}/submit").status_code == 409

    officer = as_role(Role.OFFICER)
    response = officer.post(f"/msmes/{msme.pk}/verify", {"decision": "verified"})
    assert response.status_code == 200
    assert response.json()["verification"] == "verified"
    assert AuditEvent.objects.filter(
        action="exporters.msme.verified", object_id=str(msme.pk)
    ).exists()


def test_rejecting_without_a_reason_is_422(officer_api):
    msme = MSMEFactory(submitted=True)
    response = officer_api.post(f"/msmes/{msme.pk}/verify", {"decision": "rejected"})
    assert response.status_code == 422
    assert error_fields(response) == ["reason"]
    response = officer_api.post(
        f"/msmes/{msme.pk}/verify",
        {"decision": "rejected", "reason": "Alamat tidak ada"},
    )
    assert response.json()["verification_reason"] == "Alamat tidak ada"


def test_an_owner_may_not_verify_their_own_msme(owner_api):
    msme = own_msme(owner_api, submitted=True)
    response = owner_api.post(f"/msmes/{msme.pk}/verify", {"decision": "verified"})
    assert response.status_code == 403
    msme.refresh_from_db()
    assert msme.verification == Verification.SUBMITTED


def test_an_unknown_decision_is_422(officer_api):
    msme = MSMEFactory(submitted=True)
    response = officer_api.post(f"/msmes/{msme.pk}/verify", {"decision": "maybe"})
    assert response.status_code == 422


# --- products ---------------------------------------------------------------------------------


def product_body(**overrides):
    body = {
        "name": "Lada hitam Lampung",
        "name_en": "Lampung black pepper",
        "hs_code": "090111",
        "description": "Lada hitam kering",
        "monthly_capacity_kg": 3000,
        "unit_net_weight_kg": 0.25,
        "fob_price_usd_per_kg": 6.5,
        "halal_claim": False,
        "processed": False,
        "label_languages": ["id", "en"],
        "packaging": {"carton_length_cm": 40, "units_per_carton": 40},
    }
    body.update(overrides)
    return body


def test_an_owner_adds_and_lists_products(owner_api, django_assert_num_queries):
    msme = own_msme(owner_api)
    response = owner_api.post(f"/msmes/{msme.pk}/products", product_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hs_code"] == "090111"
    assert body["monthly_capacity_kg"] == 3000
    assert body["packaging"]["units_per_carton"] == 40
    ProductFactory.create_batch(3, msme=msme)
    with django_assert_num_queries(6):  # session, token, memberships, msme, count, page
        listed = owner_api.get(f"/msmes/{msme.pk}/products")
    assert listed.json()["count"] == 4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hs_code": "098765"}, "hs_code"),
        ({"hs_code": "coffee"}, "hs_code"),
        ({"monthly_capacity_kg": -5}, "monthly_capacity_kg"),
        ({"fob_price_usd_per_kg": -1}, "fob_price_usd_per_kg"),
        ({"monthly_capacity_kg": 1e20}, "monthly_capacity_kg"),
        ({"label_languages": ["fr"]}, "label_languages"),
    ],
)
def test_bad_product_values_are_422(owner_api, overrides, field):
    msme = own_msme(owner_api)
    response = owner_api.post(f"/msmes/{msme.pk}/products", product_body(**overrides))
    assert response.status_code == 422, response.content
    assert field in [str(loc) for e in response.json()["errors"] for loc in e["loc"]]
    assert not msme.products.exists()


def test_an_owner_may_not_add_products_to_another_msme(owner_api):
    other = MSMEFactory()
    assert (
        owner_api.post(f"/msmes/{other.pk}/products", product_body()).status_code == 404
    )


# --- certificates -----------------------------------------------------------------------------


def test_certificates_carry_their_status_and_products(
    owner_api, django_assert_num_queries
):
    msme = own_msme(owner_api)
    product = ProductFactory(msme=msme)
    today = timezone.localdate()
    response = owner_api.post(
        f"/msmes/{msme.pk}/certificates",
        {
            "kind": "halal",
            "number": "ID18110000999",
            "issuer": "BPJPH",
            "valid_until": (today + dt.timedelta(days=30)).isoformat(),
            "product_ids": [product.pk],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "expiring"
    assert response.json()["product_ids"] == [product.pk]
    CertificateFactory(msme=msme, valid_until=today - dt.timedelta(days=1))
    CertificateFactory(msme=msme, valid_until=today + dt.timedelta(days=400))
    with django_assert_num_queries(7):  # auth 3 + msme + count + page + products
        listed = owner_api.get(f"/msmes/{msme.pk}/certificates").json()
    assert [row["status"] for row in listed["items"]] == [
        "expired",
        "expiring",
        "valid",
    ]


def test_a_certificate_for_another_msmes_product_is_422(owner_api):
    msme = own_msme(owner_api)
    response = owner_api.post(
        f"/msmes/{msme.pk}/certificates",
        {
            "kind": "pirt",
            "number": "P-1",
            "issuer": "Dinkes Lampung Barat",
            "valid_until": "2030-01-01",
            "product_ids": [ProductFactory().pk],
        },
    )
    assert response.status_code == 422
    assert error_fields(response) == ["product_ids"]


def test_an_unknown_certificate_kind_is_422(owner_api):
    msme = own_msme(owner_api)
    response = owner_api.post(
        f"/msmes/{msme.pk}/certificates",
        {"kind": "magic", "number": "1", "issuer": "x", "valid_until": "2030-01-01"},
    )
    assert response.status_code == 422


def test_an_officer_verifies_a_certificate_once(officer_api):
    certificate = CertificateFactory()
    path = f"/certificates/{certificate.pk}/verify"
    response = officer_api.post(path, {"decision": "verified"})
    assert response.status_code == 200
    assert response.json()["verification"] == "verified"
    assert officer_api.post(path, {"decision": "verified"}).status_code == 409


def test_an_owner_may_not_verify_a_certificate(owner_api):
    certificate = CertificateFactory(msme=own_msme(owner_api))
    path = f"/certificates/{certificate.pk}/verify"
    assert owner_api.post(path, {"decision": "verified"}).status_code == 403


def test_unauthenticated_requests_are_401(client):
    assert client.get(f"{API}/msmes").status_code == 401


# --- another organisation's records answer 404 ------------------------------------------------


CASES = [
    AccessCase(
        name="msme-detail",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: f"{API}/msmes/{msme.pk}",
    ),
    AccessCase(
        name="msme-products",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: f"{API}/msmes/{msme.pk}/products",
    ),
    AccessCase(
        name="msme-certificates",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: f"{API}/msmes/{msme.pk}/certificates",
    ),
    AccessCase(
        name="msme-submit",
        make_owned=lambda org: MSMEFactory(organisation=org),
        url_for=lambda msme: f"{API}/msmes/{msme.pk}/submit",
        methods=("post",),
    ),
]


@pytest.mark.parametrize(("role", "case"), access_matrix(CASES, [Role.MSME_OWNER]))
def test_foreign_msmes_are_not_found(client, role, case):
    check_foreign_404(client, role, case, fetch=bearer_fetch)


@pytest.mark.parametrize("role", [Role.BUYER, Role.EMPLOYER, Role.AGENCY])
def test_roles_without_registry_access_find_no_msme(as_role, role):
    msme = MSMEFactory()
    api = as_role(role)
    assert api.get(f"/msmes/{msme.pk}").status_code == 404
    assert api.get("/msmes").json()["count"] == 0
