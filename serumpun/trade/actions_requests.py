"""Posting and closing sourcing requests (issue 5 §2, API.md "Trade").

A verified Malaysian buyer posts a request for its own organisation; the trade attaché may
relay one on a verified buyer's behalf (`relayed_by` is then set). Posting tells the MSMEs
who may answer: the invited ones, or the verified MSMEs offering a product of the same HS
subheading (heading, when the request accepts it). Requests past their date close daily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import HSCode, Port
from serumpun.core.notifications import notify
from serumpun.exporters.models import MSME, CertificateKind
from serumpun.exporters.models import Verification as MSMEVerification
from serumpun.trade.models import (
    BuyerProfile,
    Incoterm,
    RequestStatus,
    RequestVisibility,
    SourcingRequest,
)
from serumpun.trade.recipients import organisation_members

__all__ = [
    "close_expired_requests",
    "close_expired_requests_daily",
    "close_request",
    "may_post_requests",
    "post_request",
]

#: the fields of a request a caller may set (API.md body plus our optional ones)
REQUEST_FIELDS = (
    "title",
    "description",
    "quantity_kg_per_month",
    "required_certificates",
    "destination_locode",
    "target_price_usd_per_kg",
    "incoterm",
    "valid_until",
    "accept_same_heading",
    "visibility",
)
#: an open-to-all request tells at most this many MSMEs (the most relevant: verified, same
#: HS); more would be a mass mailing, and the rest still find it under "Permintaan pembeli"
MAX_NOTIFIED_MSMES = 200
MAX_REASON = 200  # AuditEvent.purpose holds 200 characters
CLOSING_STATUSES = frozenset({RequestStatus.CLOSED, RequestStatus.FULFILLED})


def may_post_requests(user: Any) -> bool:
    """A buyer (request.post) or the trade attaché relaying for a buyer (request.relay)."""
    return has_permission(user, "request.post") or has_permission(user, "request.relay")


def _buyer_organisation(by: User, buyer_id: int | None) -> tuple[Organisation, bool]:
    """The buyer the request is posted for, and whether the attaché relays it."""
    if buyer_id is not None and has_permission(by, "request.relay"):
        profile = (
            BuyerProfile.objects.select_related("organisation")
            .filter(organisation_id=buyer_id)
            .first()
        )
        if profile is None or not profile.is_verified:
            raise ValidationError(
                {"buyer_id": _("Choose a buyer the trade attaché has verified.")}
            )
        return profile.organisation, True
    if has_permission(by, "request.post"):
        organisation = by.organisation
        if organisation is None or (
            buyer_id is not None and buyer_id != organisation.pk
        ):
            raise ValidationError(
                {"buyer_id": _("You may post requests for your own company only.")}
            )
        profile = BuyerProfile.objects.filter(organisation=organisation).first()
        if profile is None or not profile.is_verified:
            raise ConflictError(
                _(
                    "Your buyer profile must be verified by the trade attaché "
                    "before you can post sourcing requests."
                )
            )
        return organisation, False
    if has_permission(by, "request.relay"):
        raise ValidationError(
            {"buyer_id": _("Choose the buyer this request is posted for.")}
        )
    raise PermissionDenied(_("Your role may not post sourcing requests."))


def _clean_fields(
    fields: Mapping[str, Any], *, today: dt.date
) -> tuple[dict[str, Any], dict[str, str]]:
    """The request's field values, and an error message per bad field."""
    values = {k: v for k, v in fields.items() if k in REQUEST_FIELDS and v is not None}
    errors: dict[str, str] = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = _("Give the request a title.")
    try:
        quantity = Decimal(str(values.get("quantity_kg_per_month", "")))
    except InvalidOperation:
        quantity = Decimal(0)
    if not quantity.is_finite() or quantity <= 0:
        errors["quantity_kg_per_month"] = _(
            "The monthly quantity must be more than 0 kg."
        )
    kinds = list(dict.fromkeys(values.get("required_certificates") or []))
    unknown = [k for k in kinds if k not in CertificateKind.values]
    if unknown:
        errors["required_certificates"] = _("Unknown certificate kind: %(kinds)s.") % {
            "kinds": ", ".join(map(str, unknown))
        }
    values["required_certificates"] = kinds
    locode = str(values.get("destination_locode", "")).upper()
    if not Port.objects.filter(locode=locode, country_id="MY").exists():
        errors["destination_locode"] = _(
            "Choose a Malaysian port or airport (UN/LOCODE such as MYPKG)."
        )
    values["destination_locode"] = locode
    if values.get("incoterm", "") not in ("", *Incoterm.values):
        errors["incoterm"] = _("Choose one of EXW, FOB, CFR, CIF, DAP or DDP.")
    valid_until = values.get("valid_until")
    if valid_until is not None and valid_until < today:
        errors["valid_until"] = _("The request cannot end in the past.")
    if values.get("visibility", RequestVisibility.VERIFIED_MSMES) not in (
        RequestVisibility.values
    ):
        errors["visibility"] = _("Choose who may see the request.")
    return values, errors


