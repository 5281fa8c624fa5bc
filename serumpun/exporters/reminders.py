"""Certificate expiry reminders: once a day, tell owners and officers what expires soon.

A certificate is reminded about once per expiry date: `expiry_notified_at` is set when the
reminder goes out and cleared when the certificate is renewed (a new `valid_until`). Owners get
one message per certificate; officers one digest per run, so a busy province does not flood
their inbox. `manage.py run_daily_tasks` (cron, once a day shortly after midnight Asia/Jakarta)
enqueues the task, and the catalogue's daily refresh beside it: certificates that lapsed stop
counting in the catalogue's certificate filter (search.refresh_lapsed_certificate_tokens).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_tasks import task

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role
from serumpun.core.audit import record
from serumpun.core.notifications import Message, notify, notify_each
from serumpun.exporters.config import expiring_days
from serumpun.exporters.models import Certificate, Verification
from serumpun.exporters.search import refresh_lapsed_certificate_tokens


def certificates_to_remind(as_of: dt.date) -> list[Certificate]:
    """Certificates not yet reminded that expire within the window (not rejected)."""
    window_end = as_of + dt.timedelta(days=expiring_days())
    return list(
        Certificate.objects.filter(
            valid_until__gte=as_of,
            valid_until__lt=window_end,
            expiry_notified_at__isnull=True,
        )
        .exclude(verification=Verification.REJECTED)
        .select_related("msme", "msme__organisation")
        .order_by("valid_until", "pk")
    )


def remind_expiring_certificates_as_of(as_of: dt.date) -> int:
    """Mark and notify every certificate expiring within the window; returns how many."""
    with transaction.atomic():
        due = certificates_to_remind(as_of)
        if not due:
            return 0
        organisation_ids = {
            c.msme.organisation_id for c in due if c.msme.organisation_id
        }
        owners = User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__role=Role.MSME_OWNER,
        ).prefetch_related("memberships")
        owners_by_org: dict[int, list[User]] = {}
        for owner in owners:
            for membership in owner.memberships.all():
                if membership.organisation_id in organisation_ids:
                    owners_by_org.setdefault(membership.organisation_id, []).append(
                        owner
                    )
        notify_each(
            Message(
                owners_by_org.get(certificate.msme.organisation_id or -1, []),
                _("A certificate expires soon"),
                body=_("%(kind)s %(number)s expires on %(date)s. Renew it in time.")
                % {
                    "kind": certificate.get_kind_display(),
                    "number": certificate.number,
                    "date": certificate.valid_until.isoformat(),
                },
                url=reverse("exporters:msme_detail", args=[certificate.msme_id]),
                kind="exporters.certificate_expiring",
            )
            for certificate in due
        )
        officers = User.objects.filter(
            is_active=True, memberships__role=Role.OFFICER
        ).distinct()
        notify(
            officers,
            subject=ngettext_lazy(
                "%(count)d certificate expires within the window",
                "%(count)d certificates expire within the window",
                "count",
            )
            % {"count": len(due)},
            body=_("Open the registry and filter by certificate to follow them up."),
            url=reverse("exporters:registry"),
            kind="exporters.certificates_expiring_digest",
        )
        Certificate.objects.filter(pk__in=[c.pk for c in due]).update(
            expiry_notified_at=timezone.now()
        )
        for certificate in due:
            record(
                actor=None,
                action="exporters.certificate.expiry_reminded",
                obj=certificate,
                organisation=certificate.msme.organisation,
            )
    return len(due)


@task()
def remind_expiring_certificates(as_of: str | None = None) -> int:
    """The daily reminder task; `as_of` is an ISO date (default: today in Asia/Jakarta)."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return remind_expiring_certificates_as_of(day)


@task()
def refresh_lapsed_certificates(as_of: str | None = None) -> int:
    """The catalogue's daily refresh: certificates that lapsed stop counting in its filter.

    `as_of` is an ISO date (default: today in Asia/Jakarta); returns how many products changed.
    """
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return refresh_lapsed_certificate_tokens(day)
