"""Trade models: business-matching events and their meeting schedules (issue 5 §7).

The trade attaché's embassy organises an event with time slots and tables; buyers and MSMEs
register, wish whom to meet, and the scheduler (rules/scheduling.py) places one-to-one
meetings. Every schedule run is kept with its objective and the solver's proven bound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import has_permission
from serumpun.core.access import VisibleQuerySet

__all__ = [
    "EventParticipant",
    "EventSlot",
    "MatchingEvent",
    "Meeting",
    "MeetingWish",
    "ScheduleRun",
]

EVENT_TIMEZONES = (
    ("Asia/Kuala_Lumpur", "Asia/Kuala_Lumpur"),
    ("Asia/Jakarta", "Asia/Jakarta"),
)
#: the short and the full name participants know each event time zone by
EVENT_TIMEZONE_NAMES: dict[str, tuple[str, Any]] = {
    "Asia/Kuala_Lumpur": ("MYT", _("Malaysia Time")),
    "Asia/Jakarta": ("WIB", _("Western Indonesia Time")),
}


class MatchingEventQuerySet(VisibleQuerySet):
    """Events: drafts only to the organiser and event managers; the rest to everyone."""

    owner_field = "organiser"

    def role_grants(self, user: Any) -> Q | None:
        if has_permission(user, "event.manage"):
            return Q(pk__isnull=False)
        return ~Q(status=MatchingEvent.Status.DRAFT)


class MatchingEvent(models.Model):
    """A business-matching event (temu bisnis) with time slots and tables."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("registration open")
        SCHEDULED = "scheduled", _("scheduled")
        CLOSED = "closed", _("closed")

    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="matching_events",
        verbose_name=_("organiser"),
    )
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    date = models.DateField(_("date"))
    timezone = models.CharField(
        _("time zone"),
        max_length=20,
        choices=EVENT_TIMEZONES,
        default="Asia/Kuala_Lumpur",
    )
    registration_deadline = models.DateField(_("registration deadline"))
    tables = models.PositiveSmallIntegerField(
        _("tables"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    max_meetings_per_participant = models.PositiveSmallIntegerField(
        _("maximum meetings per participant"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("schedule published"), null=True, blank=True)
    #: participants whose agenda changed since the last publication (the next one tells
    #: only them); None until the schedule is first published (which tells everyone)
    agenda_changes = models.JSONField(
        _("agendas changed since publication"), null=True, blank=True, default=None
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchingEventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "date"])
        ]
        verbose_name = _("business-matching event")
        verbose_name_plural = _("business-matching events")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    @property
    def timezone_abbreviation(self) -> str:
        """The short name of the event's time zone (MYT, WIB); the zone name otherwise."""
        known = EVENT_TIMEZONE_NAMES.get(self.timezone)
        return known[0] if known else self.timezone

    @property
    def timezone_label(self) -> str:
        """The event's time zone for people, e.g. "Malaysia Time (MYT, UTC+8)"."""
        noon = dt.datetime.combine(
            self.date, dt.time(12), tzinfo=ZoneInfo(self.timezone)
        )
        minutes = round((noon.utcoffset() or dt.timedelta()).total_seconds() / 60)
        hours, rest = divmod(abs(minutes), 60)
        offset = f"UTC{'-' if minutes < 0 else '+'}{hours}" + (
            f":{rest:02d}" if rest else ""
        )
        known = EVENT_TIMEZONE_NAMES.get(self.timezone)
        if known is None:
            return f"{self.timezone} ({offset})"
        return f"{known[1]} ({known[0]}, {offset})"


class EventSlot(models.Model):
    """A time slot of an event: every table holds one meeting in it."""

    event = models.ForeignKey(
        MatchingEvent, on_delete=models.CASCADE, related_name="slots"
    )
    index = models.PositiveSmallIntegerField(_("slot"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["event", "index"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["event", "index"], name="trade_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="trade_slot_order"
            ),
        ]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")

    def __str__(self) -> str:
        return f"{self.event_id}#{self.index}"


class EventParticipant(models.Model):
    """A buyer organisation or an MSME registered for an event."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("buyer")
        MSME = "msme", _("MSME")

    event = models.ForeignKey(
        MatchingEvent, on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    side = models.CharField(_("side"), max_length=5, choices=Side.choices)
    msme = models.ForeignKey(
        "exporters.MSME",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: slot indexes the participant cannot attend
    unavailable_slots = models.JSONField(
        _("unavailable slots"), default=list, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "side", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="trade_participant_unique"
            ),
            models.CheckConstraint(
                condition=Q(side="buyer", msme__isnull=True)
                | Q(side="msme", msme__isnull=False),
                name="trade_participant_side_msme",
            ),
        ]
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.event_id}"

    @property
    def is_active(self) -> bool:
        """Registered and not withdrawn."""
        return self.withdrawn_at is None


class MeetingWish(models.Model):
    """One participant wishes to meet another (of the other side), priority 1 = first choice."""

    event = models.ForeignKey(
        MatchingEvent, on_delete=models.CASCADE, related_name="wishes"
    )
    from_participant = models.ForeignKey(
        EventParticipant, on_delete=models.CASCADE, related_name="wishes_made"
    )
    to_participant = models.ForeignKey(
        EventParticipant, on_delete=models.CASCADE, related_name="wishes_received"
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["from_participant", "to_participant"], name="trade_wish_unique"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3),
                name="trade_wish_priority",
            ),
        ]
        verbose_name = _("meeting wish")
        verbose_name_plural = _("meeting wishes")

    def __str__(self) -> str:
        return f"{self.from_participant_id}→{self.to_participant_id} ({self.priority})"


class Meeting(models.Model):
    """A scheduled one-to-one meeting of a buyer and an MSME at a table in a slot."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        MatchingEvent, on_delete=models.CASCADE, related_name="meetings"
    )
    buyer = models.ForeignKey(
        EventParticipant, on_delete=models.CASCADE, related_name="buyer_meetings"
    )
    msme = models.ForeignKey(
        EventParticipant, on_delete=models.CASCADE, related_name="msme_meetings"
    )
    slot = models.ForeignKey(
        EventSlot, on_delete=models.CASCADE, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("table"))
    weight = models.PositiveIntegerField(_("weight"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    moved_from_slot = models.ForeignKey(
        EventSlot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot__index", "table"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["event", "status"])
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.buyer_id}×{self.msme_id} slot {self.slot_id} table {self.table}"


class ScheduleRun(models.Model):
    """One run of the scheduler for an event: its objective against the proven bound."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        FULL = "full", _("full schedule")
        RESCHEDULE = "reschedule", _("reschedule after a withdrawal")

    event = models.ForeignKey(
        MatchingEvent, on_delete=models.CASCADE, related_name="schedule_runs"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.FULL
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    objective = models.PositiveIntegerField(_("total weight"), default=0)
    bound = models.PositiveIntegerField(_("proven bound"), default=0)
    ratio_to_bound = models.FloatField(_("ratio to bound"), null=True, blank=True)
    greedy_objective = models.PositiveIntegerField(_("greedy total"), default=0)
    meeting_count = models.PositiveIntegerField(_("meetings"), default=0)
    moved_meetings = models.PositiveIntegerField(_("moved meetings"), default=0)
    solver_status = models.CharField(_("solver status"), max_length=12, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    progress = models.OneToOneField(
        "core.TaskProgress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedule_run",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.event_id} {self.status}"
