"""Forms of the business-matching event pages: the event with its slot generator, a wish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from serumpun.trade.models_events import EVENT_TIMEZONES

MAX_SLOTS = 48
MAX_SLOT_MINUTES = 240


class EventForm(forms.Form):
    """A new event and its time slots (first start, slot length, number of slots)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    city = forms.CharField(label=_("City"), max_length=100)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=EVENT_TIMEZONES)
    registration_deadline = forms.DateField(
        label=_("Registration deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    first_start = forms.TimeField(
        label=_("First meeting starts"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per meeting"), min_value=5, max_value=MAX_SLOT_MINUTES
    )
    slot_count = forms.IntegerField(
        label=_("Number of slots"), min_value=1, max_value=MAX_SLOTS
    )
    tables = forms.IntegerField(
        label=_("Tables (meetings at once)"), min_value=1, max_value=500
    )
    max_meetings_per_participant = forms.IntegerField(
        label=_("Maximum meetings per participant"), min_value=1, max_value=MAX_SLOTS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: dt.date | None = data.get("date")
        deadline: dt.date | None = data.get("registration_deadline")
        if day and deadline and deadline > day:
            self.add_error(
                "registration_deadline", _("The deadline must not be after the event.")
            )
        return data


class WishForm(forms.Form):
    """Whom to meet, and how much (1 = first choice)."""

    participant_id = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=[
            (1, _("1 — must meet")),
            (2, _("2 — would like to")),
            (3, _("3 — if time allows")),
        ],
    )
