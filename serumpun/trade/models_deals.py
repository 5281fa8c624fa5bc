"""Trade models: introductions and the deals pipeline, lead messages, buyer reports (issue 5 §5–6).

An `Introduction` (a "lead") joins one sourcing request to one supplier product. It moves
introduced → sample_sent → negotiating → ordered → shipped → paid, or ends as lost with a
reason; every move is a `StageChange` row with its time. Buyer and MSME talk through
`LeadMessage`s on the platform (no e-mail addresses exposed). An MSME can report a buyer
(`BuyerReport`); the trade attaché handles the reports.
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

__all__ = [
    "BuyerReport",
    "Introduction",
    "LeadMessage",
    "LeadStage",
    "LostReason",
    "ReportReason",
    "ReportStatus",
    "StageChange",
]

DEAL_UPLOADS = "private/trade/leads"  # under MEDIA_ROOT, outside the web root


class LeadStage(models.TextChoices):
    """Where a lead stands, in the order a deal normally passes them."""

    INTRODUCED = "introduced", _("introduced")
    SAMPLE_SENT = "sample_sent", _("sample sent")
    NEGOTIATING = "negotiating", _("negotiating")
    ORDERED = "ordered", _("ordered")
    SHIPPED = "shipped", _("shipped")
    PAID = "paid", _("paid")
    LOST = "lost", _("lost")


#: stages from which a lead can still move (paid and lost are final)
OPEN_STAGES: tuple[str, ...] = (
    LeadStage.INTRODUCED,
    LeadStage.SAMPLE_SENT,
    LeadStage.NEGOTIATING,
    LeadStage.ORDERED,
    LeadStage.SHIPPED,
)


class LostReason(models.TextChoices):
    """Why a lead ended without a deal, coded so the pipeline board can count them.

    The list follows where first deals between Lampung suppliers and Malaysian buyers break
    (shared/research/trade.md): price and sample quality first; volume and continuity
    ("kuantitas/kontinuitas", §5.4); certificates and the importer's MAQIS/DOA permit (§2);
    payment terms (§1b, §5.7); logistics and lead time; and either side going silent — the
    follow-up failure the relay of buyer requests is meant to fix (§5.5). Anything else is
    "other", explained in the note.
    """

    PRICE = "price", _("price not agreed")
    QUALITY = "quality", _("sample or quality rejected")
    VOLUME = "volume", _("volume or continuity not met")
    CERTIFICATES = "certificates", _("certificates or import permit missing")
    PAYMENT_TERMS = "payment_terms", _("payment terms not agreed")
    LOGISTICS = "logistics", _("logistics, freight cost or lead time")
    BUYER_UNRESPONSIVE = "buyer_unresponsive", _("buyer stopped answering")
    MSME_UNRESPONSIVE = "msme_unresponsive", _("supplier stopped answering")
    OTHER = "other", _("other reason")


class DealCurrency(models.TextChoices):
    """Currencies a deal value may be recorded in."""

    MYR = "MYR", "MYR"
    USD = "USD", "USD"
    IDR = "IDR", "IDR"


def is_deal_tracker(user: Any) -> bool:
    """The trade attaché (and the admin) follow every lead and may act for either side.

    Buyers hold deal.track too, for their own leads only; request.relay is the attaché's.
    """
    return has_permission(user, "deal.track") and has_permission(user, "request.relay")


class IntroductionQuerySet(VisibleQuerySet):
    """Leads: the buyer organisation's own, the MSME's own, all for the trade attaché."""

    owner_field = "buyer"

    def role_grants(self, user: Any) -> Q | None:
        if is_deal_tracker(user):
            return Q(pk__isnull=False)
        return Q(msme__organisation__in=user.organisation_ids)

    def open(self) -> IntroductionQuerySet:
        """Leads that can still move."""
        return self.filter(stage__in=OPEN_STAGES)


class Introduction(models.Model):
    """A lead: a buyer's request introduced to one supplier's product, followed to a deal."""

    request = models.ForeignKey(
        "trade.SourcingRequest",
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("sourcing request"),
    )
    product = models.ForeignKey(
        "exporters.Product",
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("product"),
    )
    msme = models.ForeignKey(
        "exporters.MSME",
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("supplier"),
    )
    buyer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("buyer"),
    )
    stage = models.CharField(
        _("stage"),
        max_length=12,
        choices=LeadStage.choices,
        default=LeadStage.INTRODUCED,
    )
    stage_changed_at = models.DateTimeField(_("stage changed"))
    #: the MSME side's first reply or stage move (responsiveness, read by matching)
    msme_responded_at = models.DateTimeField(null=True, blank=True)
    #: the match score when the introduction was made (0..1)
    score = models.FloatField(_("match score"), default=0.0)
    #: why the lead was lost (a code, counted on the pipeline board) and the parties' own words
    lost_reason = models.CharField(
        _("reason lost"), max_length=20, choices=LostReason.choices, blank=True
    )
    lost_note = models.TextField(_("note on the loss"), blank=True)
    lost_at_stage = models.CharField(
        _("lost at stage"), max_length=12, choices=LeadStage.choices, blank=True
    )
    deal_value_amount = models.DecimalField(
        _("deal value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deal_value_currency = models.CharField(
        _("currency"), max_length=3, choices=DealCurrency.choices, blank=True
    )
    #: the deal value converted at the reference rates (figures and the pipeline board)
    deal_value_usd = models.DecimalField(
        _("deal value (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    ordered_quantity_kg = models.DecimalField(
        _("ordered quantity (kg)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    last_activity_at = models.DateTimeField(_("last activity"))
    idle_reminded_at = models.DateTimeField(null=True, blank=True)
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

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-stage_changed_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["stage", "last_activity_at"]),
            models.Index(fields=["buyer", "stage"]),
            models.Index(fields=["msme", "stage"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["request", "product"], name="trade_introduction_unique"
            ),
        ]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.request} ↔ {self.product}"

    @property
    def is_open(self) -> bool:
        """Whether the lead can still move."""
        return self.stage in OPEN_STAGES


class StageChange(models.Model):
    """One move of a lead (its history, with timestamps)."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="history"
    )
    from_stage = models.CharField(max_length=12, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=LeadStage.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["to_stage", "at"]),
        ]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage or '–'} → {self.to_stage}"


