"""Admin for logistics: the rate book, shipments and pooling plans.

Plans are read-only here: they are made and published through the pooling page
(logistics.actions), which audits and notifies; a hand-edited plan would no longer match its
solver output. Regency → Panjang road distances are edited on core's regency admin.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin

from serumpun.logistics.models import (
    ConsolidationPlan,
    PlannedContainer,
    PlannedLoad,
    Rate,
    Shipment,
)


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin[Rate]):
    list_display = (
        "mode",
        "origin_locode",
        "destination_locode",
        "via_locode",
        "container_code",
        "charge",
        "amount",
        "currency",
        "basis",
        "valid_from",
        "valid_to",
        "confidence",
        "entered_by_org",
        "is_demo",
    )
    list_filter: ClassVar[Any] = ("mode", "confidence", "currency", "is_demo")
    search_fields: ClassVar[Any] = (
        "origin_locode",
        "destination_locode",
        "source_title",
        "charge",
    )
    date_hierarchy = "valid_from"
    raw_id_fields: ClassVar[Any] = ("entered_by_org", "entered_by")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
    list_display = (
        "msme",
        "destination_locode",
        "kind",
        "weight_kg",
        "volume_m3",
        "ready_date",
        "latest_date",
        "status",
        "is_demo",
    )
    list_filter: ClassVar[Any] = ("status", "kind", "destination_locode", "is_demo")
    search_fields: ClassVar[Any] = ("msme__name", "hs_code")
    raw_id_fields: ClassVar[Any] = ("msme", "product", "created_by")
    list_select_related: ClassVar[Any] = ("msme",)


class PlannedContainerInline(admin.TabularInline[PlannedContainer, ConsolidationPlan]):
    model = PlannedContainer
    extra = 0
    can_delete = False
    readonly_fields: ClassVar[Any] = (
        "container_code",
        "destination_locode",
        "kind",
        "sail_week",
        "volume_m3",
        "weight_kg",
        "fill_volume",
        "fill_weight",
        "cost_usd",
    )
    fields = readonly_fields


class PlannedLoadInline(admin.TabularInline[PlannedLoad, ConsolidationPlan]):
    model = PlannedLoad
    extra = 0
    can_delete = False
    readonly_fields: ClassVar[Any] = (
        "shipment",
        "container",
        "revenue_tonnes",
        "share_usd",
    )
    fields = readonly_fields


@admin.register(ConsolidationPlan)
class ConsolidationPlanAdmin(admin.ModelAdmin[ConsolidationPlan]):
    list_display = (
        "id",
        "status",
        "as_of",
        "shipment_count",
        "container_count",
        "lcl_count",
        "cost_usd",
        "solver_status",
        "is_demo",
    )
    list_filter: ClassVar[Any] = ("status", "is_demo")
    inlines: ClassVar[Any] = (PlannedContainerInline, PlannedLoadInline)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False
