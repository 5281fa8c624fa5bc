"""Trade: Malaysian buyers, their permits and sourcing requests (issue 5 §1–2).

Pools, introductions/deals and business-matching events live in their own modules
(models_pools.py, models_deals.py, models_events.py) and are imported at the bottom so
Django finds them. Buyers are organisations of kind "buyer"; a BuyerProfile holds what the
trade attaché verifies (SSM registration, state, type, HS interests, import permits).
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
from serumpun.labour.models import SSM_NUMBER

PRIVATE_UPLOADS = "private/trade"  # under MEDIA_ROOT, outside the web root


class Verification(models.TextChoices):
    """Where a buyer's (or a buyer permit's) verification by the trade attaché stands."""

    PENDING = "pending", _("pending")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class BuyerType(models.TextChoices):
    """What a Malaysian buyer does with the goods (DESIGN.md roles)."""

    IMPORTER = "importer", _("importer")
    DISTRIBUTOR = "distributor", _("distributor")
    RETAILER = "retailer", _("retailer")
    HORECA = "horeca", _("hotel, restaurant or caterer (HORECA)")
    MANUFACTURER = "manufacturer", _("manufacturer")


class BuyerProfileQuerySet(VisibleQuerySet):
    """Buyer profiles: the buyer's own; verified ones to anyone who may browse buyers."""

    owner_field = "organisation"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "buyer.verify"):
            return Q(pk__isnull=False)
        return None

    def verified(self) -> BuyerProfileQuerySet:
        """Profiles the trade attaché has verified."""
        return self.filter(verification=Verification.VERIFIED)


class BuyerProfile(models.Model):
    """A Malaysian buyer organisation's registration facts, verified by the trade attaché."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="buyer_profile",
        limit_choices_to={"kind": "buyer"},
    )
    ssm_number = models.CharField(
        _("SSM registration number"),
        max_length=12,
        unique=True,
        validators=[SSM_NUMBER],
    )
    buyer_type = models.CharField(_("type"), max_length=12, choices=BuyerType.choices)
    state = models.ForeignKey(
        "core.Subdivision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("state"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    #: six-digit HS 2022 codes the buyer wants to hear about
    hs_interests = models.JSONField(
        _("products of interest (HS)"), default=list, blank=True
    )
    verification = models.CharField(
        _("verification"),
        max_length=8,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    verification_reason = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BuyerProfileQuerySet.as_manager()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["verification", "buyer_type"]),
        ]
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.ssm_number})"

    @property
    def is_verified(self) -> bool:
        """Whether the trade attaché has verified this buyer."""
        return self.verification == Verification.VERIFIED


class BuyerPermitQuerySet(VisibleQuerySet):
    """Permits, by the buyer organisation that holds them."""

    owner_field = "buyer__organisation"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "buyer.verify"):
            return Q(pk__isnull=False)
        return None

    def valid_on(self, day: Any) -> BuyerPermitQuerySet:
        """Verified permits in force on `day` (no expiry date = open-ended registration)."""
        return self.filter(verification=Verification.VERIFIED).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class BuyerPermit(models.Model):
    """An import registration or permit a buyer holds (MAQIS/DOA for green coffee, fish…).

    `requirement_id` names the destination permit rule of data/rules/readiness/ that this
    permit satisfies (MY-COFFEE-PERMIT, MY-FISH-PERMIT…): matching checks a request's permit
    rules against the buyer's verified, unexpired permits.
    """

    buyer = models.ForeignKey(
        BuyerProfile, on_delete=models.CASCADE, related_name="permits"
    )
    requirement_id = models.CharField(_("permit rule"), max_length=60)
    agency = models.CharField(_("issuing agency"), max_length=100)
    number = models.CharField(_("permit or registration number"), max_length=60)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(
        _("document"), upload_to=f"{PRIVATE_UPLOADS}/permits/%Y/%m", blank=True
    )
    verification = models.CharField(
        _("verification"),
        max_length=8,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    verification_reason = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BuyerPermitQuerySet.as_manager()

    class Meta:
        ordering = ["requirement_id", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["buyer", "requirement_id"]),
        ]
        verbose_name = _("buyer permit")
        verbose_name_plural = _("buyer permits")

    def __str__(self) -> str:
        return f"{self.requirement_id} {self.number}"


class Incoterm(models.TextChoices):
    """The Incoterms 2020 a request may name (API.md)."""

    EXW = "EXW", "EXW"
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"
    DAP = "DAP", "DAP"
    DDP = "DDP", "DDP"


class RequestStatus(models.TextChoices):
    """Where a sourcing request stands."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    FULFILLED = "fulfilled", _("fulfilled")


