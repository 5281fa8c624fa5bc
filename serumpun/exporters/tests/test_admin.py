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


def test_admin_edits_keep_the_catalogue_tokens_current(rf, admin_user):
    import datetime as dt
    from types import SimpleNamespace

    from django.contrib import admin as django_admin
    from django.utils import timezone

    from serumpun.exporters.admin import CertificateAdmin
    from serumpun.exporters.models import Certificate, Product
    from serumpun.exporters.tests.factories import (
        CertificateFactory,
        MSMEFactory,
        ProductFactory,
    )

    msme = MSMEFactory(verified=True)
    product = ProductFactory(msme=msme)
    certificate = CertificateFactory(msme=msme, kind="halal", products=[product])
    product.refresh_from_db()
    assert "zzcerthalal" in product.catalogue_tokens.split()

    # An admin shortens the certificate so it has lapsed: the product loses the token.
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    certificate.refresh_from_db()
    model_admin = CertificateAdmin(Certificate, django_admin.site)
    form = SimpleNamespace(instance=certificate, save_m2m=lambda: None)
    model_admin.save_related(rf.post("/"), form, [], change=True)
    assert "zzcerthalal" not in Product.objects.get(pk=product.pk).catalogue_tokens