def _invited_msmes(ids: Iterable[int]) -> tuple[list[MSME], str]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found = list(MSME.objects.filter(pk__in=wanted))
    missing = sorted(set(wanted) - {m.pk for m in found})
    if missing:
        return found, _("Unknown MSME: %(ids)s.") % {
            "ids": ", ".join(map(str, missing))
        }
    return found, ""


def post_request(
    *,
    by: User,
    fields: Mapping[str, Any],
    hs_code: str,
    invited_msme_ids: Iterable[int] = (),
    buyer_id: int | None = None,
) -> SourcingRequest:
    """Post a sourcing request for the caller's verified buyer (or relay one for a buyer)."""
    organisation, relayed = _buyer_organisation(by, buyer_id)
    today = timezone.localdate()
    values, errors = _clean_fields(fields, today=today)
    hs = HSCode.objects.filter(code=str(hs_code).strip(), level=6).first()
    if hs is None:
        errors["hs_code"] = _("Enter a six-digit HS code that exists.")
    invited, missing = _invited_msmes(invited_msme_ids)
    if missing:
        errors["invited_msme_ids"] = missing
    if invited:
        values["visibility"] = RequestVisibility.INVITED
    elif values.get("visibility") == RequestVisibility.INVITED:
        errors.setdefault(
            "invited_msme_ids", _("Invite at least one MSME to a private request.")
        )
    if errors or hs is None:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SourcingRequest.objects.create(
            buyer=organisation,
            hs_code=hs,
            relayed_by=by if relayed else None,
            created_by=by,
            **values,
        )
        if invited:
            request.invited.set(invited)
        audit.record(
            actor=by,
            action="trade.request.relay" if relayed else "trade.request.post",
            obj=request,
            fields=[*values, "hs_code", "buyer"],
            organisation=organisation,
        )
        _tell_msmes(request, invited)
    return request


def _tell_msmes(request: SourcingRequest, invited: list[MSME]) -> None:
    """Tell the invited MSMEs, or the verified MSMEs offering the same product."""
    members = User.objects.filter(
        is_active=True, memberships__role=Role.MSME_OWNER
    ).distinct()
    if invited:
        recipients = members.filter(
            memberships__organisation__msme__in=invited
        ).order_by("pk")
    else:
        code = request.hs_code_id
        same = (
            {
                "memberships__organisation__msme__products__hs_code__code__startswith": code[
                    :4
                ]
            }
            if request.accept_same_heading
            else {"memberships__organisation__msme__products__hs_code": code}
        )
        recipients = members.filter(
            memberships__organisation__msme__verification=MSMEVerification.VERIFIED,
            memberships__organisation__msme__products__is_active=True,
            **same,
        ).order_by("pk")[:MAX_NOTIFIED_MSMES]
    notify(
        list(recipients),
        subject=gettext_lazy("A Malaysian buyer is looking for your product"),
        body=request.title,
        url=reverse("trade:request_detail", args=[request.pk]),
        kind="trade.request.posted",
    )


def close_request(
    *, by: User, request: SourcingRequest, status: str, reason: str = ""
) -> SourcingRequest:
    """Close a request (no longer needed) or mark it fulfilled; the owner or the attaché."""
    owner = request.buyer_id in by.organisation_ids and has_permission(
        by, "request.post"
    )
    if not (owner or has_permission(by, "request.relay")):
        raise PermissionDenied(_("Only the buyer or the trade attaché may close it."))
    if status not in CLOSING_STATUSES:
        raise ValidationError({"status": _("Choose closed or fulfilled.")})
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = SourcingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.OPEN:
            raise ConflictError(
                _("This request is already %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.status = status
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        audit.record(
            actor=by,
            action=f"trade.request.{status}",
            obj=locked,
            fields=["status", "status_reason"],
            purpose=reason[:MAX_REASON],
            organisation=locked.buyer,
        )
        if not owner:
            notify(
                organisation_members(locked.buyer_id),
                subject=gettext_lazy("The trade attaché closed your sourcing request"),
                body=f"{locked.title}\n{reason}".strip(),
                url=reverse("trade:request_detail", args=[locked.pk]),
                kind=f"trade.request.{status}",
            )
    return locked


def close_expired_requests(as_of: dt.date | None = None) -> int:
    """Close open requests whose validity ended before `as_of` (today); how many closed."""
    day = as_of or timezone.localdate()
    with transaction.atomic():
        expired = SourcingRequest.objects.open().filter(valid_until__lt=day)
        count = expired.update(
            status=RequestStatus.CLOSED,
            status_reason=str(gettext_lazy("Validity ended.")),
            updated_at=timezone.now(),
        )
        if count:
            audit.record(
                actor=None,
                action="trade.request.expire",
                fields=["status", "status_reason"],
                purpose=f"{count} request(s) past valid_until closed on {day}",
            )
    return count


@task()
def close_expired_requests_daily(as_of: str | None = None) -> int:
    """The daily job: close the requests whose validity has ended (never offered again)."""
    return close_expired_requests(dt.date.fromisoformat(as_of) if as_of else None)