class LeadMessage(models.Model):
    """A message between the buyer and the supplier on a lead (optionally with a document)."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("message"))
    attachment = models.FileField(
        _("attachment"), upload_to=f"{DEAL_UPLOADS}/%Y/%m", blank=True
    )
    attachment_type = models.CharField(max_length=40, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lead message")
        verbose_name_plural = _("lead messages")

    def __str__(self) -> str:
        return f"{self.sender_organisation}: {self.body[:40]}"


class ReportReason(models.TextChoices):
    """Why an MSME reports a buyer (the fraud patterns of research/trade.md §1b)."""

    BANK_DETAILS = (
        "asked_to_change_bank_details",
        _("asked to change bank details"),
    )
    PAYMENT_NOT_RECEIVED = "payment_not_received", _("payment not received")
    FAKE_IDENTITY = "fake_identity", _("identity seems false")
    ABUSIVE = "abusive", _("abusive or threatening")
    OTHER = "other", _("other")


class ReportStatus(models.TextChoices):
    """Where the attaché's handling of a report stands."""

    OPEN = "open", _("open")
    REVIEWING = "reviewing", _("under review")
    CLOSED = "closed", _("closed")


class BuyerReportQuerySet(VisibleQuerySet):
    """Reports: the reporting MSME's own; all for the trade attaché. Never the buyer's."""

    owner_field = "msme__organisation"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "buyer.verify"):
            return Q(pk__isnull=False)
        return None


class BuyerReport(models.Model):
    """An MSME's report about a buyer, handled by the trade attaché."""

    buyer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="buyer_reports",
        verbose_name=_("buyer"),
    )
    msme = models.ForeignKey(
        "exporters.MSME", on_delete=models.CASCADE, related_name="buyer_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    introduction = models.ForeignKey(
        Introduction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=30, choices=ReportReason.choices)
    details = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.OPEN,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BuyerReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "created_at"]),
        ]
        verbose_name = _("buyer report")
        verbose_name_plural = _("buyer reports")

    def __str__(self) -> str:
        return f"{self.buyer}: {self.get_reason_display()}"
