"""The daily certificate expiry reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.exporters.models import Certificate
from serumpun.exporters.reminders import remind_expiring_certificates_as_of
from serumpun.exporters.tests.factories import CertificateFactory, MSMEFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


def _owner_of(msme):
    return make_user("msme_owner", organisation=msme.organisation)


def test_it_reminds_owner_and_officers_once_for_certificates_inside_the_window():
    msme = MSMEFactory()
    owner = _owner_of(msme)
    officer = make_user("officer")
    soon = CertificateFactory(msme=msme, valid_until=TODAY + dt.timedelta(days=59))
    later = CertificateFactory(msme=msme, valid_until=TODAY + dt.timedelta(days=60))
    expired = CertificateFactory(msme=msme, valid_until=TODAY - dt.timedelta(days=1))

    assert remind_expiring_certificates_as_of(TODAY) == 1

    soon.refresh_from_db()
    later.refresh_from_db()
    expired.refresh_from_db()
    assert soon.expiry_notified_at is not None
    assert later.expiry_notified_at is None
    assert expired.expiry_notified_at is None
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert AuditEvent.objects.filter(
        action="exporters.certificate.expiry_reminded", object_id=str(soon.pk)
    ).exists()
    # A second run the same day (or the next) sends nothing new.
    assert remind_expiring_certificates_as_of(TODAY) == 0
    assert Notification.objects.count() == 2


def test_rejected_certificates_and_quiet_days_send_nothing():
    msme = MSMEFactory()
    _owner_of(msme)
    make_user("officer")
    CertificateFactory(
        msme=msme, valid_until=TODAY + dt.timedelta(days=10), verification="rejected"
    )
    assert remind_expiring_certificates_as_of(TODAY) == 0
    assert Notification.objects.count() == 0


def test_the_daily_command_runs_the_task():
    msme = MSMEFactory()
    _owner_of(msme)
    cert = CertificateFactory(msme=msme, valid_until=TODAY + dt.timedelta(days=5))
    call_command("run_daily_tasks", as_of=TODAY.isoformat())
    assert Certificate.objects.get(pk=cert.pk).expiry_notified_at is not None
