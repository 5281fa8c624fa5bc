"""The leads pages: list, detail with guidance, htmx moves and messages, 404 for foreign
leads, reports, the introduction page from the catalogue, and the pipeline board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import MSME, Product
from serumpun.exporters.tests.factories import hs_code, regency
from serumpun.trade import actions_deals as actions
from serumpun.trade.forms_deals import PipelineFilterForm
from serumpun.trade.models import BuyerReport, Introduction
from serumpun.trade.tests.factories import buyer_user
from serumpun.trade.tests.factories_deals import lead_parties, make_lead
from serumpun.trade.views_deals import filtered_leads, pipeline_figures

PDF = b"%PDF-1.4\n%test\n"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def deal():
    return lead_parties()


def test_lead_pages_for_the_parties_and_404_for_others(client, deal):
    lead = make_lead(deal)
    url = reverse("trade:lead_detail", args=[lead.pk])
    for user in (deal.buyer, deal.owner, deal.attache):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert deal.request.title in client.get(reverse("trade:leads")).content.decode()
    for user in (buyer_user(), make_user(Role.MSME_OWNER)):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("trade:lead_move", args=[lead.pk]), {"stage": "lost"}
            ).status_code
            == 404
        )


def test_guidance_shows_from_negotiating(client, deal):
    lead = make_lead(deal, stage="sample_sent")
    client.force_login(deal.buyer)
    url = reverse("trade:lead_detail", args=[lead.pk])
    assert "first-deal-guidance" not in client.get(url).content.decode()
    response = client.post(
        reverse("trade:lead_move", args=[lead.pk]),
        {"stage": "negotiating"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="lead-stage"' in response.content.decode()
    assert "<h1>" not in response.content.decode()
    html = client.get(url).content.decode()
    assert "first-deal-guidance" in html
    assert "bank" in html


def test_ordering_without_a_value_is_a_form_error(client, deal):
    lead = make_lead(deal, stage="negotiating")
    client.force_login(deal.buyer)
    response = client.post(
        reverse("trade:lead_move", args=[lead.pk]), {"stage": "ordered"}
    )
    assert response.status_code == 422
    # base.html's htmx-config swaps 422 answers in, so the partial carries the errors
    response = client.post(
        reverse("trade:lead_move", args=[lead.pk]),
        {"stage": "ordered"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Record the order" in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == "negotiating"
    response = client.post(
        reverse("trade:lead_move", args=[lead.pk]),
        {"stage": "ordered", "amount": "5000", "currency": "MYR"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "ordered"
    assert lead.deal_value_usd


def test_a_message_through_htmx_returns_the_thread(client, deal):
    lead = make_lead(deal)
    client.force_login(deal.owner)
    response = client.post(
        reverse("trade:lead_message", args=[lead.pk]),
        {"body": "Sample on its way"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lead-thread"' in html
    assert "Sample on its way" in html


def test_a_supplier_reports_a_buyer_and_the_attache_closes_it(client, deal):
    lead = make_lead(deal)
    client.force_login(deal.owner)
    url = reverse("trade:report_buyer", args=[lead.buyer_id]) + f"?lead={lead.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"reason": "payment_not_received", "details": "Nothing paid."}
    )
    assert response.status_code == 302
    report = BuyerReport.objects.get()
    assert report.introduction == lead
    client.force_login(buyer_user())
    assert client.get(reverse("trade:report_queue")).status_code == 403
    client.force_login(deal.attache)
    queue = client.get(reverse("trade:report_queue")).content.decode()
    assert "Nothing paid." in queue
    assert "data-confirm=" in queue  # closing is final: the attaché confirms first
    client.post(
        reverse("trade:report_close", args=[report.pk]), {"resolution": "Warned."}
    )
    report.refresh_from_db()
    assert report.status == "closed"


def test_the_leads_list_query_count_is_constant(
    client, deal, django_assert_num_queries
):
    make_lead(deal)
    client.force_login(deal.attache)
    client.get(reverse("trade:leads"))  # warm the per-session caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("trade:leads"))
    for _ in range(3):
        make_lead(lead_parties(), stage="negotiating")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("trade:leads"))
    assert response.content.decode().count("data-lead=") == 4


@pytest.mark.parametrize("odd", ["²", "-1", "abc", "1\x00", "9" * 30, ""])
def test_odd_ids_in_the_query_string_are_never_a_500(client, deal, odd):
    lead = make_lead(deal)
    client.force_login(deal.buyer)
    url = reverse("trade:introduction_new")
    assert client.get(url, {"product": odd}).status_code == 404
    client.force_login(deal.owner)
    url = reverse("trade:report_buyer", args=[lead.buyer_id])
    response = client.get(url, {"lead": odd})
    assert response.status_code == 200
    assert response.context["lead"] is None


def test_attachments_only_for_the_two_parties_and_the_attache(
    client, deal, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lead = make_lead(deal)
    upload = SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")
    message = actions.post_message(
        introduction=lead, by=deal.owner, body="Offer attached.", attachment=upload
    )
    url = reverse("trade:lead_attachment", args=[lead.pk, message.pk])
    for user in (deal.buyer, deal.owner, deal.attache):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Disposition"] == "attachment"
    for user in (buyer_user(), make_user(Role.MSME_OWNER)):
        client.force_login(user)
        assert client.get(url).status_code == 404
    other = make_lead(lead_parties())
    client.force_login(
        deal.attache
    )  # sees both leads, yet the message is not the other's
    other_url = reverse("trade:lead_attachment", args=[other.pk, message.pk])
    assert client.get(other_url).status_code == 404


def test_the_introduction_page_opens_a_lead(client, deal):
    client.force_login(deal.buyer)
    url = reverse("trade:introduction_new") + f"?product={deal.product.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"request_id": deal.request.pk})
    lead = Introduction.objects.get()
    assert response["Location"] == reverse("trade:lead_detail", args=[lead.pk])


def test_the_pipeline_board(client, deal, django_assert_num_queries):
    make_lead(deal, stage="ordered")
    client.force_login(deal.buyer)
    assert client.get(reverse("trade:pipeline")).status_code == 403
    client.force_login(deal.attache)
    client.get(reverse("trade:pipeline"))  # warm the per-session caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("trade:pipeline"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-funnel="ordered"' in html
    assert "<svg" in html
    long_ago = timezone.now() - dt.timedelta(days=40)
    for stage in ("paid", "lost", "negotiating"):
        make_lead(lead_parties(), stage=stage, at=long_ago)
    make_lead(lead_parties(), stage="ordered", at=long_ago)  # another month, idle
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("trade:pipeline"))
    assert response.content.decode().count("<li data-lead=") == 2  # idle leads listed
    response = client.get(reverse("trade:pipeline"), HTTP_HX_REQUEST="true")
    assert 'id="pipeline-results"' in response.content.decode()
    figures = pipeline_figures(Introduction.objects.all(), as_of=timezone.localdate())
    funnel = {step.stage: step.reached for step, _ in figures["funnel"]}
    assert funnel == {
        "introduced": 5,
        "sample_sent": 4,
        "negotiating": 4,
        "ordered": 3,
        "shipped": 1,
        "paid": 1,
    }


@pytest.fixture
def two_regions():
    """A coffee lead from Lampung Barat and a banana-chips lead from Bandar Lampung."""
    coffee = lead_parties()
    chips = lead_parties()
    Product.objects.filter(pk=chips.product.pk).update(hs_code=hs_code("200899"))
    MSME.objects.filter(pk=chips.product.msme_id).update(regency=regency("1871"))
    MSME.objects.filter(pk=coffee.product.msme_id).update(regency=regency("1801"))
    return make_lead(coffee, stage="ordered"), make_lead(chips, stage="negotiating")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"coffee", "chips"}),
        ({"hs": "0901"}, {"coffee"}),
        ({"hs": "090111"}, {"coffee"}),
        ({"hs": "20"}, {"chips"}),
        ({"hs": "0803"}, set()),
        ({"regency": "1801"}, {"coffee"}),
        ({"regency": "1871"}, {"chips"}),
        ({"regency": "1871", "hs": "0901"}, set()),
    ],
)
def test_the_pipeline_filters_by_hs_and_regency(
    client, deal, two_regions, query, expected
):
    coffee, chips = two_regions
    names = {coffee.pk: "coffee", chips.pk: "chips"}
    form = PipelineFilterForm(query)
    assert form.is_valid(), form.errors
    assert {
        names[pk] for pk in filtered_leads(form).values_list("pk", flat=True)
    } == expected
    client.force_login(deal.attache)
    response = client.get(reverse("trade:pipeline"), query, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    introduced = len(expected)
    assert (
        f'data-funnel="introduced"><th scope="row">introduced</th><td class="num">{introduced}<'
        in (response.content.decode())
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [({"hs": "9"}, "hs"), ({"hs": "09o1"}, "hs"), ({"regency": "9999"}, "regency")],
)
def test_a_bad_pipeline_filter_is_named(client, deal, query, field):
    form = PipelineFilterForm(query)
    assert not form.is_valid()
    assert field in form.errors
    client.force_login(deal.attache)
    assert client.get(reverse("trade:pipeline"), query).status_code == 200


def test_the_board_counts_lost_leads_by_coded_reason(client, deal):
    make_lead(deal, stage="lost", lost_from="sample_sent", lost_reason="volume")
    for reason in ("volume", "price"):
        make_lead(lead_parties(), stage="lost", lost_reason=reason)
    client.force_login(deal.attache)
    html = client.get(reverse("trade:pipeline")).content.decode()
    assert (
        '<tr data-lost="volume"><th scope="row">volume or continuity not met</th>'
        '<td class="num">2</td>'
    ) in html
    assert 'data-lost="price"' in html


def test_recording_a_lost_lead_on_the_page(client, deal):
    lead = make_lead(deal, stage="negotiating")
    client.force_login(deal.buyer)
    url = reverse("trade:lead_move", args=[lead.pk])
    response = client.post(url, {"stage": "lost"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Say why the lead was lost." in response.content.decode()
    response = client.post(
        url,
        {"stage": "lost", "lost_reason": "logistics", "lost_note": "Reefer too dear"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-lost-reason="logistics"' in html
    assert "Reefer too dear" in html


def test_months_without_orders_show_as_zero_bars():
    import datetime as dt
    from decimal import Decimal

    from serumpun.trade.views_deals import every_month

    rows = [(dt.date(2026, 11, 1), Decimal(5)), (dt.date(2027, 2, 1), Decimal(7))]
    assert every_month(rows) == [
        (dt.date(2026, 11, 1), Decimal(5)),
        (dt.date(2026, 12, 1), Decimal(0)),
        (dt.date(2027, 1, 1), Decimal(0)),
        (dt.date(2027, 2, 1), Decimal(7)),
    ]
    assert every_month([]) == []
