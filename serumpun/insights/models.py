"""Roll-up tables: the platform's records summed per metric, month, regency and breakdown.

Dashboards, the briefing and open data read these rows only, never the source tables, so a
page costs the same few queries whether the province has a thousand MSMEs or the nation
millions. `actions.refresh_rollups` rewrites them from the sources (daily task, or on demand).

A *flow* metric counts events in the month they happened (registrations, deals, shipments);
its rows for every month are recomputed at each refresh, so a late correction reaches history.
A *stock* metric is a snapshot of how things stand (MSMEs export-ready now, open gaps); each
refresh rewrites the current month's snapshot and keeps earlier months' as history.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rollup(models.Model):
    """One cell: a metric's sums for one month, regency and breakdown.

    `records` counts the records in the cell (MSMEs, deals, shipments, placements);
    `contributors` counts the distinct parties behind them (MSMEs, seekers) — what small-cell
    suppression looks at; `amount` and `extra` carry the metric's sums (see metrics.py).
    """

    metric = models.CharField(max_length=40)
    month = models.DateField()  # first day of the month
    regency = models.CharField(
        max_length=4, blank=True
    )  # BPS code; "" when none applies
    key = models.CharField(
        max_length=60, blank=True
    )  # breakdown (sector, lane, HS code…)
    sub = models.CharField(max_length=30, blank=True)  # second breakdown (status…)
    records = models.PositiveIntegerField(default=0)
    contributors = models.PositiveIntegerField(default=0)
    amount = models.FloatField(default=0.0)
    extra = models.FloatField(default=0.0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["metric", "month", "regency", "key", "sub"],
                name="rollup_one_cell",
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["month", "metric"]),
            models.Index(fields=["regency", "month"]),
        ]
        verbose_name = _("roll-up cell")
        verbose_name_plural = _("roll-up cells")

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%Y-%m} {self.regency} {self.key} {self.sub}"


class RefreshStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class RollupRefresh(models.Model):
    """One refresh of the roll-up tables: when, by whom, how many cells, how long."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        max_length=8, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    cells = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        verbose_name = _("roll-up refresh")
        verbose_name_plural = _("roll-up refreshes")

    def __str__(self) -> str:
        return f"{self.as_of} {self.status} {self.cells}"


BRIEFING_UPLOADS = (
    "private/insights/briefings"  # under MEDIA_ROOT, outside the web root
)


class Briefing(models.Model):
    """The monthly briefing for one month in one language, kept in the report archive.

    `figures` keeps the numbers it was written from, so an archived briefing reads the same
    after later corrections change the roll-ups.
    """

    month = models.DateField(_("month"))  # first day of the month reported on
    language = models.CharField(_("language"), max_length=5)
    html = models.TextField()
    pdf = models.FileField(upload_to=f"{BRIEFING_UPLOADS}/%Y", blank=True)
    figures = models.JSONField(default=dict)
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        ordering = ["-month", "language"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["month", "language"], name="briefing_one_per_month_language"
            )
        ]
        verbose_name = _("monthly briefing")
        verbose_name_plural = _("monthly briefings")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.language})"
