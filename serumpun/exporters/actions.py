"""Every change to the MSME registry: profiles, verification, products, photos, certificates.

Views, the API, imports, admin actions and demo seeding all call these functions. Each checks
the actor's permission, runs in one transaction, validates the domain rules, writes the audit
row and notifies whom it concerns. Callers look records up with `visible_to(by)` first, so
another organisation's record is already a 404 before an action runs.

Errors: `PermissionDenied` when the role may not act at all; `ConflictError` (HTTP 409) for a
duplicate NIB, a second profile for one organisation or an illegal transition;
`django.core.exceptions.ValidationError` with a field → message dict for bad values;
`UploadTooLarge` (HTTP 413) for an oversized photo or document.

Verification after edits (decision): when the owner edits a *verified* profile's legal
identity — legal name, NIB, NPWP or regency — the profile goes back to `submitted` so an
officer checks it again; other edits (phone, products, turnover…) keep the badge. An officer's
own edits never change the verification state (the officer is the verifier).

Catalogue tokens: every action that changes what the catalogue filters ask (a product, its
certificates, its MSME's verification or regency) refreshes the tokens of the products
concerned in the same transaction (serumpun.exporters.search.refresh_catalogue_tokens).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import OrganisationKind, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import Country, HSCode, Regency
from serumpun.core.notifications import notify
from serumpun.exporters import config, images
from serumpun.exporters.images import UploadTooLarge
from serumpun.exporters.models import (
    MSME,
    Certificate,
    CertificateKind,
    ExportRecord,
    Product,
    ProductPhoto,
    RecordSource,
    Verification,
)
from serumpun.exporters.rules import identifiers, search_text, size_class
from serumpun.exporters.search import refresh_catalogue_tokens

__all__ = [
    "ConflictError",
    "UploadTooLarge",
    "add_product",
    "add_product_photo",
    "create_msme",
    "delete_export",
    "product_search_text",
    "record_certificate",
    "record_export",
    "set_product_active",
    "submit_msme",
    "update_msme",
    "update_product",
    "verify_certificate",
    "verify_msme",
]


# --- Field whitelists --------------------------------------------------------------------------

MSME_FIELDS = frozenset(
    {
        "name",
        "brand_name",
        "nib",
        "npwp",
        "regency",
        "regency_id",
        "address",
        "lat",
        "lon",
        "owner_name",
        "phone",
        "email",
        "established_year",
        "employees",
        "annual_turnover_idr",
        "assets_idr",
        "kbli_code",
        "languages",
        "is_demo",
    }
)
#: editing one of these on a verified profile sends it back to the officer
MSME_IDENTITY_FIELDS = frozenset({"name", "nib", "npwp", "regency_id"})

PRODUCT_FIELDS = frozenset(
    {
        "name_id",
        "name_en",
        "name_ms",
        "description_id",
        "description_en",
        "description_ms",
        "hs_code",
        "hs_code_id",
        "monthly_capacity_kg",
        "unit_net_weight_kg",
        "carton_length_cm",
        "carton_width_cm",
        "carton_height_cm",
        "carton_gross_weight_kg",
        "units_per_carton",
        "shelf_life_days",
        "ingredients",
        "allergens",
        "fob_price_usd_per_kg",
        "moq_kg",
        "lead_time_days",
        "halal_claim",
        "processed",
        "label_languages",
        "is_active",
        "is_demo",
    }
)
PRODUCT_DECIMALS = frozenset(
    {
        "monthly_capacity_kg",
        "unit_net_weight_kg",
        "carton_length_cm",
        "carton_width_cm",
        "carton_height_cm",
        "carton_gross_weight_kg",
        "fob_price_usd_per_kg",
        "moq_kg",
    }
)
LABEL_LANGUAGES = frozenset({"id", "en", "ms"})
CERTIFICATE_FIELDS = frozenset(
    {"kind", "number", "issuer", "issued_on", "valid_until", "is_demo"}
)
HS_SUBHEADING_LENGTH = 6
EARLIEST_YEAR = 1900


# --- Permission helpers ------------------------------------------------------------------------


def _can_manage(by: User, msme: MSME) -> bool:
    if has_permission(by, "msme.manage_any") or by.is_platform_admin:
        return True
    return (
        has_permission(by, "msme.manage_own")
        and msme.organisation_id is not None
        and msme.organisation_id in by.organisation_ids
    )


def _require_manage(by: User, msme: MSME) -> None:
    if not _can_manage(by, msme):
        raise PermissionDenied(_("You may not change this business profile."))


def _require_verify(by: User) -> None:
    if not (has_permission(by, "msme.verify") or by.is_platform_admin):
        raise PermissionDenied(_("Only an officer may verify."))


def _unknown_fields(fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})


# --- Value cleaning ----------------------------------------------------------------------------


def _clean_msme_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise identifiers and phone; resolve the regency; errors keyed by field."""
    _unknown_fields(fields, MSME_FIELDS)
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    normalisers = {
        "nib": (identifiers.normalise_nib, _("An NIB is 13 digits.")),
        "npwp": (identifiers.normalise_npwp, _("An NPWP is 15 or 16 digits.")),
        "phone": (
            identifiers.normalise_phone,
            _("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890."),
        ),
    }
    for name, (normaliser, message) in normalisers.items():
        if name in cleaned:
            try:
                cleaned[name] = normaliser(str(cleaned[name] or ""))
            except ValueError:
                errors[name] = message
    regency = cleaned.pop("regency", None)
    if isinstance(regency, Regency):
        cleaned["regency_id"] = regency.pk
    elif regency is not None:
        cleaned["regency_id"] = str(regency)
    if (
        "regency_id" in cleaned
        and not Regency.objects.filter(pk=cleaned["regency_id"]).exists()
    ):
        errors["regency"] = _("Unknown regency or city code.")
    languages = cleaned.get("languages")
    if languages is not None and not (
        isinstance(languages, list)
        and all(isinstance(code, str) and len(code) == 2 for code in languages)  # noqa: PLR2004
    ):
        errors["languages"] = _("Give languages as two-letter codes.")
    for name in ("annual_turnover_idr", "assets_idr"):
        value = cleaned.get(name)
        if value is not None:
            try:
                cleaned[name] = Decimal(value)
            except (InvalidOperation, TypeError, ValueError):
                errors[name] = _("Enter a number.")
                continue
            if cleaned[name] < 0:
                errors[name] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _size_class_of(msme: MSME) -> str:
    return size_class.classify(
        msme.assets_idr, msme.annual_turnover_idr, config.size_thresholds()
    )


