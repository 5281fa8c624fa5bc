"""What supplier matching reads of each product, in one row (kept by trade/facts.py).

Matching one request used to join products, MSMEs, regencies, the latest Malaysian
assessment and the certificates with their product links, then parse the assessment's
JSON gates, for every candidate on every call. This table holds the result of those joins
per product, written in the same transaction as any change to its sources, so a request's
candidates are one indexed range read. It holds nothing that depends on the day: a
certificate's last valid day is stored, and the loader compares it with the request date;
so are the times of unanswered introductions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ProductFacts"]


class ProductFacts(models.Model):
    """One product's matching facts: derived data, rebuilt from its sources at any time."""

    product = models.OneToOneField(
        "exporters.Product",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="matching_facts",
    )
    msme = models.ForeignKey(
        "exporters.MSME", on_delete=models.CASCADE, related_name="+"
    )
    hs_code = models.CharField(max_length=6)
    hs_heading = models.CharField(max_length=4)
    is_active = models.BooleanField()
    msme_verified = models.BooleanField()
    monthly_capacity_kg = models.FloatField()
    fob_usd_per_kg = models.FloatField(null=True)
    #: The MSME's own position (null when it has none: the loader takes its regency's).
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    regency = models.ForeignKey(
        "core.Regency", on_delete=models.PROTECT, related_name="+", null=True
    )
    #: Score of the latest Malaysian assessment; null when the product has none.
    readiness = models.FloatField(null=True)
    #: Keys of that assessment's failed gates, except the buyer's importer permit,
    #: space-separated ("" when every gate passed).
    failed_gates = models.CharField(max_length=500, blank=True)
    #: Per certificate kind, the last valid day of the MSME's non-rejected certificates of
    #: that kind that cover this product: space-separated `kind=YYYY-MM-DD`, by kind.
    #: (Plain text rather than JSON: the loader reads hundreds of rows per request and
    #: splits a short string faster than it decodes JSON.)
    certificates = models.CharField(max_length=500, blank=True)
    #: The MSME's introductions, for responsiveness and past outcomes: "" when it has
    #: none, else space-separated: how many it answered within 7 days, how many it
    #: answered at all, how many were won, how many lost, then the creation times (UTC,
    #: ISO, oldest first) of those still unanswered, which fall due as days pass.
    introductions = models.TextField(blank=True)
    #: The product's names and descriptions in Indonesian, English and Malay.
    text = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["hs_code", "is_active", "msme_verified"]),
            models.Index(fields=["hs_heading", "is_active", "msme_verified"]),
        ]
        verbose_name = _("product matching facts")
        verbose_name_plural = _("product matching facts")

    def __str__(self) -> str:
        return f"{self.product_id} {self.hs_code}"
