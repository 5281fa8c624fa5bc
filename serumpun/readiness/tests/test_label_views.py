"""The label checker page: verdicts, the htmx result, and halal certificates from the registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import Verification
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
)

pytestmark = pytest.mark.django_db

URL = reverse("readiness:label_check")
COMPLETE = {
    "items": [
        "product_name",
        "ingredients",
        "net_content",
        "origin",
        "importer",
        "date_marking",
        "nutrition",
    ],
    "languages": ["id", "en"],
}


@pytest.fixture
def owner():
    return make_user(Role.MSME_OWNER)


@pytest.fixture
def chips(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    return ProductFactory(msme=msme, hs_code=hs_code("200899"), halal_claim=True)


def check(client, data, **headers):
    return client.get(URL, data, HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_it_needs_a_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_form_lists_every_label_item(client, owner):
    client.force_login(owner)

    page = check(client, {}).content.decode()

    assert 'value="date_marking"' in page
    assert 'value="importer"' in page
    assert 'id="label-result"' in page
    assert "data-verdict" not in page


def test_a_complete_label_passes(client, owner):
    client.force_login(owner)

    page = check(client, COMPLETE).content.decode()

    assert "This label meets Malaysia" in page
    assert 'data-verdict="language-ok"' in page
    assert 'data-verdict="date-ok"' in page


def test_an_indonesian_only_label_without_date_fails_on_each_count(client, owner):
    client.force_login(owner)
    data = {"items": ["product_name", "ingredients"], "languages": ["id"]}

    page = check(client, data).content.decode()

    assert "not ready for Malaysia yet" in page
    assert 'data-verdict="language-fail"' in page
    assert 'data-verdict="date-fail"' in page
    assert "Name and address of the importer in Malaysia" in page
    assert "Net content (weight or volume)" in page


def test_htmx_gets_only_the_result(client, owner):
    client.force_login(owner)

    response = check(client, COMPLETE, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="label-result"')
    assert "<form" not in page


def test_a_halal_logo_without_certificate_is_refused(client, owner):
    client.force_login(owner)

    page = check(client, {**COMPLETE, "halal_logo": "on"}).content.decode()

    assert 'data-verdict="halal-not-allowed"' in page
    assert "not ready for Malaysia yet" in page


def test_a_valid_bpjph_certificate_of_the_product_allows_the_logo(client, owner, chips):
    CertificateFactory(msme=chips.msme, products=[chips])
    client.force_login(owner)

    page = check(
        client, {**COMPLETE, "product": chips.pk, "halal_logo": "on"}
    ).content.decode()

    assert 'data-verdict="halal-may-use"' in page
    assert "meets Malaysia" in page


def test_a_certificate_for_the_whole_msme_counts(client, owner, chips):
    CertificateFactory(msme=chips.msme)  # no products: covers the whole MSME
    client.force_login(owner)

    page = check(client, {**COMPLETE, "product": chips.pk}).content.decode()

    assert 'data-verdict="halal-may-use"' in page


@pytest.mark.parametrize(
    "certificate",
    [
        {"valid_until": dt.date(2020, 1, 1)},  # expired: counts as absent
        {"verification": Verification.REJECTED},
        {"kind": "pirt"},
    ],
)
def test_no_valid_halal_certificate_means_no_logo(client, owner, chips, certificate):
    CertificateFactory(msme=chips.msme, products=[chips], **certificate)
    client.force_login(owner)

    page = check(
        client, {**COMPLETE, "product": chips.pk, "halal_logo": "on"}
    ).content.decode()

    assert 'data-verdict="halal-not-allowed"' in page


def test_a_certificate_of_another_product_does_not_count(client, owner, chips):
    other = ProductFactory(msme=chips.msme, hs_code=chips.hs_code)
    CertificateFactory(msme=chips.msme, products=[other])
    client.force_login(owner)

    page = check(
        client, {**COMPLETE, "product": chips.pk, "halal_logo": "on"}
    ).content.decode()

    assert 'data-verdict="halal-not-allowed"' in page


def test_the_registry_wins_over_what_the_owner_ticks(client, owner, chips):
    client.force_login(owner)

    page = check(
        client,
        {
            **COMPLETE,
            "product": chips.pk,
            "halal_logo": "on",
            "halal_certificate": "valid",
        },
    ).content.decode()

    assert 'data-verdict="halal-not-allowed"' in page


def test_a_self_declared_certificate_is_to_be_confirmed(client, owner, chips):
    CertificateFactory(msme=chips.msme, products=[chips], issuer="BPJPH self declare")
    client.force_login(owner)

    page = check(client, {**COMPLETE, "product": chips.pk}).content.decode()

    assert 'data-verdict="halal-to-confirm"' in page


def test_another_organisations_product_cannot_be_used(client, owner):
    foreign = ProductFactory(msme=MSMEFactory(), hs_code=hs_code("200899"))
    CertificateFactory(msme=foreign.msme, products=[foreign])
    client.force_login(owner)

    page = check(client, {**COMPLETE, "product": foreign.pk}).content.decode()

    assert "data-verdict" not in page
    assert "form-errors" in page


def test_the_check_costs_a_constant_number_of_queries(
    client, owner, chips, django_assert_num_queries
):
    for _ in range(3):
        CertificateFactory(msme=chips.msme, products=[chips])
    client.force_login(owner)
    data = {**COMPLETE, "product": chips.pk}
    check(client, data)

    # session, user, memberships, the chosen product, its certificates, the product list
    with django_assert_num_queries(6):
        response = check(client, data)
    assert response.status_code == 200
    assert timezone.localdate()  # the certificates are judged as of today


def test_the_products_recorded_label_languages_count_when_none_is_ticked(
    client, owner, chips
):
    chips.label_languages = ["id", "ms"]
    chips.save()
    client.force_login(owner)
    data = {"items": COMPLETE["items"], "product": chips.pk}

    page = check(client, data).content.decode()
    ticked = check(client, {**data, "languages": ["id"]}).content.decode()

    assert 'data-verdict="language-ok"' in page
    assert 'data-verdict="languages-from-product"' in page
    assert 'data-verdict="language-fail"' in ticked  # what is ticked wins