def _full_clean(obj: Any, exclude: Iterable[str] = ()) -> None:
    """Model validation (lengths, ranges) without uniqueness, which actions check themselves."""
    obj.full_clean(exclude=list(exclude), validate_unique=False)


def _check_nib_free(nib: str, *, exclude_pk: int | None = None) -> None:
    taken = MSME.objects.filter(nib=nib)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ConflictError(
            _("An MSME with this NIB is already registered."), field="nib"
        )


def _save_msme(msme: MSME) -> None:
    try:
        with transaction.atomic():
            msme.save()
    except IntegrityError as exc:  # a concurrent insert won the race for the NIB
        raise ConflictError(
            _("An MSME with this NIB is already registered."), field="nib"
        ) from exc


def _detail_url(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the page's helper has not defined it yet
        return ""


def _owners(msme: MSME) -> list[User]:
    if msme.organisation_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__organisation_id=msme.organisation_id, is_active=True
        ).distinct()
    )


# --- MSME profile ------------------------------------------------------------------------------


@transaction.atomic
def create_msme(
    *,
    by: User,
    fields: Mapping[str, Any],
    source: str = RecordSource.WEB,
    organisation: Organisation | None = None,
) -> MSME:
    """Register an MSME: an owner registers their own organisation's, an officer any.

    An owner's profile belongs to their organisation (one per organisation). An officer's
    has no organisation unless `organisation` is given (offline MSMEs are common).
    """
    if has_permission(by, "msme.manage_any") or by.is_platform_admin:
        owner_org = organisation
    elif has_permission(by, "msme.manage_own"):
        owner_org = by.organisation
        if owner_org is None or owner_org.kind != OrganisationKind.MSME:
            raise PermissionDenied(_("Only an MSME's own members may register it."))
    else:
        raise PermissionDenied(_("Your role may not register MSMEs."))
    if owner_org is not None and MSME.objects.filter(organisation=owner_org).exists():
        raise ConflictError(_("This organisation already has a business profile."))
    cleaned = _clean_msme_fields(fields)
    missing = {
        name: _("This field is required.")
        for name in ("name", "nib", "regency_id", "owner_name", "phone")
        if not cleaned.get(name)
    }
    if missing:
        raise ValidationError(
            {("regency" if k == "regency_id" else k): v for k, v in missing.items()}
        )
    _check_nib_free(cleaned["nib"])
    msme = MSME(**cleaned, organisation=owner_org, source=source, created_by=by)
    msme.size_class = _size_class_of(msme)
    _full_clean(msme, exclude=["organisation", "created_by", "verified_by"])
    _save_msme(msme)
    audit.record(
        actor=by, action="exporters.msme.created", obj=msme, fields=sorted(cleaned)
    )
    return msme


@transaction.atomic
def update_msme(*, by: User, msme: MSME, fields: Mapping[str, Any]) -> MSME:
    """Change profile fields; a verified profile whose identity the owner edits is re-checked."""
    _require_manage(by, msme)
    cleaned = _clean_msme_fields(fields)
    if "nib" in cleaned:
        _check_nib_free(cleaned["nib"], exclude_pk=msme.pk)
    changed = sorted(
        name for name, value in cleaned.items() if getattr(msme, name) != value
    )
    if not changed:
        return msme
    for name in changed:
        setattr(msme, name, cleaned[name])
    msme.size_class = _size_class_of(msme)
    _full_clean(msme, exclude=["organisation", "created_by", "verified_by"])
    reverify = (
        msme.verification == Verification.VERIFIED
        and MSME_IDENTITY_FIELDS.intersection(changed)
        and not has_permission(by, "msme.verify")
    )
    if reverify:
        msme.verification = Verification.SUBMITTED
        msme.submitted_at = timezone.now()
    _save_msme(msme)
    if reverify or "regency_id" in changed:
        refresh_catalogue_tokens(msme_ids=[msme.pk])
    audit.record(actor=by, action="exporters.msme.updated", obj=msme, fields=changed)
    if reverify:
        audit.record(
            actor=by,
            action="exporters.msme.submitted",
            obj=msme,
            fields=["verification"],
            purpose="identity changed after verification",
        )
    return msme


@transaction.atomic
def submit_msme(*, by: User, msme: MSME) -> MSME:
    """The owner (or an officer for them) asks for verification of a draft or rejected profile."""
    _require_manage(by, msme)
    if msme.verification not in (Verification.DRAFT, Verification.REJECTED):
        raise ConflictError(_("This profile is already submitted or verified."))
    msme.verification = Verification.SUBMITTED
    msme.submitted_at = timezone.now()
    msme.save(update_fields=["verification", "submitted_at", "updated_at"])
    refresh_catalogue_tokens(msme_ids=[msme.pk])
    audit.record(
        actor=by, action="exporters.msme.submitted", obj=msme, fields=["verification"]
    )
    return msme


_MSME_DECISION_FROM = {
    Verification.VERIFIED: (
        Verification.DRAFT,  # an officer registers and verifies offline MSMEs directly
        Verification.SUBMITTED,
        Verification.REJECTED,
    ),
    Verification.REJECTED: (Verification.SUBMITTED, Verification.VERIFIED),
}


def _decide(decision: str, reason: str) -> tuple[str, str]:
    if decision not in (Verification.VERIFIED, Verification.REJECTED):
        raise ValidationError({"decision": _("Choose verified or rejected.")})
    reason = (reason or "").strip()
    if decision == Verification.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    return decision, reason


@transaction.atomic
def verify_msme(*, by: User, msme: MSME, decision: str, reason: str = "") -> MSME:
    """An officer verifies or rejects a profile (with a reason the owner sees)."""
    _require_verify(by)
    decision, reason = _decide(decision, reason)
    if msme.verification not in _MSME_DECISION_FROM[Verification(decision)]:
        raise ConflictError(
            _("A profile that is %(state)s cannot be %(decision)s.")
            % {
                "state": Verification(msme.verification).label,
                "decision": Verification(decision).label,
            }
        )
    msme.verification = decision
    msme.verification_reason = reason
    msme.verified_at = timezone.now()
    msme.verified_by = by
    msme.save(
        update_fields=[
            "verification",
            "verification_reason",
            "verified_at",
            "verified_by",
            "updated_at",
        ]
    )
    refresh_catalogue_tokens(msme_ids=[msme.pk])
    audit.record(
        actor=by,
        action=f"exporters.msme.{decision}",
        obj=msme,
        fields=["verification", "verification_reason"],
    )
    if decision == Verification.VERIFIED:
        subject = gettext_lazy("Your business profile was verified")
        body: Any = gettext_lazy("Buyers can now find your products in the catalogue.")
    else:
        subject = gettext_lazy("Your business profile was not verified")
        body = reason
    notify(
        _owners(msme),
        subject=subject,
        body=body,
        url=_detail_url("exporters:msme_detail", msme.pk),
        kind=f"exporters.msme.{decision}",
    )
    return msme


# --- Export history ----------------------------------------------------------------------------


@transaction.atomic
def delete_export(*, by: User, record: ExportRecord) -> None:
    """Remove one line of export history (a mistyped or repeated line)."""
    _require_manage(by, record.msme)
    with transaction.atomic():
        audit.record(
            actor=by,
            action="exporters.export.deleted",
            obj=record,
            fields=["country", "year", "value_usd"],
        )
        record.delete()


def record_export(
    *,
    by: User,
    msme: MSME,
    country_code: str,
    year: int,
    value_usd: Decimal | int | str,
) -> ExportRecord:
    """Add one line of export history (country, year, value in USD)."""
    _require_manage(by, msme)
    errors: dict[str, str] = {}
    code = str(country_code or "").upper()
    if not Country.objects.filter(pk=code).exists():
        errors["country_code"] = _("Unknown country code.")
    this_year = timezone.localdate().year
    if not EARLIEST_YEAR <= int(year) <= this_year:
        errors["year"] = _("Give a year between %(first)s and %(last)s.") % {
            "first": EARLIEST_YEAR,
            "last": this_year,
        }
    try:
        value = Decimal(str(value_usd))
    except InvalidOperation:
        errors["value_usd"] = _("Enter a number.")
    else:
        if value < 0:
            errors["value_usd"] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    record = ExportRecord(msme=msme, country_id=code, year=int(year), value_usd=value)
    _full_clean(record, exclude=["msme", "country"])
    record.save()
    audit.record(
        actor=by,
        action="exporters.export.recorded",
        obj=record,
        fields=["country", "year", "value_usd"],
    )
    return record


# --- Products ----------------------------------------------------------------------------------


def product_search_text(product: Product) -> str:
    """What the catalogue's full-text index covers for `product` (see rules/search_text)."""
    hs = product.hs_code
    return search_text.build(
        names=[product.name_id, product.name_en, product.name_ms],
        descriptions=[
            product.description_id,
            product.description_en,
            product.description_ms,
        ],
        hs_code=hs.code,
        hs_description=hs.description,
        extra=[hs.name_id],
    )


def _clean_product_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    _unknown_fields(fields, PRODUCT_FIELDS)
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    hs = cleaned.pop("hs_code", None)
    if hs is None and "hs_code_id" in cleaned:
        hs = cleaned.pop("hs_code_id")
    if hs is not None:
        code = hs.code if isinstance(hs, HSCode) else str(hs).replace(".", "").strip()
        found = HSCode.objects.filter(code=code, level=HS_SUBHEADING_LENGTH).first()
        if found is None:
            errors["hs_code"] = _("Unknown HS 2022 subheading (6 digits).")
        else:
            cleaned["hs_code"] = found
    for name in PRODUCT_DECIMALS & set(cleaned):
        value = cleaned[name]
        if value is None or value == "":
            cleaned[name] = None
            continue
        try:
            cleaned[name] = Decimal(str(value))
        except InvalidOperation:
            errors[name] = _("Enter a number.")
            continue
        if cleaned[name] < 0:
            errors[name] = _("Must not be negative.")
    languages = cleaned.get("label_languages")
    if languages is not None and (
        not isinstance(languages, list) or not set(languages) <= LABEL_LANGUAGES
    ):
        errors["label_languages"] = _("Label languages are id, en or ms.")
    elif languages is not None:
        cleaned["label_languages"] = sorted(set(languages), key=languages.index)
    if "name_id" in cleaned and not str(cleaned["name_id"] or "").strip():
        errors["name_id"] = _("Give the product's name in Indonesian.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def add_product(*, by: User, msme: MSME, fields: Mapping[str, Any]) -> Product:
    """Add a product with its HS 2022 code, capacity, packaging and prices."""
    _require_manage(by, msme)
    cleaned = _clean_product_fields(fields)
    missing = {
        name: _("This field is required.")
        for name in ("name_id", "hs_code", "monthly_capacity_kg")
        if cleaned.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    product = Product(msme=msme, **cleaned)
    if msme.is_demo:
        product.is_demo = True
    product.search_text = product_search_text(product)
    _full_clean(product, exclude=["msme", "search_text"])
    product.save()
    refresh_catalogue_tokens([product.pk])
    audit.record(
        actor=by,
        action="exporters.product.created",
        obj=product,
        fields=sorted(cleaned),
    )
    return product


@transaction.atomic
def update_product(*, by: User, product: Product, fields: Mapping[str, Any]) -> Product:
    """Change a product's fields; its search text follows."""
    _require_manage(by, product.msme)
    cleaned = _clean_product_fields(fields)
    changed = sorted(
        name for name, value in cleaned.items() if getattr(product, name) != value
    )
    if not changed:
        return product
    for name in changed:
        setattr(product, name, cleaned[name])
    product.search_text = product_search_text(product)
    _full_clean(product, exclude=["msme", "search_text"])
    product.save()
    refresh_catalogue_tokens([product.pk])
    audit.record(
        actor=by, action="exporters.product.updated", obj=product, fields=changed
    )
    return product


@transaction.atomic
def set_product_active(*, by: User, product: Product, active: bool) -> Product:
    """Offer a product in the catalogue again, or withdraw it."""
    _require_manage(by, product.msme)
    if product.is_active != active:
        product.is_active = active
        product.save(update_fields=["is_active", "updated_at"])
        refresh_catalogue_tokens([product.pk])
        audit.record(
            actor=by,
            action="exporters.product.activated"
            if active
            else "exporters.product.deactivated",
            obj=product,
            fields=["is_active"],
        )
    return product


@transaction.atomic
def add_product_photo(
    *, by: User, product: Product, upload: UploadedFile
) -> ProductPhoto:
    """Store a photo re-encoded without EXIF, with a thumbnail, outside the web root.

    Raises UploadTooLarge above the size cap and ValidationError({"image": …}) for anything
    that is not a JPEG, PNG or WebP picture.
    """
    _require_manage(by, product.msme)
    processed = images.process_photo(upload)
    position = product.photos.count()
    photo = ProductPhoto(
        product=product,
        content_type=processed.content_type,
        width=processed.width,
        height=processed.height,
        size_bytes=len(processed.image),
        position=position,
    )
    photo.image.save(
        f"{photo.pk}{processed.extension}", ContentFile(processed.image), save=False
    )
    photo.thumbnail.save(
        f"{photo.pk}{processed.extension}", ContentFile(processed.thumbnail), save=False
    )
    photo.save()
    audit.record(actor=by, action="exporters.photo.added", obj=photo, fields=["image"])
    return photo


# --- Certificates ------------------------------------------------------------------------------


def _clean_certificate_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    _unknown_fields(fields, CERTIFICATE_FIELDS)
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    if "kind" in cleaned and cleaned["kind"] not in CertificateKind.values:
        errors["kind"] = _("Unknown certificate kind.")
    for name in ("issued_on", "valid_until"):
        value = cleaned.get(name)
        if isinstance(value, str) and value:
            try:
                cleaned[name] = dt.date.fromisoformat(value)
            except ValueError:
                errors[name] = _("Enter a date.")
    issued, until = cleaned.get("issued_on"), cleaned.get("valid_until")
    if isinstance(issued, dt.date) and isinstance(until, dt.date) and until < issued:
        errors["valid_until"] = _("The expiry date is before the issue date.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def record_certificate(
    *,
    by: User,
    msme: MSME,
    fields: Mapping[str, Any],
    product_ids: Iterable[int] = (),
    document: UploadedFile | None = None,
) -> Certificate:
    """Record a certificate the MSME holds, the products it covers and its scan (PDF/image)."""
    _require_manage(by, msme)
    cleaned = _clean_certificate_fields(fields)
    missing = {
        name: _("This field is required.")
        for name in ("kind", "number", "issuer", "valid_until")
        if not cleaned.get(name)
    }
    if missing:
        raise ValidationError(missing)
    wanted = set(product_ids)
    products = list(Product.objects.filter(msme=msme, pk__in=wanted))
    if len(products) != len(wanted):
        raise ValidationError({"product_ids": _("Choose products of this business.")})
    certificate = Certificate(msme=msme, **cleaned)
    if msme.is_demo:
        certificate.is_demo = True
    if document is not None:
        checked = images.check_document(document)
        certificate.document.save(
            f"{msme.pk}-{cleaned['kind']}{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
    _full_clean(certificate, exclude=["msme", "document", "verified_by"])
    certificate.save()
    certificate.products.set(products)
    refresh_catalogue_tokens(msme_ids=[msme.pk])
    audit.record(
        actor=by,
        action="exporters.certificate.recorded",
        obj=certificate,
        fields=sorted([*cleaned, "products", *(["document"] if document else [])]),
    )
    return certificate


_CERTIFICATE_DECISION_FROM = {
    Verification.VERIFIED: (
        Verification.DRAFT,
        Verification.SUBMITTED,
        Verification.REJECTED,
    ),
    Verification.REJECTED: (
        Verification.DRAFT,
        Verification.SUBMITTED,
        Verification.VERIFIED,
    ),
}


@transaction.atomic
def verify_certificate(
    *, by: User, certificate: Certificate, decision: str, reason: str = ""
) -> Certificate:
    """An officer checks a certificate against its issuer's register: verified or rejected."""
    _require_verify(by)
    decision, reason = _decide(decision, reason)
    if (
        certificate.verification
        not in _CERTIFICATE_DECISION_FROM[Verification(decision)]
    ):
        raise ConflictError(
            _("This certificate is already %(state)s.")
            % {"state": Verification(decision).label}
        )
    certificate.verification = decision
    certificate.verification_reason = reason
    certificate.verified_at = timezone.now()
    certificate.verified_by = by
    certificate.save(
        update_fields=[
            "verification",
            "verification_reason",
            "verified_at",
            "verified_by",
            "updated_at",
        ]
    )
    refresh_catalogue_tokens(msme_ids=[certificate.msme_id])
    audit.record(
        actor=by,
        action=f"exporters.certificate.{decision}",
        obj=certificate,
        fields=["verification", "verification_reason"],
    )
    if decision == Verification.VERIFIED:
        subject = gettext_lazy("Your certificate was verified")
        body: Any = str(certificate)
    else:
        subject = gettext_lazy("Your certificate was not verified")
        body = reason
    notify(
        _owners(certificate.msme),
        subject=subject,
        body=body,
        url=_detail_url("exporters:msme_detail", certificate.msme_id),
        kind=f"exporters.certificate.{decision}",
    )
    return certificate
