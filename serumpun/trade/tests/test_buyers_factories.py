"""The shared trade factories build valid records (other helpers' tests rely on them)."""

from __future__ import annotations

import pytest

from serumpun.accounts.roles import has_permission
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.trade.models import RequestVisibility
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
    buyer_user,
)

pytestmark = pytest.mark.django_db


def test_factories_build_records_that_pass_model_validation():
    profile = BuyerProfileFactory()
    profile.full_clean()
    BuyerPermitFactory(buyer=profile).full_clean()
    SourcingRequestFactory(buyer=profile.organisation).full_clean()
    assert profile.is_verified
    assert profile.state.code == "MY-10"
    assert profile.organisation.kind == "buyer"


def test_buyer_user_may_post_requests_for_its_organisation():
    profile = BuyerProfileFactory()
    user = buyer_user(profile)
    assert has_permission(user, "request.post")
    assert profile.organisation.pk in user.organisation_ids


def test_invited_msmes_make_the_request_invited_only():
    msme = MSMEFactory(verified=True)
    request = SourcingRequestFactory(invited_msmes=[msme])
    assert request.visibility == RequestVisibility.INVITED
    assert list(request.invited.all()) == [msme]
