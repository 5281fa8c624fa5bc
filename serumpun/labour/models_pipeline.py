"""Placement follow-up: contract and payslip figures, welfare check-ins, grievance responses
and data-subject requests (issue 7 §8–10). Registered through `labour.models`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.core.access import VisibleQuerySet
from serumpun.core.crypto import EncryptedTextField
from serumpun.labour.models import Grievance, Placement, Seeker, _sees_all_labour

__all__ = ["ContractRecord", "DataRequest", "GrievanceResponse", "WelfareCheckin"]


class ContractRecord(models.Model):
    """The numbers of an offer, a signed contract or a payslip, for the substitution check."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("offer")
        SIGNED = "signed", _("signed contract")
        PAYSLIP = "payslip", _("payslip")

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="contract_records"
    )
    kind = models.CharField(_("document"), max_length=7, choices=Kind.choices)
    basic_wage_myr = models.DecimalField(
        _("basic wage (MYR a month)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    weekly_hours = models.DecimalField(
        _("normal hours a week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    #: [{"kind": "accommodation", "amount_myr": "150.00", "note": ""}]
    deductions = models.JSONField(_("deductions"), default=list, blank=True)
    period = models.DateField(
        _("pay period (month)"),
        null=True,
        blank=True,
        help_text=_("For a payslip: any day of the month it pays."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["placement", "at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["placement", "kind", "at"]),
        ]
        verbose_name = _("contract record")
        verbose_name_plural = _("contract records")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.kind} {self.basic_wage_myr}"


class WelfareCheckinQuerySet(VisibleQuerySet):
    """Check-ins: the worker, the placement's organisations, the attaché and officers."""

    owner_field = "placement__job_order__organisation"
    owner_user_field = "placement__seeker__user"

    def role_grants(self, user: Any) -> Q | None:
        return Q(pk__isnull=False) if _sees_all_labour(user) else None

    def due(self, as_of: Any) -> WelfareCheckinQuerySet:
        """Check-ins not yet done whose day has come."""
        return self.filter(done_at__isnull=True, due_on__lte=as_of)


class WelfareCheckin(models.Model):
    """A scheduled contact with a worker abroad (research/labour.md §6 gap 7)."""

    class Outcome(models.TextChoices):
        WELL = "well", _("well, no concerns")
        CONCERN = "concern", _("concern raised")
        NO_CONTACT = "no_contact", _("could not be reached")

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="checkins"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True
    )
    # null, not "", when empty: an empty string is stored unencrypted and cannot be read back
    note = EncryptedTextField(_("note"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = WelfareCheckinQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "due_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["placement", "due_on"], name="welfare_checkin_unique"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["done_at", "due_on"]),
        ]
        verbose_name = _("welfare check-in")
        verbose_name_plural = _("welfare check-ins")

    def __str__(self) -> str:
        return f"{self.placement_id} @ {self.due_on}"


class GrievanceResponse(models.Model):
    """An answer or note by the attaché or an officer on a grievance (confidential)."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="responses"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = EncryptedTextField(_("response"), null=True)  # null once erased
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["grievance", "at", "id"]
        verbose_name = _("grievance response")
        verbose_name_plural = _("grievance responses")

    def __str__(self) -> str:
        return f"{self.grievance_id} @ {self.at:%Y-%m-%d}"


class DataRequest(models.Model):
    """A data-subject request under UU 27/2022 (PDP): export, correction, withdrawal, erasure."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("copy of my data")
        CORRECTION = "correction", _("correction")
        WITHDRAW = "withdraw", _("consent withdrawn")
        ERASURE = "erasure", _("erasure")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")

    seeker = models.ForeignKey(
        Seeker, on_delete=models.CASCADE, related_name="data_requests"
    )
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.PENDING
    )
    fields = models.JSONField(_("fields concerned"), default=list, blank=True)
    note = EncryptedTextField(_("note"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "kind"]),
        ]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"
