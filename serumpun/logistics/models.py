"""Logistics: the rate book, shipments (pledged or booked) and persisted pooling plans.

The port and airport network is the shared reference table `core.Port` (data/ports.csv, with
Panjang's disputed LOCODE explained there) and the regency → Panjang road distances are
`core.Regency.road_km_to_panjang` (data/wilayah/lampung-capitals.csv, low confidence, editable
by officers in the admin). Sea distances between our ports are precomputed from our own
coordinates into data/logistics/sea-lanes.csv (see serumpun.logistics.network).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import has_permission
from serumpun.core.access import VisibleQuerySet
from serumpun.core.models import Confidence


class CargoKind(models.TextChoices):
    """Whether cargo needs a refrigerated container."""

    GENERAL = "general", _("general")
    REEFER = "reefer", _("reefer (chilled/frozen)")


class RateMode(models.TextChoices):
    """The transport mode a rate prices."""

    ROAD = "road", _("road")
    FERRY = "ferry", _("ferry")
    SEA_FCL = "sea_fcl", _("sea, full container (FCL)")
    SEA_LCL = "sea_lcl", _("sea, shared container (LCL)")
    AIR = "air", _("air")
    LOCAL = "local", _("local charges")


class RateBasis(models.TextChoices):
    """What one unit of a rate's amount buys."""

    PER_KM = "per_km", _("per km")
    PER_TRIP = "per_trip", _("per trip")
    PER_CONTAINER = "per_container", _("per container")
    PER_RT = "per_rt", _("per revenue tonne (W/M)")
    PER_KG = "per_kg", _("per chargeable kg")
    PER_SHIPMENT = "per_shipment", _("per shipment")


class RateQuerySet(models.QuerySet["Rate"]):
    """The rate book's read vocabulary."""

    def valid_on(self, day: Any) -> RateQuerySet:
        """Rates in force on `day`: expired or future rates are never used."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Rate(models.Model):
    """One line of the rate book: a price for a lane and mode, with its provenance."""

    mode = models.CharField(_("mode"), max_length=8, choices=RateMode.choices)
    basis = models.CharField(_("basis"), max_length=14, choices=RateBasis.choices)
    # Lane: LOCODEs of our port table. A blank origin on a road rate means "any Lampung
    # regency" (trucking priced per km from the regency's capital).
    origin_locode = models.CharField(_("from (LOCODE)"), max_length=5, blank=True)
    destination_locode = models.CharField(_("to (LOCODE)"), max_length=5, blank=True)
    via_locode = models.CharField(
        _("via (transshipment LOCODE)"),
        max_length=5,
        blank=True,
        help_text=_("Blank for a direct service."),
    )
    container_code = models.CharField(
        _("container type"),
        max_length=4,
        blank=True,
        help_text=_("20GP, 40GP, 40HC or 20RF for FCL rates and container charges."),
    )
    cargo_kind = models.CharField(
        _("cargo"),
        max_length=8,
        choices=CargoKind.choices,
        blank=True,
        help_text=_("Blank: applies to general and reefer cargo."),
    )
    applies_to = models.CharField(
        _("applies to"),
        max_length=8,
        blank=True,
        choices=[
            (RateMode.SEA_LCL, RateMode.SEA_LCL.label),
            (RateMode.SEA_FCL, RateMode.SEA_FCL.label),
            (RateMode.AIR, RateMode.AIR.label),
        ],
        help_text=_("For local charges: which shipments pay it (blank: all)."),
    )
    charge = models.CharField(
        _("charge"),
        max_length=40,
        default="freight",
        help_text=_("freight, thc, documents, cfs…"),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    minimum = models.DecimalField(
        _("minimum charge"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    transit_days_min = models.PositiveSmallIntegerField(
        _("transit days (min)"), null=True, blank=True
    )
    transit_days_max = models.PositiveSmallIntegerField(
        _("transit days (max)"), null=True, blank=True
    )
    sailings_per_week = models.DecimalField(
        _("departures per week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source_title = models.CharField(_("source"), max_length=300)
    source_date = models.DateField(_("source date"))
    confidence = models.CharField(
        _("confidence"), max_length=6, choices=Confidence.choices
    )
    entered_by_org = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rates",
        verbose_name=_("entered by"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    # Set on rates seeded from data/logistics/rates-reference.yaml, so reloading updates them.
    reference_key = models.CharField(
        max_length=60, null=True, blank=True, unique=True, editable=False
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RateQuerySet.as_manager()

    class Meta:
        ordering = ["mode", "origin_locode", "destination_locode", "-valid_from", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["mode", "destination_locode", "valid_from"]),
            models.Index(fields=["valid_to"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="rate_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="rate_validity_ordered",
            ),
        ]
        verbose_name = _("rate")
        verbose_name_plural = _("rate book")

    def __str__(self) -> str:
        lane = f"{self.origin_locode or '*'}→{self.destination_locode or '*'}"
        return f"{self.get_mode_display()} {lane} {self.amount} {self.currency}/{self.basis}"


class ShipmentStatus(models.TextChoices):
    """Where a shipment stands: pledged volume becomes a booking, then sails."""

    PLEDGED = "pledged", _("pledged")
    BOOKED = "booked", _("booked")
    SHIPPED = "shipped", _("shipped")
    CANCELLED = "cancelled", _("cancelled")


def _sees_all_shipments(user: Any) -> bool:
    return has_permission(user, "consolidation.plan") or has_permission(
        user, "msme.view_all"
    )


class ShipmentQuerySet(VisibleQuerySet):
    """Shipments: the MSME's organisation sees its own; planners and officers see all."""

    owner_field = "msme__organisation"

    def role_grants(self, user: Any) -> Q | None:
        return Q(pk__isnull=False) if _sees_all_shipments(user) else None

    def open(self) -> ShipmentQuerySet:
        """Pledged or booked: still to be planned."""
        return self.filter(status__in=[ShipmentStatus.PLEDGED, ShipmentStatus.BOOKED])