class RequestVisibility(models.TextChoices):
    """Who among the MSMEs may see a request."""

    VERIFIED_MSMES = "verified_msmes", _("all verified MSMEs")
    INVITED = "invited", _("invited MSMEs only")


class SourcingRequestQuerySet(VisibleQuerySet):
    """Requests: the owner buyer's, all to the attaché, open ones to eligible MSMEs.

    An MSME owner sees a request that is open to all verified MSMEs (when their MSME is
    verified) or that invites their MSME; never another buyer's private request.
    """

    owner_field = "buyer"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "request.relay"):
            return Q(pk__isnull=False)
        if not has_permission(user, "introduction.respond"):
            return None
        orgs = user.organisation_ids
        invited = Q(
            pk__in=SourcingRequest.invited.through.objects.filter(
                msme__organisation__in=orgs
            ).values("sourcingrequest_id")
        )
        if _has_verified_msme(orgs):
            return invited | Q(visibility=RequestVisibility.VERIFIED_MSMES)
        return invited

    def open(self) -> SourcingRequestQuerySet:
        """Requests still taking offers."""
        return self.filter(status=RequestStatus.OPEN)


def _has_verified_msme(orgs: Any) -> bool:
    """Whether one of these organisations is a verified MSME."""
    from serumpun.exporters.models import MSME
    from serumpun.exporters.models import Verification as MSMEVerification

    return MSME.objects.filter(
        organisation__in=orgs, verification=MSMEVerification.VERIFIED
    ).exists()


class SourcingRequest(models.Model):
    """A Malaysian buyer's sourcing request (API.md "Trade"), possibly relayed by the attaché."""

    buyer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="sourcing_requests",
        limit_choices_to={"kind": "buyer"},
        verbose_name=_("buyer"),
    )
    title = models.CharField(_("title"), max_length=200)
    hs_code = models.ForeignKey(
        "core.HSCode",
        on_delete=models.PROTECT,
        related_name="sourcing_requests",
        verbose_name=_("HS code"),
    )
    #: also accept products of the same 4-digit heading (not only the same subheading)
    accept_same_heading = models.BooleanField(
        _("accept other products of the same HS heading"), default=False
    )
    description = models.TextField(_("description"), blank=True)
    quantity_kg_per_month = models.DecimalField(
        _("quantity (kg per month)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    #: certificate kinds of exporters.CertificateKind every supplier must hold
    required_certificates = models.JSONField(
        _("required certificates"), default=list, blank=True
    )
    destination_locode = models.CharField(
        _("destination port (UN/LOCODE)"), max_length=5
    )
    target_price_usd_per_kg = models.DecimalField(
        _("target price (USD/kg)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    incoterm = models.CharField(
        _("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    visibility = models.CharField(
        _("visible to"),
        max_length=16,
        choices=RequestVisibility.choices,
        default=RequestVisibility.VERIFIED_MSMES,
    )
    invited = models.ManyToManyField(
        "exporters.MSME",
        blank=True,
        related_name="invited_requests",
        verbose_name=_("invited MSMEs"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    #: the trade attaché who posted the request on the buyer's behalf (a relayed request)
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relayed by"),
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

    objects = SourcingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "hs_code"]),
            models.Index(fields=["buyer", "status"]),
            models.Index(fields=["status", "visibility", "valid_until"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(quantity_kg_per_month__gt=0),
                name="trade_request_quantity_positive",
            ),
        ]
        verbose_name = _("sourcing request")
        verbose_name_plural = _("sourcing requests")

    def __str__(self) -> str:
        return self.title

    @property
    def is_relayed(self) -> bool:
        """Whether the trade attaché posted this request for the buyer."""
        return self.relayed_by_id is not None


# The other trade models, each in its own module (imported so Django registers them).
from serumpun.trade.models_deals import *  # noqa: E402, F403
from serumpun.trade.models_events import *  # noqa: E402, F403
from serumpun.trade.models_facts import *  # noqa: E402, F403
from serumpun.trade.models_pools import *  # noqa: E402, F403
