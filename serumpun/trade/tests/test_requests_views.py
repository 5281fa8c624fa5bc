"""Sourcing-request pages: the buyer's list and form, the detail (foreign 404), closing,
and the MSME's list of requests it may answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.trade.models import SourcingRequest
from serumpun.trade.tests.factories import SourcingRequestFactory, buyer_user

pytestmark = pytest.mark.django_db


def test_the_buyer_sees_only_its_requests_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    owner = buyer_user()
    mine = SourcingRequestFactory.create_batch(3, buyer=owner.organisation)
    foreign = SourcingRequestFactory(title="Somebody else's pepper")
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trade:requests"))
    assert response.status_code == 200
    assert all(r.title in response.text for r in mine)
    assert foreign.title not in response.text
    partial = client.get(reverse("trade:requests"), HTTP_HX_REQUEST="true")
    assert 'id="request-results"' in partial.text
    assert "<html" not in partial.text


def test_the_buyer_posts_a_request_through_the_form(client):
    owner = buyer_user()
    client.force_login(owner)
    assert client.get(reverse("trade:request_new")).status_code == 200
    response = client.post(
        reverse("trade:request_new"),
        {
            "title": "Kopi robusta hijau",
            "hs_code": "0901 11",
            "quantity_kg_per_month": "5000",
            "required_certificates": ["halal"],
            "destination_locode": "MYPKG",
            "incoterm": "FOB",
            "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        },
    )
    created = SourcingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trade:request_detail", args=[created.pk])
    assert created.hs_code_id == "090111"
    assert created.required_certificates == ["halal"]


def test_a_bad_hs_code_is_shown_on_the_form(client, in_english):
    client.force_login(buyer_user())
    response = client.post(
        reverse("trade:request_new"),
        {
            "title": "X",
            "hs_code": "999999",
            "quantity_kg_per_month": "10",
            "destination_locode": "MYPKG",
        },
    )
    assert response.status_code == 200
    assert "six-digit HS code" in response.text
    assert not SourcingRequest.objects.exists()


def test_a_foreign_request_is_a_404_and_the_owner_closes_its_own(client):
    owner = buyer_user()
    mine = SourcingRequestFactory(buyer=owner.organisation)
    foreign = SourcingRequestFactory()
    client.force_login(owner)
    assert (
        client.get(reverse("trade:request_detail", args=[foreign.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("trade:request_detail", args=[mine.pk])).status_code == 200
    )
    url = reverse("trade:request_close", args=[mine.pk])
    client.post(url, {"status": "fulfilled"})  # not confirmed: nothing happens
    mine.refresh_from_db()
    assert mine.status == "open"
    client.post(url, {"status": "fulfilled", "confirm": "on"})
    mine.refresh_from_db()
    assert mine.status == "fulfilled"


def test_an_msme_sees_open_valid_requests_only(client):
    msme = MSMEFactory(verified=True)
    owner = make_user(Role.MSME_OWNER, organisation=msme.organisation)
    open_request = SourcingRequestFactory(title="Open robusta")
    SourcingRequestFactory(title="Expired robusta", valid_until=dt.date(2020, 1, 1))
    SourcingRequestFactory(title="Closed robusta", status="closed")
    SourcingRequestFactory(title="Private robusta", invited_msmes=[MSMEFactory()])
    client.force_login(owner)
    assert client.get(reverse("trade:requests")).status_code == 302
    response = client.get(reverse("trade:msme_requests"))
    assert open_request.title in response.text
    for hidden in ("Expired", "Closed", "Private"):
        assert f"{hidden} robusta" not in response.text
    detail = client.get(reverse("trade:request_detail", args=[open_request.pk]))
    assert detail.status_code == 200
    assert "request_close" not in detail.text and "Close" not in detail.text
    # the fit panel keeps only the fit page's block (not a second header and footer)
    assert 'hx-select=".trade-matching"' in detail.text
    assert "css/trade.css" in detail.text
