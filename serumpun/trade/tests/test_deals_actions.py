"""Actions of the deals pipeline: opening a lead, moving it, messages, idle reminders, reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.logistics import network
from serumpun.trade import actions_deals as actions
from serumpun.trade.models import BuyerReport, Introduction, StageChange
from serumpun.trade.tests.factories import buyer_user
from serumpun.trade.tests.factories_deals import lead_parties, make_lead
from serumpun.trade.tests.factories_matching import supplier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def deal():
    return lead_parties()


def test_buyer_opens_a_lead_with_history_audit_and_one_notification_per_owner(deal):
    second_owner = make_user(
        Role.MSME_OWNER, organisation=deal.product.msme.organisation
    )
    lead = actions.request_introduction(
        request=deal.request, product=deal.product, by=deal.buyer
    )
    assert lead.stage == "introduced"
    assert lead.msme_id == deal.product.msme_id
    assert lead.buyer_id == deal.request.buyer_id
    assert 0 < lead.score <= 1
    assert list(lead.history.values_list("to_stage", flat=True)) == ["introduced"]
    assert (
        AuditEvent.objects.filter(
            action="trade.introduction.request", object_id=str(lead.pk)
        ).count()
        == 1
    )
    notified = Notification.objects.filter(kind="trade.lead")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        [deal.owner.pk, second_owner.pk]
    )


def test_another_buyer_may_not_open_a_lead_on_my_request(deal):
    with pytest.raises(PermissionDenied):
        actions.request_introduction(
            request=deal.request, product=deal.product, by=buyer_user()
        )
    with pytest.raises(PermissionDenied):
        actions.request_introduction(
            request=deal.request, product=deal.product, by=deal.owner
        )
    assert not Introduction.objects.exists()


def test_the_attache_opens_a_lead_only_for_a_relayed_request(deal):
    with pytest.raises(PermissionDenied):
        actions.request_introduction(
            request=deal.request, product=deal.product, by=deal.attache
        )
    deal.request.relayed_by = deal.attache
    deal.request.save()
    lead = actions.request_introduction(
        request=deal.request, product=deal.product, by=deal.attache
    )
    assert lead.created_by == deal.attache


def test_an_ineligible_product_is_a_conflict_with_its_blockers(deal):
    unverified = supplier(verified=False, assessed=False)
    with pytest.raises(ConflictError) as caught:
        actions.request_introduction(
            request=deal.request, product=unverified, by=deal.buyer
        )
    codes = {b["code"] for b in caught.value.extra["blockers"]}
    assert {"msme_not_verified", "not_assessed"} <= codes
    assert all(b["text"] for b in caught.value.extra["blockers"])
    assert not Introduction.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="trade.").exists()


def test_a_duplicate_or_a_closed_request_is_a_conflict(deal):
    actions.request_introduction(
        request=deal.request, product=deal.product, by=deal.buyer
    )
    with pytest.raises(ConflictError, match="already"):
        actions.request_introduction(
            request=deal.request, product=deal.product, by=deal.buyer
        )
    deal.request.status = "closed"
    deal.request.save()
    with pytest.raises(ConflictError, match="no longer open"):
        actions.request_introduction(
            request=deal.request, product=supplier(), by=deal.buyer
        )


def test_the_supplier_sends_a_sample_and_counts_as_responding(deal):
    lead = make_lead(deal)
    moved = actions.move_lead(introduction=lead, to_stage="sample_sent", by=deal.owner)
    assert moved.stage == "sample_sent"
    assert moved.msme_responded_at is not None
    assert StageChange.objects.filter(
        introduction=lead,
        from_stage="introduced",
        to_stage="sample_sent",
        by=deal.owner,
    ).exists()
    assert list(
        Notification.objects.filter(kind="trade.lead").values_list(
            "recipient", flat=True
        )
    ) == [deal.buyer.pk]


def test_the_wrong_side_or_an_illegal_move_is_a_conflict(deal):
    lead = make_lead(deal)
    with pytest.raises(ConflictError):
        actions.move_lead(introduction=lead, to_stage="sample_sent", by=deal.buyer)
    with pytest.raises(ConflictError):
        actions.move_lead(introduction=lead, to_stage="ordered", by=deal.buyer)
    with pytest.raises(PermissionDenied):
        actions.move_lead(
            introduction=lead, to_stage="lost", by=buyer_user(), lost_reason="price"
        )
    lead.refresh_from_db()
    assert lead.stage == "introduced"


def test_ordered_needs_the_deal_value_and_converts_it_to_usd(deal):
    lead = make_lead(deal, stage="negotiating")
    with pytest.raises(ValidationError) as caught:
        actions.move_lead(introduction=lead, to_stage="ordered", by=deal.buyer)
    assert "deal_value" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.move_lead(
            introduction=lead,
            to_stage="ordered",
            by=deal.buyer,
            deal_value=actions.DealValue(Decimal("100"), "EUR"),
        )
    moved = actions.move_lead(
        introduction=lead,
        to_stage="ordered",
        by=deal.buyer,
        deal_value=actions.DealValue(Decimal("44000"), "MYR"),
        quantity_kg=Decimal("5000"),
    )
    rate = Decimal(str(network.fx_usd_per_unit()["MYR"]))
    assert moved.deal_value_amount == Decimal("44000.00")
    assert moved.deal_value_currency == "MYR"
    assert moved.deal_value_usd == (Decimal("44000") * rate).quantize(Decimal("0.01"))
    assert moved.ordered_quantity_kg == Decimal("5000")


def test_lost_needs_a_coded_reason_and_remembers_the_stage(deal):
    lead = make_lead(deal, stage="sample_sent")
    for reason in ("", "Price too high"):
        with pytest.raises(ValidationError) as caught:
            actions.move_lead(
                introduction=lead, to_stage="lost", by=deal.owner, lost_reason=reason
            )
        assert "lost_reason" in caught.value.message_dict
    moved = actions.move_lead(
        introduction=lead,
        to_stage="lost",
        by=deal.owner,
        lost_reason="quality",
        lost_note="  Moisture 14%, the buyer wants 12%.  ",
    )
    assert (
        moved.stage,
        moved.lost_at_stage,
        moved.lost_reason,
        moved.lost_note,
    ) == ("lost", "sample_sent", "quality", "Moisture 14%, the buyer wants 12%.")
    with pytest.raises(ConflictError):
        actions.move_lead(introduction=moved, to_stage="negotiating", by=deal.buyer)


def test_the_attache_records_a_move_for_a_party_without_it_counting_as_a_reply(deal):
    lead = make_lead(deal)
    moved = actions.move_lead(
        introduction=lead, to_stage="sample_sent", by=deal.attache
    )
    assert moved.stage == "sample_sent"
    assert moved.msme_responded_at is None
    recipients = set(
        Notification.objects.filter(kind="trade.lead").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {deal.buyer.pk, deal.owner.pk}


def test_a_message_notifies_the_other_side_and_stores_the_document(
    deal, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lead = make_lead(deal)
    upload = SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")
    message = actions.post_message(
        introduction=lead,
        by=deal.owner,
        body="Sample leaves Monday.",
        attachment=upload,
    )
    assert message.attachment.name.endswith(".pdf")
    assert message.attachment_type == "application/pdf"
    lead.refresh_from_db()
    assert lead.msme_responded_at is not None
    notified = Notification.objects.get(kind="trade.lead")
    assert notified.recipient == deal.buyer
    assert "Monday" not in notified.body  # a link, never the text
    assert actions.mark_messages_read(introduction=lead, by=deal.buyer) == 1


def test_a_message_refuses_an_executable_and_the_attache_only_reads(deal):
    lead = make_lead(deal)
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError):
        actions.post_message(
            introduction=lead, by=deal.buyer, body="hi", attachment=upload
        )
    with pytest.raises(PermissionDenied):
        actions.post_message(introduction=lead, by=deal.attache, body="hi")


def test_idle_leads_are_reminded_once_and_again_after_new_activity(deal):
    start = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
    lead = make_lead(deal, at=start)
    make_lead(lead_parties(), stage="paid", at=start)  # finished leads are never idle
    assert actions.remind_idle_leads(as_of=dt.date(2026, 11, 14)) == 0
    assert actions.remind_idle_leads(as_of=dt.date(2026, 11, 15)) == 1
    people = set(Notification.objects.values_list("recipient", flat=True))
    assert {deal.buyer.pk, deal.owner.pk, deal.attache.pk} <= people
    assert actions.remind_idle_leads(as_of=dt.date(2026, 11, 16)) == 0
    actions.post_message(introduction=lead, by=deal.buyer, body="Still interested?")
    lead.refresh_from_db()
    assert lead.idle_reminded_at is None


def _idle_run_queries(as_of: dt.date) -> list[str]:
    with CaptureQueriesContext(connection) as run:
        actions.remind_idle_leads(as_of=as_of)
    return [q["sql"].split()[0].upper() for q in run.captured_queries]


def test_idle_reminders_read_in_bulk_and_tell_the_attache_once(deal):
    start = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
    make_lead(deal, at=start)
    one = _idle_run_queries(dt.date(2026, 11, 15))
    for _ in range(3):
        make_lead(lead_parties(), at=start)
    three = _idle_run_queries(
        dt.date(2026, 11, 15)
    )  # the first lead is reminded already
    # neither reading people and leads nor writing the notifications grows with the leads
    assert one.count("SELECT") == three.count("SELECT")
    assert one.count("INSERT") == three.count("INSERT")
    to_attache = Notification.objects.filter(recipient=deal.attache)
    assert {n.subject for n in to_attache} == {
        "1 lead has had no activity for two weeks",
        "3 leads have had no activity for two weeks",
    }
    assert Notification.objects.filter(recipient=deal.owner).count() == 1
    assert _idle_run_queries(dt.date(2026, 11, 15)).count("INSERT") == 0


def test_a_supplier_reports_a_buyer_and_hears_the_outcome(deal):
    lead = make_lead(deal)
    with pytest.raises(PermissionDenied):
        actions.report_buyer(
            buyer=lead.buyer, by=make_user(Role.MSME_OWNER), reason="other", details="x"
        )
    report = actions.report_buyer(
        buyer=lead.buyer,
        by=deal.owner,
        reason="asked_to_change_bank_details",
        details="Asked to pay into a new account.",
        introduction=lead,
    )
    assert Notification.objects.filter(
        recipient=deal.attache, kind="trade.report"
    ).exists()
    assert not BuyerReport.objects.visible_to(deal.buyer).exists()
    with pytest.raises(PermissionDenied):
        actions.close_report(report=report, by=deal.buyer, resolution="no")
    actions.close_report(report=report, by=deal.attache, resolution="Buyer suspended.")
    report.refresh_from_db()
    assert report.status == "closed"
    assert Notification.objects.filter(
        recipient=deal.owner, kind="trade.report"
    ).exists()
    with pytest.raises(ConflictError):
        actions.close_report(report=report, by=deal.attache, resolution="again")


def test_leads_are_visible_to_the_two_parties_and_the_attache_only(deal):
    lead = make_lead(deal)
    for user, seen in [
        (deal.buyer, True),
        (deal.owner, True),
        (deal.attache, True),
        (buyer_user(), False),
        (make_user(Role.MSME_OWNER), False),
        (make_user(Role.OFFICER), False),
    ]:
        assert Introduction.objects.visible_to(user).filter(pk=lead.pk).exists() is seen
