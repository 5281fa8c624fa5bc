"""The requirements page: any signed-in user, HS code or own product, htmx partial, queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory, hs_code

pytestmark = pytest.mark.django_db

URL = reverse("readiness:requirements")


@pytest.fixture
def coffee():
    code = hs_code("090111")
    # as in the loaded nomenclature (data/hs): a description and Indonesian names
    code.description = "Coffee; not roasted or decaffeinated"
    code.name_id = "kopi, kopi biji, kopi robusta"
    code.save()
    return code


@pytest.fixture
def owner():
    return make_user(Role.MSME_OWNER)


def test_it_needs_a_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.MSME_OWNER, Role.OFFICER, Role.BUYER, Role.SEEKER, Role.TRADE_ATTACHE]
)
def test_any_signed_in_user_sees_the_form(client, role):
    client.force_login(make_user(role))

    response = client.get(URL)

    assert response.status_code == 200
    assert b'name="hs_code"' in response.content
    assert b"requirements-side" not in response.content


def test_green_coffee_shows_both_sides_grouped_by_step(client, owner, coffee):
    client.force_login(owner)

    response = client.get(
        URL, {"hs_code": "090111", "market": "MY"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = response.content.decode()
    origin = page.index("requirements-side--origin")
    destination = page.index("requirements-side--destination")
    assert origin < destination
    assert page.index('id="req-ID-PHYTOSANITARY"') < destination
    assert page.index('id="req-MY-COFFEE-PERMIT"') > destination
    assert "MAQIS (Peninsular Malaysia) on DOA approval" in page
    assert 'href="https://lic-public.wto.org"' in page
    assert "to be confirmed" in page  # medium-confidence phytosanitary rule
    assert "What does exporting Coffee (HS 0901.11) to Malaysia take?" in page


def test_it_speaks_indonesian_by_default(client, owner, coffee):
    client.force_login(owner)

    page = client.get(URL, {"hs_code": "090111", "market": "MY"}).content.decode()

    assert "Izin impor MAQIS untuk kopi biji mentah" in page
    assert "HS 0901.11/0901.12 adalah kopi biji mentah" in page
    assert "kopi (HS 0901.11)" in page  # the HS code's Indonesian name


def test_htmx_gets_only_the_results(client, owner, coffee):
    client.force_login(owner)

    response = client.get(
        URL, {"hs_code": "090111", "market": "MY"}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="requirements-results"')
    assert "<html" not in page
    assert 'id="req-MY-COFFEE-PERMIT"' in page


def test_an_unknown_hs_code_is_a_form_error(client, owner, coffee):
    client.force_login(owner)

    response = client.get(URL, {"hs_code": "999999", "market": "MY"})

    assert response.status_code == 200
    assert b"requirements-side" not in response.content
    assert b"form-errors" in response.content


def test_an_own_product_brings_its_hs_code_halal_claim_and_processing(
    client, owner, coffee
):
    msme = MSMEFactory(organisation=owner.organisation)
    chips = ProductFactory(
        msme=msme, hs_code=hs_code("200899"), halal_claim=True, processed=True
    )
    client.force_login(owner)

    page = client.get(
        URL, {"product": chips.pk, "market": "MY"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert 'id="req-MY-HALAL-RECOGNISED"' in page
    assert 'id="req-ID-FOOD-REGISTRATION"' in page
    assert 'id="req-MY-COFFEE-PERMIT"' not in page
    assert chips.name_in("en") in page


def test_another_organisations_product_cannot_be_picked(client, owner, coffee):
    foreign = ProductFactory(msme=MSMEFactory(), hs_code=coffee)
    client.force_login(owner)

    response = client.get(URL, {"product": foreign.pk, "market": "MY"})

    assert response.status_code == 200
    assert b"requirements-side" not in response.content
    assert foreign.name_id.encode() not in response.content


def test_the_page_costs_a_constant_number_of_queries(
    client, owner, coffee, django_assert_num_queries
):
    msme = MSMEFactory(organisation=owner.organisation)
    for _ in range(5):
        ProductFactory(msme=msme, hs_code=coffee)
    client.force_login(owner)
    client.get(URL, {"hs_code": "090111", "market": "MY"})  # warm caches

    # session, user, memberships, the product list, the HS code
    with django_assert_num_queries(5):
        response = client.get(URL, {"hs_code": "090111", "market": "MY"})
    assert response.status_code == 200


def test_the_page_prints_cleanly(client, owner, coffee):
    client.force_login(owner)

    page = client.get(URL, {"hs_code": "090111", "market": "MY"}).content.decode()

    assert "css/readiness-requirements.css" in page
    assert "data-print" in page
    assert "<style" not in page and "style=" not in page  # CSP: no inline styles
