"""Admin pages of the core app: the audit log and task progress (read-only) and reference data.

The audit log is evidence: nobody, not even a superuser, adds, edits or deletes a row through
the admin. It holds field names, never values, so the list shows no personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from serumpun.core.models import (
    AuditEvent,
    Country,
    Currency,
    HSCode,
    Occupation,
    Port,
    Province,
    ReferenceDataset,
    Regency,
    Subdivision,
    TaskProgress,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin that may look but never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The append-only audit log: filter by kind, action and date; search ids."""

    list_display = (
        "created_at",
        "kind",
        "action",
        "actor",
        "actor_role",
        "organisation",
        "object_type",
        "object_id",
        "request_id",
    )
    list_filter = ("kind", "action", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=object_id", "=request_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "organisation")
    # The log grows without bound; an exact COUNT(*) on every page would not.
    show_full_result_count = False
    fields = (
        "created_at",
        "kind",
        "action",
        "actor",
        "actor_role",
        "organisation",
        "object_type",
        "object_id",
        "fields",
        "purpose",
        "request_id",
    )


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdmin):
    """Background jobs and how far they got."""

    list_display = (
        "label",
        "kind",
        "status",
        "done",
        "total",
        "started_by",
        "created_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("started_by",)
    search_fields = ("=id", "label")


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    """Provinces (reference data, loaded from data/ by `load_reference`)."""

    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Regency)
class RegencyAdmin(ReadOnlyAdmin):
    """Regencies and cities (reference data)."""

    list_display = ("code", "name", "kind", "province", "capital")
    list_filter = ("kind", "province")
    list_select_related = ("province",)
    search_fields = ("code", "name")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    """Countries (reference data)."""

    list_display = ("alpha2", "alpha3", "name")
    search_fields = ("alpha2", "alpha3", "name")


@admin.register(Subdivision)
class SubdivisionAdmin(ReadOnlyAdmin):
    """States and territories (reference data)."""

    list_display = ("code", "name", "kind", "country")
    list_filter = ("country", "kind")
    search_fields = ("code", "name")


@admin.register(Currency)
class CurrencyAdmin(ReadOnlyAdmin):
    """Currencies (reference data)."""

    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(HSCode)
class HSCodeAdmin(ReadOnlyAdmin):
    """HS 2022 codes (reference data)."""

    list_display = ("code", "level", "description", "name_id")
    list_filter = ("level", "section")
    search_fields = ("code", "description", "name_id")


@admin.register(Port)
class PortAdmin(ReadOnlyAdmin):
    """Ports and airports (reference data)."""

    list_display = ("locode", "name", "kind", "country", "confidence")
    list_filter = ("kind", "country", "confidence")
    search_fields = ("locode", "name", "iata")


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    """ISCO-08 occupations (reference data)."""

    list_display = ("isco_code", "title_en", "title_id", "sector")
    list_filter = ("sector",)
    search_fields = ("isco_code", "title_en", "title_id", "title_ms")


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(ReadOnlyAdmin):
    """Which version of each reference file is loaded."""

    list_display = ("name", "rows", "checksum", "loaded_at")
