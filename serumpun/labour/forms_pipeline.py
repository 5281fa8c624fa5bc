"""Forms of the placement, grievance and data-rights pages (views_pipeline.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.roles import has_permission
from serumpun.core.crypto import blind_index
from serumpun.core.models import Regency
from serumpun.labour.actions_pipeline import pipeline_config
from serumpun.labour.models import Grievance, Placement, Sector, Seeker, Stage
from serumpun.labour.models_pipeline import ContractRecord, WelfareCheckin
from serumpun.labour.rules import pipeline

STAGE_LABELS = dict(Stage.choices)


class BoardFilterForm(forms.Form):
    """Filters of the placement board."""

    regency = forms.ModelChoiceField(
        label=gettext_lazy("Regency or city"),
        queryset=Regency.objects.filter(code__startswith="18").order_by("name"),
        required=False,
        to_field_name="code",
    )
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"),
        choices=[("", gettext_lazy("All sectors")), *Sector.choices],
        required=False,
    )
    stuck = forms.BooleanField(label=gettext_lazy("Only stuck"), required=False)

    def filter(self, queryset: Any) -> Any:
        """Apply the chosen filters (the stuck filter is the caller's)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("regency"):
            queryset = queryset.filter(seeker__regency=data["regency"])
        if data.get("sector"):
            queryset = queryset.filter(job_order__sector=data["sector"])
        return queryset


class AdvanceForm(forms.Form):
    """Move a placement on."""

    to_stage = forms.ChoiceField(label=gettext_lazy("Next stage"))
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [  # type: ignore[attr-defined]
            (s, STAGE_LABELS[s]) for s in pipeline.next_stages(stage)
        ]


class ContractForm(forms.Form):
    """The figures of an offer, signed contract or payslip; one amount per deduction kind."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Document"), choices=ContractRecord.Kind.choices
    )
    basic_wage_myr = forms.DecimalField(
        label=gettext_lazy("Basic wage (MYR a month)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
    )
    weekly_hours = forms.DecimalField(
        label=gettext_lazy("Normal hours a week"),
        min_value=0,
        max_value=168,
        max_digits=4,
        decimal_places=1,
        required=False,
    )
    period = forms.DateField(
        label=gettext_lazy("Pay period (any day of the month)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    DEDUCTION_LABELS = {
        "statutory": gettext_lazy("Deduction: SOCSO, EIS, tax"),
        "accommodation": gettext_lazy("Deduction: accommodation"),
        "meals": gettext_lazy("Deduction: meals"),
        "utilities": gettext_lazy("Deduction: water and electricity"),
        "advance": gettext_lazy("Deduction: repayment of an advance"),
        "recruitment_cost": gettext_lazy("Deduction: recruitment or agency costs"),
        "levy": gettext_lazy("Deduction: foreign-worker levy"),
        "passport": gettext_lazy("Deduction: passport keeping or renewal"),
        "other": gettext_lazy("Deduction: other"),
    }

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        for kind in pipeline_config().deduction_kinds:
            self.fields[f"deduction_{kind}"] = forms.DecimalField(
                label=self.DEDUCTION_LABELS.get(kind, kind),
                min_value=0,
                max_digits=9,
                decimal_places=2,
                required=False,
            )

    def deductions(self) -> list[dict[str, Any]]:
        """The non-zero deductions entered."""
        return [
            {"kind": name.removeprefix("deduction_"), "amount_myr": value}
            for name, value in self.cleaned_data.items()
            if name.startswith("deduction_") and value
        ]


class CheckinForm(forms.Form):
    """How a worker abroad is doing."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=WelfareCheckin.Outcome.choices
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GrievanceForm(forms.Form):
    """A confidential complaint; an officer names the worker by NIK."""

    nik = forms.RegexField(
        label=gettext_lazy("Worker's NIK"),
        regex=r"^\d{16}$",
        required=False,
        help_text=gettext_lazy("When you file for a worker: their 16-digit NIK."),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"), choices=Grievance.Category.choices
    )
    placement = forms.ModelChoiceField(
        label=gettext_lazy("Which job"),
        queryset=Placement.objects.none(),
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Only the labour attaché and the officers handling your case read this."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_behalf = not has_permission(user, "grievance.file")
        own = Seeker.objects.filter(user=user).first()
        if self.on_behalf:
            self.fields["nik"].required = True
            del self.fields["placement"]
        else:
            del self.fields["nik"]
            placements = Placement.objects.filter(seeker=own).select_related(
                "job_order"
            )
            self.fields["placement"].queryset = placements  # type: ignore[attr-defined]
            self.fields["placement"].label_from_instance = lambda p: p.job_order.title  # type: ignore[attr-defined]

    def clean_nik(self) -> Seeker | None:
        nik = self.cleaned_data.get("nik")
        if not nik:
            return None
        seeker = Seeker.objects.filter(
            nik_hash=blind_index(nik), anonymised_at__isnull=True
        ).first()
        if seeker is None:
            raise ValidationError(_("No job seeker has this NIK."))
        return seeker


class RespondForm(forms.Form):
    """An answer to a grievance."""

    text = forms.CharField(
        label=gettext_lazy("Response"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CloseForm(forms.Form):
    """Closing a grievance."""

    resolved = forms.BooleanField(
        label=gettext_lazy("The problem was resolved"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Closing note to the worker"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectionForm(forms.Form):
    """What a seeker corrects themself, and what they ask an officer to correct."""

    full_name = forms.CharField(
        label=gettext_lazy("Full name"), max_length=150, required=False
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=gettext_lazy("Anything else to correct (NIK, birth date, sex)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(forms.Form):
    """A required tick before an irreversible step."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I understand this cannot be undone")
    )