class Shipment(models.Model):
    """An MSME's shipment to a Malaysian port: pledged volume or a firm booking."""

    msme = models.ForeignKey(
        "exporters.MSME", on_delete=models.CASCADE, related_name="shipments"
    )
    product = models.ForeignKey(
        "exporters.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("product"),
    )
    hs_code = models.CharField(_("HS code"), max_length=6)
    origin_regency = models.ForeignKey(
        "core.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("origin regency or city"),
    )
    destination_locode = models.CharField(_("destination port"), max_length=5)
    kind = models.CharField(
        _("cargo"), max_length=8, choices=CargoKind.choices, default=CargoKind.GENERAL
    )
    weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=10, decimal_places=1
    )
    volume_m3 = models.DecimalField(_("volume (m³)"), max_digits=9, decimal_places=3)
    ready_date = models.DateField(_("ready from"))
    latest_date = models.DateField(_("must sail by"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.PLEDGED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["ready_date", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["destination_locode", "ready_date", "status"]),
            models.Index(fields=["msme", "status"]),
            models.Index(fields=["origin_regency", "ready_date"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(weight_kg__gt=0) & Q(volume_m3__gt=0),
                name="shipment_positive_size",
            ),
            models.CheckConstraint(
                condition=Q(latest_date__isnull=True)
                | Q(latest_date__gte=models.F("ready_date")),
                name="shipment_dates_ordered",
            ),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.msme_id} → {self.destination_locode} {self.ready_date}"


class PlanStatus(models.TextChoices):
    """A pooling plan is a draft until the transport attaché publishes it."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ConsolidationPlanQuerySet(VisibleQuerySet):
    """Plans: planners see all; an MSME sees published plans that carry its shipments."""

    owner_field = "organisation"

    def role_grants(self, user: Any) -> Q | None:
        if _sees_all_shipments(user):
            return Q(pk__isnull=False)
        return Q(
            status=PlanStatus.PUBLISHED,
            loads__shipment__msme__organisation__in=user.organisation_ids,
        )


class ConsolidationPlan(models.Model):
    """A pooling plan: which pledged/booked shipments share which containers, and who pays what."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    as_of = models.DateField(_("rates as of"))
    solver_status = models.CharField(_("solver status"), max_length=12)
    lower_bound_containers = models.PositiveIntegerField(_("lower bound (containers)"))
    cost_usd = models.DecimalField(
        _("total cost (USD)"), max_digits=12, decimal_places=2
    )
    ship_when_ready_cost_usd = models.DecimalField(
        _("cost if each ships alone (USD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    shipment_count = models.PositiveIntegerField(_("shipments"), default=0)
    container_count = models.PositiveIntegerField(_("containers"), default=0)
    lcl_count = models.PositiveIntegerField(_("shipments sent LCL"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The background job that made the plan (planning runs the solver for up to a minute).
    progress = models.OneToOneField(
        "core.TaskProgress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pooling_plan",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsolidationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "created_at"]),
        ]
        verbose_name = _("pooling plan")
        verbose_name_plural = _("pooling plans")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()} ({self.container_count})"


class PlannedContainer(models.Model):
    """One container of a plan: type, port, sailing week and how full it is."""

    plan = models.ForeignKey(
        ConsolidationPlan, on_delete=models.CASCADE, related_name="containers"
    )
    container_code = models.CharField(_("container type"), max_length=4)
    destination_locode = models.CharField(_("destination port"), max_length=5)
    kind = models.CharField(_("cargo"), max_length=8, choices=CargoKind.choices)
    sail_week = models.DateField(_("sailing week (Monday)"), null=True, blank=True)
    volume_m3 = models.DecimalField(_("volume (m³)"), max_digits=9, decimal_places=3)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=1)
    fill_volume = models.FloatField(_("volume fill"))
    fill_weight = models.FloatField(_("weight fill"))
    cost_usd = models.DecimalField(_("cost (USD)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["plan", "destination_locode", "sail_week", "id"]
        verbose_name = _("planned container")
        verbose_name_plural = _("planned containers")

    def __str__(self) -> str:
        return f"{self.container_code} → {self.destination_locode} {self.sail_week}"


class PlannedLoad(models.Model):
    """One shipment in a plan: its container (none = sent LCL) and its cost share."""

    plan = models.ForeignKey(
        ConsolidationPlan, on_delete=models.CASCADE, related_name="loads"
    )
    container = models.ForeignKey(
        PlannedContainer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="loads",
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="planned_loads"
    )
    revenue_tonnes = models.FloatField(_("revenue tonnes (W/M)"))
    share_usd = models.DecimalField(
        _("cost share (USD)"), max_digits=10, decimal_places=2
    )

    class Meta:
        ordering = ["plan", "container", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["plan", "shipment"], name="planned_load_once_per_plan"
            )
        ]
        verbose_name = _("planned load")
        verbose_name_plural = _("planned loads")

    def __str__(self) -> str:
        return f"{self.shipment_id} in {self.container_id or 'LCL'}"
