"""The exporters admin: lists and change pages render; verification is read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from serumpun.accounts.tests.factories import UserFactory
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    ExportRecordFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["msme", "product", "certificate", "importbatch"])
def test_changelists_render(admin_client, model):
    CertificateFactory(products=[ProductFactory()])
    page = admin_client.get(reverse(f"admin:exporters_{model}_changelist"), {"q": "1"})
    assert page.status_code == 200


def test_the_msme_page_shows_verification_without_an_input(admin_client):
    msme = ExportRecordFactory().msme
    page = admin_client.get(reverse("admin:exporters_msme_change", args=[msme.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert msme.nib in text
    assert 'name="verification"' not in text
