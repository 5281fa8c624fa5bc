"""Admin for the MSME registry. Verification fields are read-only here: an officer verifies
through the registry pages (exporters.actions), which audit the transition and notify the
owner; editing the state in the admin would skip both."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin

from serumpun.exporters.models import (
    MSME,
    Certificate,
    ExportRecord,
    ImportBatch,
    Product,
    ProductPhoto,
)


class KeepsCatalogueCurrent:
    """Admin edits bypass the actions: refresh the search text and the catalogue's facet
    tokens of what the edit touched, after related rows (certificate products) are saved."""

    def save_related(
        self, request: Any, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        from serumpun.exporters.actions import product_search_text
        from serumpun.exporters.search import refresh_catalogue_tokens

        obj = form.instance
        if isinstance(obj, Product):
            Product.objects.filter(pk=obj.pk).update(
                search_text=product_search_text(obj)
            )
            refresh_catalogue_tokens([obj.pk])
        elif isinstance(obj, Certificate):
            refresh_catalogue_tokens(msme_ids=[obj.msme_id])
        elif isinstance(obj, MSME):
            refresh_catalogue_tokens(msme_ids=[obj.pk])


VERIFICATION_FIELDS = (
    "verification",
    "verification_reason",
    "verified_at",
    "verified_by",
)


class ExportRecordInline(admin.TabularInline[ExportRecord, MSME]):
    model = ExportRecord
    extra = 0
    autocomplete_fields = ("country",)


@admin.register(MSME)
class MSMEAdmin(KeepsCatalogueCurrent, admin.ModelAdmin[MSME]):
    list_display = (
        "name",
        "brand_name",
        "nib",
        "regency",
        "size_class",
        "verification",
        "source",
        "is_demo",
    )
    list_filter = ("verification", "size_class", "source", "is_demo", "regency")
    search_fields = ("name", "brand_name", "nib", "owner_name")
    list_select_related = ("regency",)
    raw_id_fields = ("organisation", "created_by")
    readonly_fields = (
        *VERIFICATION_FIELDS,
        "size_class",
        "submitted_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines: ClassVar = [ExportRecordInline]


class ProductPhotoInline(admin.TabularInline[ProductPhoto, Product]):
    model = ProductPhoto
    extra = 0
    fields = ("position", "content_type", "width", "height", "size_bytes", "created_at")
    readonly_fields = fields


@admin.register(Product)
class ProductAdmin(KeepsCatalogueCurrent, admin.ModelAdmin[Product]):
    list_display = (
        "name_id",
        "msme",
        "hs_code",
        "monthly_capacity_kg",
        "fob_price_usd_per_kg",
        "is_active",
    )
    list_filter = ("is_active", "halal_claim", "processed", "is_demo")
    search_fields = ("name_id", "name_en", "name_ms", "hs_code__code", "msme__name")
    list_select_related = ("msme", "hs_code")
    raw_id_fields = ("msme", "hs_code")
    readonly_fields = ("search_text", "created_at", "updated_at")
    inlines: ClassVar = [ProductPhotoInline]


@admin.register(Certificate)
class CertificateAdmin(KeepsCatalogueCurrent, admin.ModelAdmin[Certificate]):
    list_display = ("kind", "number", "msme", "issuer", "valid_until", "verification")
    list_filter = ("kind", "verification", "is_demo")
    search_fields = ("number", "issuer", "msme__name", "msme__nib")
    date_hierarchy = "valid_until"
    list_select_related = ("msme",)
    raw_id_fields = ("msme",)
    filter_horizontal = ("products",)
    readonly_fields = (*VERIFICATION_FIELDS, "expiry_notified_at", "created_at")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = (
        "original_name",
        "status",
        "total_rows",
        "error_rows",
        "created_count",
        "updated_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("original_name", "sha256")
    readonly_fields = (
        "sha256",
        "status",
        "total_rows",
        "error_rows",
        "errors",
        "created_count",
        "updated_count",
        "unchanged_count",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
    )
