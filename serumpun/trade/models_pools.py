"""Trade models: supply pools — several MSMEs pledging together to meet one request's volume."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import has_permission
from serumpun.core.access import VisibleQuerySet

__all__ = ["PledgeStatus", "PoolPledge", "PoolStatus", "SupplyPool"]


class PoolStatus(models.TextChoices):
    """Where a supply pool stands."""

    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")


class PledgeStatus(models.TextChoices):
    """An MSME's answer to its pledge in a pool."""

    PENDING = "pending", _("waiting for an answer")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class SupplyPoolQuerySet(VisibleQuerySet):
    """Pools: the request's buyer, the attaché, and MSMEs with a pledge in the pool."""

    owner_field = "request__buyer"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "request.relay"):
            return Q(pk__isnull=False)
        return Q(
            pk__in=PoolPledge.objects.filter(
                msme__organisation__in=user.organisation_ids
            ).values("pool_id")
        )


class SupplyPool(models.Model):
    """Suppliers proposed together for one sourcing request."""

    request = models.ForeignKey(
        "trade.SourcingRequest", on_delete=models.CASCADE, related_name="pools"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PoolStatus.choices,
        default=PoolStatus.PROPOSED,
    )
    score = models.FloatField(_("score"), default=0.0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupplyPoolQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supply pool")
        verbose_name_plural = _("supply pools")

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"


class PoolPledgeQuerySet(VisibleQuerySet):
    """Pledges: the pledging MSME's own; the pool's buyer and the attaché see all."""

    owner_field = "msme__organisation"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "request.relay"):
            return Q(pk__isnull=False)
        return Q(pool__request__buyer__in=user.organisation_ids)


class PoolPledge(models.Model):
    """One MSME's share of a pool, per month."""

    pool = models.ForeignKey(
        SupplyPool, on_delete=models.CASCADE, related_name="pledges"
    )
    msme = models.ForeignKey(
        "exporters.MSME", on_delete=models.CASCADE, related_name="pool_pledges"
    )
    product = models.ForeignKey(
        "exporters.Product", on_delete=models.CASCADE, related_name="pool_pledges"
    )
    pledge_kg_per_month = models.DecimalField(
        _("pledge (kg per month)"), max_digits=12, decimal_places=2
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PledgeStatus.choices,
        default=PledgeStatus.PENDING,
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = PoolPledgeQuerySet.as_manager()

    class Meta:
        ordering = ["pool", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["msme", "status"]),
        ]
        verbose_name = _("pool pledge")
        verbose_name_plural = _("pool pledges")

    def __str__(self) -> str:
        return f"{self.msme} {self.pledge_kg_per_month} kg"
