"""The landed-cost page: the result, the htmx partial, the freight from a quote, errors."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory
from serumpun.logistics.tests.builders import load_network_reference, standard_rates

pytestmark = pytest.mark.django_db

URL = reverse("logistics:landed_cost")


def params(**changes):
    data = {
        "hs_code": "090121",
        "destination": "MYPKG",
        "quantity_kg": "1000",
        "exw_idr_per_kg": "83250",
        "origin_charges_usd": "150",
        "freight_usd": "300",
        "destination_charges_myr": "400",
        "form_d": "on",
    }
    data.update(changes)
    return f"{URL}?{urlencode({k: v for k, v in data.items() if v is not None})}"


@pytest.fixture
def owner(client):
    load_network_reference()
    user = make_user(Role.MSME_OWNER)
    client.force_login(user)
    return user


def test_the_empty_calculator_renders(client, owner):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'id="landed-result"' in response.content
    assert b'name="exw_idr_per_kg"' in response.content


def test_it_shows_each_step_and_the_form_d_saving(client, owner, in_english):
    response = client.get(params(), HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Free on board (FOB)" in text
    assert "Import duty (ATIGA, 0%)" in text
    assert "Form D saves" in text  # roasted coffee: 10% MFN in the book


def test_htmx_gets_only_the_result(client, owner, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(params(), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<section id="landed-result"')
    assert "<form" not in text


def test_the_reverse_price_is_shown(client, owner, in_english):
    response = client.get(
        params(exw_idr_per_kg=None, shelf_myr_per_kg="60", margin_percent="40"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()
    assert "Price that reaches the target shelf price" in text
    assert "Landed cost allowed" in text


def test_missing_freight_without_a_product_is_an_error(client, owner, in_english):
    response = client.get(params(freight_usd=None), HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter the freight, or choose a product" in response.content.decode()


@pytest.mark.parametrize(
    "change", [{"quantity_kg": "0"}, {"hs_code": "999999"}, {"destination": "XXXXX"}]
)
def test_bad_input_is_reported_not_a_crash(client, owner, change):
    response = client.get(params(**change))
    assert response.status_code == 200
    assert b'class="form-errors"' in response.content


def test_freight_comes_from_the_cheapest_sea_quote(client, owner, in_english):
    standard_rates()
    msme = MSMEFactory(organisation=owner.organisation)
    product = ProductFactory(
        msme=msme,
        carton_length_cm=Decimal(40),
        carton_width_cm=Decimal(30),
        carton_height_cm=Decimal(30),
        carton_gross_weight_kg=Decimal(12),
    )
    response = client.get(
        params(freight_usd=None, product=product.pk, cartons="2"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()
    assert "Freight from the cheapest sea quote" in text
    assert "Test forwarder quote" in text  # the rate's source is shown


def test_another_msmes_product_cannot_be_picked(client, owner):
    foreign = ProductFactory()
    response = client.get(params(product=foreign.pk, cartons="2", freight_usd=None))
    assert b'class="form-errors"' in response.content


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
