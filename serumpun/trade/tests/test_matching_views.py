"""Matching pages: the matches partial, fit, opportunities, pledges (access and content)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.trade import actions_pools
from serumpun.trade.models import PoolPledge
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
    buyer_user,
)
from serumpun.trade.tests.factories_matching import supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def sourcing():  # type: ignore[no-untyped-def]
    profile = BuyerProfileFactory()
    BuyerPermitFactory(buyer=profile)
    request = SourcingRequestFactory(
        buyer=profile.organisation,
        quantity_kg_per_month=Decimal("5000"),
        required_certificates=["halal"],
        valid_until=timezone.localdate() + dt.timedelta(days=60),
    )
    return request, buyer_user(profile)


def test_the_buyer_sees_supplier_cards_with_reasons(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, buyer = sourcing
    product = supplier()
    client.force_login(buyer)
    response = client.get(reverse("trade:request_matches", args=[request.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-product="{product.pk}"' in html
    assert product.name_id in html


def test_another_buyer_gets_404(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, _ = sourcing
    client.force_login(buyer_user())
    assert (
        client.get(reverse("trade:request_matches", args=[request.pk])).status_code
        == 404
    )


def test_pools_are_shown_and_proposed(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, buyer = sourcing
    a, b = supplier(capacity="3000"), supplier(capacity="2500")
    client.force_login(buyer)
    html = client.get(reverse("trade:request_matches", args=[request.pk])).content
    assert b"trade/requests/%d/pools/" % request.pk in html
    client.post(
        reverse("trade:pool_propose", args=[request.pk]),
        {"product_ids": [a.pk, b.pk]},
    )
    assert PoolPledge.objects.count() == 2


def test_the_msme_sees_its_fit_and_opportunities(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, _ = sourcing
    product = supplier(capacity="100")
    client.force_login(
        make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    )
    fit = client.get(reverse("trade:request_fit", args=[request.pk])).content.decode()
    assert product.name_id in fit and "candidate--ineligible" in fit
    page = client.get(reverse("trade:opportunities")).content.decode()
    assert request.title in page


def test_the_fit_panel_answers_htmx_with_only_its_block(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, _ = sourcing
    product = supplier(capacity="100")
    client.force_login(
        make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    )
    url = reverse("trade:request_fit", args=[request.pk])
    block = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert block.lstrip().startswith('<div class="stack trade-matching">')
    assert product.name_id in block and "<html" not in block
    assert "<html" in client.get(url).content.decode()


def test_only_the_pledging_msme_answers(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    request, buyer = sourcing
    a, b = supplier(capacity="3000"), supplier(capacity="2500")
    actions_pools.propose_pool(by=buyer, request=request, product_ids=[a.pk, b.pk])
    pledge = PoolPledge.objects.get(msme=a.msme)
    client.force_login(make_user(Role.MSME_OWNER, organisation=b.msme.organisation))
    url = reverse("trade:pledge_respond", args=[pledge.pk])
    assert client.post(url, {"answer": "confirm"}).status_code == 404
    client.force_login(make_user(Role.MSME_OWNER, organisation=a.msme.organisation))
    assert request.title in client.get(reverse("trade:pledges")).content.decode()
    client.post(url, {"answer": "confirm"})
    pledge.refresh_from_db()
    assert pledge.status == "confirmed"


@pytest.mark.parametrize(
    "product_ids",
    [
        [],
        ["x"],
        ["-1", "2"],
        [str(10**30), str(10**30 + 1)],
        ["1\x00", "2"],
        ["١", "٢"],
    ],
)
def test_odd_pool_input_is_refused_without_an_error_page(  # type: ignore[no-untyped-def]
    client, sourcing, product_ids
) -> None:
    request, buyer = sourcing
    client.force_login(buyer)
    response = client.post(
        reverse("trade:pool_propose", args=[request.pk]), {"product_ids": product_ids}
    )
    assert response.status_code == 302
    assert not PoolPledge.objects.exists()


def test_a_huge_pledge_id_is_404(client, sourcing) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_user(Role.MSME_OWNER))
    url = reverse("trade:pledge_respond", args=[10**30])
    assert client.post(url, {"answer": "confirm"}).status_code == 404
