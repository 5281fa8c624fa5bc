"""Shared kernel models: reference data, the audit log and task progress."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from serumpun.core.access import VisibleQuerySet


class Confidence(models.TextChoices):
    """How far a fact from research/ can be trusted (H/M/L there)."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low — to be confirmed")


# --- Reference data --------------------------------------------------------------------------


class Province(models.Model):
    """An Indonesian province (BPS/Kemendagri two-digit code)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Regency(models.Model):
    """An Indonesian regency (kabupaten) or city (kota), four-digit code; NIK digits 1–4."""

    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("regency")
        CITY = "kota", _("city")

    code = models.CharField(max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    capital = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    road_km_to_panjang = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Estimated road distance to Panjang port (low)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (kecamatan), BPS seven-digit code; Lampung only for now."""

    code = models.CharField(max_length=7, primary_key=True)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """An ISO 3166-1 country."""

    alpha2 = models.CharField(max_length=2, primary_key=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Subdivision(models.Model):
    """An ISO 3166-2 subdivision used by the platform, e.g. Malaysian states (MY-10 Selangor)."""

    code = models.CharField(max_length=6, primary_key=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="subdivisions"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("state or territory")
        verbose_name_plural = _("states and territories")

    def __str__(self) -> str:
        return self.name


class Currency(models.Model):
    """An ISO 4217 currency."""

    code = models.CharField(max_length=3, primary_key=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return self.code


class HSCode(models.Model):
    """A Harmonized System 2022 code: chapter (2), heading (4) or subheading (6 digits)."""

    code = models.CharField(max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(max_length=5)
    description = models.TextField()
    name_id = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Indonesian trade names, comma-separated."),
    )
    search_text = models.TextField(
        blank=True,
        help_text=_("Lower-cased code, description and Indonesian names for search."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"


class Port(models.Model):
    """A seaport or airport of the corridor, from our own table (research/logistics.md §2)."""

    class Kind(models.TextChoices):
        SEAPORT = "seaport", _("seaport")
        AIRPORT = "airport", _("airport")

    # An airport and a seaport of one city share a UN/LOCODE (MYPEN is Penang's port and
    # airport), so the code is unique per kind, not on its own.
    locode = models.CharField(max_length=5, db_index=True)
    name = models.CharField(max_length=120)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="ports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    iata = models.CharField(max_length=3, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    aliases = models.JSONField(default=list, blank=True)
    international = models.BooleanField(default=True)
    confidence = models.CharField(max_length=6, choices=Confidence.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["country_id", "locode"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["locode", "kind"], name="port_locode_kind_unique"
            )
        ]
        verbose_name = _("port")
        verbose_name_plural = _("ports")

    def __str__(self) -> str:
        return f"{self.locode} {self.name}"


class Occupation(models.Model):
    """An ISCO-08 unit group used by the labour module, with Indonesian and Malay titles."""

    isco_code = models.CharField(max_length=4, primary_key=True)
    title_en = models.CharField(max_length=200)
    title_id = models.CharField(max_length=200)
    title_ms = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, db_index=True)
    confidence = models.CharField(max_length=6, choices=Confidence.choices)

    class Meta:
        ordering = ["isco_code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.isco_code} {self.title_en}"


class ReferenceDataset(models.Model):
    """Which version (checksum) of each reference file is loaded, so loading is idempotent."""

    name = models.CharField(max_length=60, primary_key=True)
    checksum = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    source = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")

    def __str__(self) -> str:
        return self.name


# --- Audit log -------------------------------------------------------------------------------


class AuditEventQuerySet(VisibleQuerySet):
    """Audit rows; only platform admins and officers of the same organisation may read them."""

    owner_field = "organisation"


class AuditEvent(models.Model):
    """An append-only record of a state change or a read of personal data (SEC-05)."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("change")
        PERSONAL_DATA_READ = "personal_read", _("read of personal data")
        SECURITY = "security", _("security")

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=30, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.CHANGE)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(
        default=list, blank=True, help_text=_("Field names only, never values.")
    )
    purpose = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["kind", "created_at"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


# --- Task progress ---------------------------------------------------------------------------


class TaskProgressQuerySet(VisibleQuerySet):
    """Progress records; visible to the user who started the job and their organisation."""

    owner_field = "organisation"


class TaskProgress(models.Model):
    """Progress of a long background job (imports, re-computations) for the progress bar."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def percent(self) -> int:
        """Whole-number percentage for the progress bar."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        """True once the job succeeded or failed."""
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


# --- Notifications ---------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet["Notification"]):
    """In-app notifications; each person sees only their own."""

    def for_user(self, user: Any) -> NotificationQuerySet:
        """The notifications addressed to `user`."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        """Those not yet opened."""
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one person shown in the app (and usually sent by e-mail too)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject
