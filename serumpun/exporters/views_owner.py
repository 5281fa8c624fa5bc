"""The MSME owner's pages: business profile, products, photos and certificates.

Officers use the same pages for the MSMEs they register on an owner's behalf (offline MSMEs
are common) and to read any profile; the verification buttons come from the officer pages.
Every change goes through `serumpun.exporters.actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.reference import search_hs
from serumpun.exporters import actions, config
from serumpun.exporters.forms import (
    HS_SUBHEADING,
    CertificateForm,
    ExportLineFormSet,
    MSMEForm,
    PhotoForm,
    ProductForm,
    filled_export_lines,
    language_names,
)
from serumpun.exporters.models import (
    MSME,
    Certificate,
    ExportRecord,
    Product,
    ProductPhoto,
    Verification,
)
from serumpun.exporters.rules import certificates as certificate_rules

#: how many HS suggestions the product form shows while the owner types
HS_SUGGESTIONS = 8
#: the shortest and longest queries worth searching for
HS_QUERY_MIN = 2
HS_QUERY_MAX = 100

OWNER_TEMPLATES = "exporters/owner"


# --- Helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    # Every caller sits behind @login_required, so the user is a real account.
    return cast("User", request.user)


def _may_manage(user: User) -> bool:
    return has_permission(user, "msme.manage_own") or has_permission(
        user, "msme.manage_any"
    )


def _require_manage(user: User) -> None:
    # Visibility (404 for foreign records) is settled by visible_to before this runs.
    if not _may_manage(user):
        raise PermissionDenied


def _msme(request: HttpRequest, pk: int) -> MSME:
    return get_visible_or_404(
        MSME.objects.select_related("regency"), _user(request), pk=pk
    )


def _product(request: HttpRequest, pk: int) -> Product:
    return get_visible_or_404(
        Product.objects.select_related("msme", "hs_code"), _user(request), pk=pk
    )


def _own_msme(user: User) -> MSME | None:
    if not user.organisation_ids:
        return None
    return (
        MSME.objects.select_related("regency")
        .filter(organisation_id__in=user.organisation_ids)
        .first()
    )


def _profile_url(user: User, msme: MSME) -> str:
    """The owner's home for their own profile; the profile page for everyone else."""
    if (
        msme.organisation_id is not None
        and msme.organisation_id in user.organisation_ids
    ):
        return reverse("exporters:my_msme")
    return reverse("exporters:msme_detail", args=[msme.pk])


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # another helper's page that is not wired yet
        return ""


def _add_errors(form: BaseForm, exc: ValidationError | actions.ConflictError) -> None:
    """Show an action's errors on the form: on their field when it has one, else on top."""
    if isinstance(exc, actions.ConflictError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _too_large(exc: actions.UploadTooLarge) -> str:
    megabytes = exc.limit / (1024 * 1024)
    return _("The file is too large: at most %(mb)s MB.") % {"mb": f"{megabytes:g}"}


# --- Profile summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the profile's completeness checklist."""

    label: str
    done: bool


@dataclass(frozen=True)
class CertificateRow:
    """A certificate with its status as of today (valid, expiring or expired)."""

    certificate: Certificate
    status: str
    days_left: int


def completeness(
    msme: MSME, products: list[Product], rows: list[CertificateRow]
) -> list[ChecklistItem]:
    """What a buyer and the verifying officer look for, and whether the profile has it."""
    active = [product for product in products if product.is_active]
    return [
        ChecklistItem(_("Address"), bool(msme.address)),
        ChecklistItem(_("Year established"), msme.established_year is not None),
        ChecklistItem(_("Turnover or assets (size class)"), bool(msme.size_class)),
        ChecklistItem(_("Languages spoken"), bool(msme.languages)),
        ChecklistItem(_("At least one product offered"), bool(active)),
        ChecklistItem(
            _("A photo of every product"),
            bool(active) and all(product.photos.all() for product in active),
        ),
        ChecklistItem(
            _("A valid certificate"),
            any(
                row.status != certificate_rules.EXPIRED
                and row.certificate.verification != Verification.REJECTED
                for row in rows
            ),
        ),
    ]


def _certificate_rows(msme: MSME) -> list[CertificateRow]:
    # Prefetched onto the profile, so the officer's panel reuses the same rows.
    prefetch_related_objects(
        [msme],
        Prefetch(
            "certificates", queryset=Certificate.objects.prefetch_related("products")
        ),
    )
    today = timezone.localdate()
    window = config.expiring_days()
    return [
        CertificateRow(
            certificate=certificate,
            status=certificate_rules.status(certificate.valid_until, today, window),
            days_left=certificate_rules.days_left(certificate.valid_until, today),
        )
        for certificate in msme.certificates.all()
    ]


def _profile_context(request: HttpRequest, msme: MSME) -> dict[str, Any]:
    user = _user(request)
    products = list(
        msme.products.select_related("hs_code").prefetch_related(
            Prefetch("photos", queryset=ProductPhoto.objects.order_by("position"))
        )
    )
    rows = _certificate_rows(msme)
    return {
        "msme": msme,
        "products": products,
        "certificate_rows": rows,
        "exports": list(msme.exports.select_related("country")),
        "languages": language_names(msme.languages),
        "checklist": completeness(msme, products, rows),
        "can_manage": _may_manage(user),
        "can_submit": _may_manage(user)
        and msme.verification in (Verification.DRAFT, Verification.REJECTED),
        "can_verify": has_permission(user, "msme.verify"),
    }


@require_safe
@login_required
def my_msme(request: HttpRequest) -> HttpResponse:
    """The owner's home: their business profile, or the form to create it."""
    user = _user(request)
    if not has_permission(user, "msme.manage_own"):
        registry = _url_or_empty("exporters:registry")
        if registry and has_permission(user, "msme.view_all"):
            return redirect(registry)
        raise PermissionDenied
    msme = _own_msme(user)
    if msme is None:
        form, formset = MSMEForm(), ExportLineFormSet(prefix="exports")
        context = {"form": form, "formset": formset}
        return render(request, f"{OWNER_TEMPLATES}/msme_form.html", context)
    context = _profile_context(request, msme)
    return render(request, f"{OWNER_TEMPLATES}/msme_detail.html", context)


@require_safe
@login_required
def msme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A business profile, for its owner and for officers and attachés."""
    msme = _msme(request, pk)
    return render(
        request, f"{OWNER_TEMPLATES}/msme_detail.html", _profile_context(request, msme)
    )


@require_POST
@login_required
def msme_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner asks an officer to verify the profile."""
    user = _user(request)
    msme = _msme(request, pk)
    _require_manage(user)
    try:
        actions.submit_msme(by=user, msme=msme)
    except actions.ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted. An officer will check your profile."))
    return redirect(_profile_url(user, msme))


@require_POST
@login_required
def export_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or an officer) removes one line of the export history."""
    user = _user(request)
    visible = MSME.objects.visible_to(user).values("pk")
    record = get_object_or_404(
        ExportRecord.objects.select_related("msme"), pk=pk, msme__in=visible
    )
    _require_manage(user)
    actions.delete_export(by=user, record=record)
    messages.success(request, _("The export line was removed."))
    return redirect(_profile_url(user, record.msme))


# --- Profile form -----------------------------------------------------------------------------


def _save_export_lines(user: User, msme: MSME, lines: list[dict[str, Any]]) -> None:
    for line in lines:
        actions.record_export(
            by=user,
            msme=msme,
            country_code=line["country"].pk,
            year=line["year"],
            value_usd=line["value_usd"],
        )


@require_http_methods(["GET", "POST"])
@login_required
def msme_create(request: HttpRequest) -> HttpResponse:
    """Register a business: the owner their own, an officer one on its owner's behalf."""
    user = _user(request)
    _require_manage(user)
    if not has_permission(user, "msme.manage_any") and _own_msme(user):
        return redirect("exporters:my_msme")
    form = MSMEForm(request.POST or None)
    formset = ExportLineFormSet(request.POST or None, prefix="exports")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                msme = actions.create_msme(by=user, fields=form.action_fields())
                _save_export_lines(user, msme, filled_export_lines(formset))
        except (ValidationError, actions.ConflictError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your business profile is saved."))
            return redirect(_profile_url(user, msme))
    context = {"form": form, "formset": formset}
    return render(request, f"{OWNER_TEMPLATES}/msme_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def msme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a business profile and add export history."""
    user = _user(request)
    msme = _msme(request, pk)
    _require_manage(user)
    form = MSMEForm(request.POST or None, instance=msme)
    formset = ExportLineFormSet(request.POST or None, prefix="exports")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                actions.update_msme(by=user, msme=msme, fields=form.action_fields())
                _save_export_lines(user, msme, filled_export_lines(formset))
        except (ValidationError, actions.ConflictError) as exc:
            msme.refresh_from_db()
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(_profile_url(user, msme))
    exports = msme.exports.select_related("country")
    context = {"form": form, "formset": formset, "msme": msme, "exports": exports}
    return render(request, f"{OWNER_TEMPLATES}/msme_form.html", context)


# --- Products ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product to a business profile."""
    user = _user(request)
    msme = _msme(request, pk)
    _require_manage(user)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = actions.add_product(
                by=user, msme=msme, fields=form.action_fields()
            )
        except (ValidationError, actions.ConflictError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Product added. Now add a photo."))
            return redirect("exporters:product_detail", pk=product.pk)
    context = {"form": form, "msme": msme}
    return render(request, f"{OWNER_TEMPLATES}/product_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a product."""
    user = _user(request)
    product = _product(request, pk)
    _require_manage(user)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_product(
                by=user, product=product, fields=form.action_fields()
            )
        except (ValidationError, actions.ConflictError) as exc:
            product.refresh_from_db()
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("exporters:product_detail", pk=product.pk)
    context = {"form": form, "msme": product.msme, "product": product}
    return render(request, f"{OWNER_TEMPLATES}/product_form.html", context)


def _product_page(
    request: HttpRequest, product: Product, photo_form: PhotoForm, status: int = 200
) -> HttpResponse:
    context = {
        "product": product,
        "msme": product.msme,
        "photos": product.photos.order_by("position", "created_at"),
        "certificates": product.certificates.order_by("valid_until"),
        "photo_form": photo_form,
        "label_languages": language_names(product.label_languages),
        "can_manage": _may_manage(_user(request)),
    }
    return render(
        request, f"{OWNER_TEMPLATES}/product_detail.html", context, status=status
    )


@require_safe
@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A product with its photos, packaging and the certificates that cover it."""
    return _product_page(request, _product(request, pk), PhotoForm())


@require_POST
@login_required
def product_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a product photo (checked, re-encoded and thumbnailed by the action)."""
    user = _user(request)
    product = _product(request, pk)
    _require_manage(user)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _product_page(request, product, form)
    try:
        actions.add_product_photo(
            by=user, product=product, upload=form.cleaned_data["image"]
        )
    except actions.UploadTooLarge as exc:
        form.add_error("image", _too_large(exc))
        return _product_page(request, product, form, status=413)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _product_page(request, product, form)
    messages.success(request, _("Photo added."))
    return redirect("exporters:product_detail", pk=product.pk)


@require_POST
@login_required
def product_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer a product in the catalogue again, or withdraw it."""
    user = _user(request)
    product = _product(request, pk)
    _require_manage(user)
    active = request.POST.get("active") == "1"
    actions.set_product_active(by=user, product=product, active=active)
    if active:
        messages.success(request, _("The product is offered again."))
    else:
        messages.success(request, _("The product is withdrawn from the catalogue."))
    return redirect("exporters:product_detail", pk=product.pk)


@require_safe
@login_required
def hs_suggest(request: HttpRequest) -> HttpResponse:
    """HS 2022 subheadings matching what the owner types (an htmx partial)."""
    query = (
        request.GET.get("q")
        or request.GET.get("name_id")
        or request.GET.get("hs_code")
        or ""
    ).strip()[:HS_QUERY_MAX]
    suggestions = (
        search_hs(query, limit=HS_SUGGESTIONS, levels=(HS_SUBHEADING,))
        if len(query) >= HS_QUERY_MIN
        else []
    )
    return render(
        request,
        f"{OWNER_TEMPLATES}/product_form.html#hs_suggestions",
        {"suggestions": suggestions, "query": query},
    )


# --- Certificates -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def certificate_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a certificate, its document and the products it covers."""
    user = _user(request)
    msme = _msme(request, pk)
    _require_manage(user)
    form = CertificateForm(request.POST or None, request.FILES or None, msme=msme)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_certificate(
                by=user,
                msme=msme,
                fields=form.action_fields(),
                product_ids=form.product_ids(),
                document=form.cleaned_data.get("document"),
            )
        except actions.UploadTooLarge as exc:
            form.add_error("document", _too_large(exc))
        except (ValidationError, actions.ConflictError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Certificate recorded. An officer will check it.")
            )
            return redirect(_profile_url(user, msme))
    context = {"form": form, "msme": msme}
    return render(request, f"{OWNER_TEMPLATES}/certificate_form.html", context)
