"""Forms of the business-matching event pages: the event and its slot generator, editing it,
the attaché registering someone, a wish, and the slots a participant cannot attend."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.models import Organisation
from serumpun.trade.models_events import EVENT_TIMEZONES

MAX_SLOTS = 48
MAX_SLOT_MINUTES = 240


class EventFactsForm(forms.Form):
    """An event's facts: title, place, date, deadline, tables and the meeting limit."""

    title = forms.CharField(label=_("Title"), max_length=200)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    city = forms.CharField(label=_("City"), max_length=100)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=EVENT_TIMEZONES)
    registration_deadline = forms.DateField(
        label=_("Registration deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class EventForm(EventFactsForm):
    """A new event and its time slots (first start, slot length, number of slots)."""

    first_start = forms.TimeField(
        label=_("First meeting starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per meeting"), min_value=5, max_value=MAX_SLOT_MINUTES
    )
    slot_count = forms.IntegerField(
        label=_("Number of slots"), min_value=1, max_value=MAX_SLOTS
    )


class EventEditForm(EventFactsForm):
    """Edit an event; optionally generate its slots anew (asks to confirm the discard)."""

    regenerate = forms.BooleanField(
        label=_("Generate the time slots anew"), required=False
    )
    first_start = forms.TimeField(
        label=_("First meeting starts"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per meeting"),
        min_value=5,
        max_value=MAX_SLOT_MINUTES,
        required=False,
    )
    slot_count = forms.IntegerField(
        label=_("Number of slots"), min_value=1, max_value=MAX_SLOTS, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("regenerate"):
            for name in ("first_start", "slot_minutes", "slot_count"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Needed to generate the slots."))
        return data


#: the register list offers at most this many organisations; a search narrows it
REGISTER_CHOICES = 50


class RegisterForm(forms.Form):
    """The trade attaché registers a verified buyer organisation or a verified MSME.

    With `search` the choices are those whose name contains it; a page shows at most
    REGISTER_CHOICES of them (`shown`, `more`), a posted choice is checked against all.
    """

    organisation = forms.ModelChoiceField(
        label=_("Buyer or MSME"), queryset=Organisation.objects.none()
    )
    limit = REGISTER_CHOICES
    #: more organisations match than are shown
    more = False

    def __init__(self, *args: Any, event: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from serumpun.exporters.models import MSME
        from serumpun.trade.models import BuyerProfile

        taken = event.participants.filter(withdrawn_at__isnull=True).values(
            "organisation_id"
        )
        buyers = BuyerProfile.objects.verified().values("organisation_id")
        msmes = MSME.objects.verified().values("organisation_id")
        field = self.fields["organisation"]
        eligible = (
            Organisation.objects.filter(Q(pk__in=buyers) | Q(pk__in=msmes))
            .exclude(pk__in=taken)
            .order_by("kind", "name")
        )
        search = search.replace("\x00", "").strip()
        if search:
            eligible = eligible.filter(name__icontains=search)
        field.queryset = eligible  # type: ignore[attr-defined]
        field.label_from_instance = _organisation_label  # type: ignore[attr-defined]
        if (
            not self.is_bound
        ):  # show the first ones; one more tells whether there are more
            shown = list(eligible[: REGISTER_CHOICES + 1])
            self.more = len(shown) > REGISTER_CHOICES
            field.choices = [  # type: ignore[attr-defined]
                ("", "---------"),
                *((o.pk, _organisation_label(o)) for o in shown[:REGISTER_CHOICES]),
            ]


def _organisation_label(organisation: Organisation) -> str:
    side = _("buyer") if organisation.kind == "buyer" else _("MSME")
    return f"{organisation.name} ({side})"


class UnavailableForm(forms.Form):
    """The slots a participant cannot attend."""

    slots = forms.TypedMultipleChoiceField(
        label=_("Times I cannot attend"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, event: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = ZoneInfo(event.timezone)
        self.fields["slots"].choices = [  # type: ignore[attr-defined]
            (
                s.index,
                f"{s.starts_at.astimezone(zone):%H:%M}–{s.ends_at.astimezone(zone):%H:%M}",
            )
            for s in event.slots.all()
        ]


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
