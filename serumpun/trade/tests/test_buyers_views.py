"""Buyer pages: the own profile (register, correct, confirm a new SSM number), permits
(add, remove after confirmation, the scan for the buyer and attaché only), the directory,
the detail page and the verification queue (403 for other roles, 404 for another buyer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import Notification
from serumpun.trade.models import BuyerPermit, BuyerProfile, Verification
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
    attache_user,
    buyer_user,
)

pytestmark = pytest.mark.django_db


def profile_form(**overrides):
    data = {
        "ssm_number": "2019-01-055555",
        "buyer_type": "distributor",
        "state": "MY-01",
        "address": "Jalan Tebrau, Johor Bahru",
        "website": "",
        "contact_name": "Siti",
        "contact_phone": "+6071234567",
        "hs_interests": "200899, 0811.90",
    }
    return {**data, **overrides}


def test_a_buyer_without_a_profile_registers_it(client):
    user = make_user(Role.BUYER)
    client.force_login(user)
    page = client.get(reverse("trade:buyer_profile"))
    assert page.status_code == 200
    assert 'name="organisation"' not in page.text
    response = client.post(reverse("trade:buyer_profile"), profile_form())
    assert response.status_code == 302
    profile = BuyerProfile.objects.get(organisation=user.organisation)
    assert profile.ssm_number == "201901055555"
    assert profile.hs_interests == ["200899", "081190"]
    assert profile.verification == Verification.PENDING


def test_a_bad_or_taken_ssm_number_is_a_form_error(client):
    BuyerProfileFactory(ssm_number="201901055555")
    client.force_login(make_user(Role.BUYER))
    bad = client.post(reverse("trade:buyer_profile"), profile_form(ssm_number="12-AB"))
    assert bad.status_code == 422
    assert "YYYYTTNNNNNN" in bad.context["form"].errors["ssm_number"][0]
    taken = client.post(reverse("trade:buyer_profile"), profile_form())
    assert taken.status_code == 422
    assert "ssm_number" in taken.context["form"].errors
    unknown = client.post(
        reverse("trade:buyer_profile"),
        profile_form(ssm_number="201901066666", hs_interests="999999"),
    )
    assert "hs_interests" in unknown.context["form"].errors


def test_a_new_ssm_number_on_a_verified_profile_asks_first_then_goes_pending(client):
    profile = BuyerProfileFactory(ssm_number="201901010001")
    client.force_login(buyer_user(profile))
    page = client.get(reverse("trade:buyer_profile"))
    assert 'id="ssm-notice"' in page.text
    asked = client.post(
        reverse("trade:buyer_profile"), profile_form(ssm_number="201901010009")
    )
    assert asked.status_code == 422
    assert "confirm_ssm_change" in asked.context["form"].errors
    profile.refresh_from_db()
    assert profile.is_verified
    confirmed = client.post(
        reverse("trade:buyer_profile"),
        profile_form(ssm_number="201901010009", confirm_ssm_change="on"),
    )
    assert confirmed.status_code == 302
    profile.refresh_from_db()
    assert profile.ssm_number == "201901010009"
    assert profile.verification == Verification.PENDING


@pytest.mark.parametrize("name", ["trade:buyer_profile", "trade:buyer_permit_new"])
def test_other_roles_may_not_open_a_buyers_own_pages(client, name):
    client.force_login(make_user(Role.MSME_OWNER))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name", ["trade:buyers", "trade:verification_queue", "trade:buyer_new"]
)
def test_only_the_attache_opens_the_directory_and_the_queue(client, name):
    client.force_login(buyer_user())
    assert client.get(reverse(name)).status_code == 403


def test_a_buyer_adds_a_permit_of_the_requirement_book(client):
    profile = BuyerProfileFactory()
    client.force_login(buyer_user(profile))
    page = client.get(reverse("trade:buyer_permit_new"))
    assert "MY-COFFEE-PERMIT" in page.text
    response = client.post(
        reverse("trade:buyer_permit_new"),
        {
            "requirement_id": "MY-COFFEE-PERMIT",
            "agency": "MAQIS",
            "number": "IP/7",
            "valid_until": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "document": SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\nxx"),
        },
    )
    assert response.status_code == 302
    permit = BuyerPermit.objects.get(buyer=profile)
    assert permit.verification == Verification.PENDING
    assert permit.document.name.endswith(".png")
    permit.document.delete(save=False)
    bad = client.post(
        reverse("trade:buyer_permit_new"),
        {"requirement_id": "MY-HALAL", "agency": "MAQIS", "number": "1"},
    )
    assert bad.status_code == 422
    assert "requirement_id" in bad.context["form"].errors


def test_removing_a_permit_asks_for_confirmation(client):
    permit = BuyerPermitFactory()
    client.force_login(buyer_user(permit.buyer))
    url = reverse("trade:buyer_permit_delete", args=[permit.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 422
    assert BuyerPermit.objects.filter(pk=permit.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not BuyerPermit.objects.filter(pk=permit.pk).exists()


def test_another_buyers_permit_profile_and_scan_are_404(client):
    permit = BuyerPermitFactory()
    permit.document.save("p.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client.force_login(buyer_user())
    for url in (
        reverse("trade:buyer_permit_delete", args=[permit.pk]),
        reverse("trade:buyer_permit_edit", args=[permit.pk]),
        reverse("trade:buyer_permit_document", args=[permit.pk]),
        reverse("trade:buyer_detail", args=[permit.buyer.organisation_id]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(buyer_user(permit.buyer))
    own = client.get(reverse("trade:buyer_permit_document", args=[permit.pk]))
    assert own.status_code == 200
    assert own["X-Content-Type-Options"] == "nosniff"
    client.force_login(attache_user())
    seen = client.get(reverse("trade:buyer_permit_document", args=[permit.pk]))
    assert seen.status_code == 200
    permit.document.delete(save=False)


def test_the_directory_filters_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    BuyerProfileFactory.create_batch(3)
    pending = BuyerProfileFactory(pending=True, organisation__name="Johor Pending")
    BuyerPermitFactory.create_batch(2, buyer=pending, pending=True)
    client.force_login(attache_user())
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("trade:buyers"))
    BuyerProfileFactory.create_batch(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("trade:buyers"))
    assert response.status_code == 200
    filtered = client.get(
        reverse("trade:buyers"), {"verification": "pending"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in filtered.text
    assert "Johor Pending" in filtered.text
    assert filtered.text.count("data-buyer=") == 1
    searched = client.get(reverse("trade:buyers"), {"q": "johor pend"})
    assert searched.text.count("data-buyer=") == 1


def test_the_queue_lists_pending_buyers_and_permits_in_constant_queries(
    client, django_assert_max_num_queries
):
    BuyerProfileFactory(pending=True)
    BuyerPermitFactory(pending=True)
    BuyerProfileFactory()  # verified: not in the queue
    client.force_login(attache_user())
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("trade:verification_queue"))
    for _ in range(4):
        BuyerPermitFactory(pending=True, buyer=BuyerProfileFactory(pending=True))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("trade:verification_queue"))
    assert response.text.count("data-buyer=") == 5
    assert response.text.count("data-permit=") == 5


def test_the_attache_verifies_and_rejects_from_the_queue(client):
    profile = BuyerProfileFactory(pending=True)
    member = buyer_user(profile)
    permit = BuyerPermitFactory(pending=True, buyer=profile)
    client.force_login(attache_user())
    queue = reverse("trade:verification_queue")
    url = reverse("trade:verify_buyer", args=[profile.organisation_id])
    refused = client.post(url, {"decision": "rejected", "reason": "", "next": queue})
    assert refused.status_code == 302
    profile.refresh_from_db()
    assert profile.verification == Verification.PENDING
    done = client.post(url, {"decision": "verified", "next": queue})
    assert done["Location"] == queue
    profile.refresh_from_db()
    assert profile.is_verified
    client.post(
        reverse("trade:verify_permit", args=[permit.pk]),
        {"decision": "rejected", "reason": "Number unknown to MAQIS."},
    )
    permit.refresh_from_db()
    assert permit.verification == Verification.REJECTED
    assert Notification.objects.filter(recipient=member).count() == 2


def test_buyers_may_not_verify(client):
    profile = BuyerProfileFactory(pending=True)
    client.force_login(buyer_user(profile))
    url = reverse("trade:verify_buyer", args=[profile.organisation_id])
    assert client.post(url, {"decision": "verified"}).status_code == 403


def test_the_detail_page_shows_permits_requests_and_the_decision_form(client):
    permit = BuyerPermitFactory(valid_until=dt.date(2020, 1, 1))
    request = SourcingRequestFactory(buyer=permit.buyer.organisation)
    client.force_login(attache_user())
    page = client.get(
        reverse("trade:buyer_detail", args=[permit.buyer.organisation_id])
    )
    assert page.status_code == 200
    assert request.title in page.text
    assert permit.number in page.text
    assert "badge-fail" in page.text  # expired
    assert (
        reverse("trade:verify_buyer", args=[permit.buyer.organisation_id]) in page.text
    )
    client.force_login(buyer_user(permit.buyer))
    own = client.get(reverse("trade:buyer_detail", args=[permit.buyer.organisation_id]))
    assert own.status_code == 200
    assert "trade:verify_buyer" not in own.text
    assert 'name="decision"' not in own.text


def test_the_attache_registers_and_corrects_a_profile_for_a_buyer(client):
    from serumpun.trade.tests.factories import BuyerOrganisationFactory

    org = BuyerOrganisationFactory(name="Kedai Runcit Sdn Bhd")
    client.force_login(attache_user())
    page = client.get(reverse("trade:buyer_new"))
    assert "Kedai Runcit" in page.text
    created = client.post(reverse("trade:buyer_new"), profile_form(organisation=org.pk))
    assert created.status_code == 302
    profile = BuyerProfile.objects.get(organisation=org)
    edited = client.post(
        reverse("trade:buyer_edit", args=[org.pk]),
        profile_form(address="Jalan Baru 2"),
    )
    assert edited.status_code == 302
    profile.refresh_from_db()
    assert profile.address == "Jalan Baru 2"


def test_editing_a_verified_permit_asks_first_then_goes_pending(client):
    permit = BuyerPermitFactory(number="IP/1")
    client.force_login(buyer_user(permit.buyer))
    url = reverse("trade:buyer_permit_edit", args=[permit.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="confirm_recheck"' in page.text
    renewed = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    data = {"number": "IP/2", "valid_until": renewed}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "confirm_recheck" in refused.context["form"].errors
    assert client.post(url, {**data, "confirm_recheck": "on"}).status_code == 302
    permit.refresh_from_db()
    assert (permit.number, permit.verification) == ("IP/2", Verification.PENDING)
    # a pending permit is corrected without the box
    again = client.post(url, {"number": "IP/3", "valid_until": renewed})
    assert again.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"number": "", "valid_until": ""},
        {"number": "IP/9", "valid_until": "2020-01-01"},
        {"number": "IP/9", "valid_until": "99999-01-01"},
        {"number": "IP/\x00", "valid_until": ""},
        {"number": "x" * 500, "valid_until": ""},
    ],
)
def test_bad_permit_edits_are_form_errors_not_crashes(client, data):
    permit = BuyerPermitFactory(pending=True, number="IP/1")
    client.force_login(buyer_user(permit.buyer))
    response = client.post(reverse("trade:buyer_permit_edit", args=[permit.pk]), data)
    assert response.status_code == 422
    permit.refresh_from_db()
    assert permit.number == "IP/1"
