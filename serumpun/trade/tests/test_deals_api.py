"""The introductions API (API.md "Trade"): open, list, read, move, message, report; the 404
matrix for foreign leads; 409 with blockers; 422 naming the field."""

from __future__ import annotations

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.readiness.tests.factories import Api
from serumpun.trade.models import Introduction
from serumpun.trade.tests.factories import buyer_user
from serumpun.trade.tests.factories_deals import lead_parties, make_lead
from serumpun.trade.tests.factories_matching import supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    return lead_parties()


def test_a_buyer_opens_an_introduction(client, deal):
    api = Api(client, deal.buyer)
    response = api.post(
        "/trade/introductions",
        {"request_id": deal.request.pk, "product_id": deal.product.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "introduced"
    assert body["msme_id"] == deal.product.msme_id
    assert [h["stage"] for h in body["history"]] == ["introduced"]
    again = api.post(
        "/trade/introductions",
        {"request_id": deal.request.pk, "product_id": deal.product.pk},
    )
    assert again.status_code == 409


def test_an_ineligible_product_answers_409_with_blockers(client, deal):
    product = supplier(verified=False)
    response = Api(client, deal.buyer).post(
        "/trade/introductions",
        {"request_id": deal.request.pk, "product_id": product.pk},
    )
    # an unverified MSME's product is not in the catalogue at all
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "product_id"]
    short = supplier(capacity="100")
    response = Api(client, deal.buyer).post(
        "/trade/introductions", {"request_id": deal.request.pk, "product_id": short.pk}
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert [b["code"] for b in response.json()["blockers"]] == ["capacity_short"]


def test_another_buyers_request_is_404(client, deal):
    response = Api(client, buyer_user()).post(
        "/trade/introductions",
        {"request_id": deal.request.pk, "product_id": deal.product.pk},
    )
    assert response.status_code == 404
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("who", ["other_buyer", "other_msme"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/trade/introductions/{id}", None),
        (
            "post",
            "/trade/introductions/{id}/stage",
            {"stage": "lost", "lost_reason": "price"},
        ),
        ("get", "/trade/introductions/{id}/messages", None),
        ("post", "/trade/introductions/{id}/messages", {"body": "hello"}),
    ],
)
def test_foreign_leads_are_404(client, deal, who, method, path, body):  # noqa: PLR0917 (pytest parameters)
    lead = make_lead(deal)
    user = buyer_user() if who == "other_buyer" else make_user(Role.MSME_OWNER)
    api = Api(client, user)
    url = path.format(id=lead.pk)
    response = api.get(url) if method == "get" else api.post(url, body)
    assert response.status_code == 404
    assert Api(client, user).get("/trade/introductions").json()["count"] == 0


def test_the_pipeline_through_the_api(client, deal):
    lead = make_lead(deal)
    owner, buyer = Api(client, deal.owner), Api(client, deal.buyer)
    assert (
        owner.post(
            f"/trade/introductions/{lead.pk}/stage", {"stage": "sample_sent"}
        ).status_code
        == 200
    )
    wrong = owner.post(
        f"/trade/introductions/{lead.pk}/stage", {"stage": "negotiating"}
    )
    assert wrong.status_code == 409
    assert (
        buyer.post(
            f"/trade/introductions/{lead.pk}/stage", {"stage": "negotiating"}
        ).status_code
        == 200
    )
    no_value = buyer.post(f"/trade/introductions/{lead.pk}/stage", {"stage": "ordered"})
    assert no_value.status_code == 422
    assert no_value.json()["errors"][0]["loc"] == ["body", "deal_value"]
    ordered = buyer.post(
        f"/trade/introductions/{lead.pk}/stage",
        {"stage": "ordered", "deal_value": {"amount": "12500.00", "currency": "USD"}},
    )
    assert ordered.status_code == 200
    body = ordered.json()
    assert body["deal_value"]["usd"] == "12500.00"
    assert [h["stage"] for h in body["history"]] == [
        "introduced",
        "sample_sent",
        "negotiating",
        "ordered",
    ]
    bad = buyer.post(f"/trade/introductions/{lead.pk}/stage", {"stage": "sent"})
    assert bad.status_code == 422


def test_messages_and_a_report(client, deal):
    lead = make_lead(deal)
    buyer, owner = Api(client, deal.buyer), Api(client, deal.owner)
    sent = buyer.post(
        f"/trade/introductions/{lead.pk}/messages", {"body": "Price list?"}
    )
    assert sent.status_code == 201
    assert "@" not in str(sent.json())
    thread = owner.get(f"/trade/introductions/{lead.pk}/messages").json()
    assert thread["count"] == 1
    assert thread["items"][0]["sender_organisation"] == lead.buyer.name
    assert (
        Api(client, deal.attache)
        .post(f"/trade/introductions/{lead.pk}/messages", {"body": "hi"})
        .status_code
        == 403
    )
    report = owner.post(
        "/trade/reports",
        {
            "buyer_id": lead.buyer_id,
            "reason": "fake_identity",
            "details": "No SSM match",
            "introduction_id": lead.pk,
        },
    )
    assert report.status_code == 201, report.content
    assert report.json()["status"] == "open"
    unknown = owner.post(
        "/trade/reports", {"buyer_id": 999999, "reason": "other", "details": "x"}
    )
    assert unknown.status_code == 422


def test_the_list_query_count_is_constant(client, deal, django_assert_max_num_queries):
    make_lead(deal)
    api = Api(client, deal.attache)
    with django_assert_max_num_queries(12) as few:
        api.get("/trade/introductions")
    for _ in range(4):
        make_lead(lead_parties())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/trade/introductions").json()["count"] == 5


def test_a_lost_lead_takes_a_coded_reason_and_a_note(client, deal):
    lead = make_lead(deal, stage="negotiating")
    buyer = Api(client, deal.buyer)
    url = f"/trade/introductions/{lead.pk}/stage"
    free_text = buyer.post(url, {"stage": "lost", "lost_reason": "Too expensive"})
    assert free_text.status_code == 422
    assert free_text.json()["errors"][0]["loc"] == ["body", "lost_reason"]
    missing = buyer.post(url, {"stage": "lost"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "lost_reason"]
    lost = buyer.post(
        url,
        {"stage": "lost", "lost_reason": "payment_terms", "lost_note": "Wants 90 days"},
    )
    assert lost.status_code == 200, lost.content
    body = lost.json()
    assert (body["lost_reason"], body["lost_note"], body["lost_at_stage"]) == (
        "payment_terms",
        "Wants 90 days",
        "negotiating",
    )
