"""Forms of the labour pages: job orders and their cost table, review decisions, job-seeker
registration and the list filters.

Forms only validate; `serumpun.labour.actions` changes state. An action's own validation
errors (an unknown skill, a NIK that disagrees with the birth date) come back onto the form
through `add_action_errors`, under the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import Occupation, Regency
from serumpun.labour.models import (
    CostPaidBy,
    Education,
    JobOrder,
    Sector,
    Seeker,
    Skill,
    Stage,
)

#: Lampung's BPS province code (the seekers this platform serves register there)
LAMPUNG = "18"
MAX_COST_ROWS = 30
MAX_ROWS = 20
MAX_CERTIFICATES = 10
MAX_MYR = Decimal("9999999")
SKILL_WEIGHT = 1.0

#: cost items of a demand letter (stored by their English word, which the levy rule reads)
COST_ITEMS = [
    ("levy", _("levy")),
    ("visa", _("visa and work permit")),
    ("air ticket", _("air ticket")),
    ("medical check", _("medical check")),
    ("training", _("training")),
    ("agency fee", _("agency fee")),
    ("insurance", _("insurance")),
    ("passport", _("passport")),
    ("accommodation", _("accommodation")),
    ("transport", _("local transport")),
    ("other", _("other")),
]
#: contract languages offered (ISO 639-1)
CONTRACT_LANGUAGES = [
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("en", _("English")),
]
#: a seeker's language levels (the matching engine reads 0..3)
LANGUAGE_LEVELS = [
    ("0", _("none")),
    ("1", _("basic")),
    ("2", _("working")),
    ("3", _("fluent")),
]
#: languages a seeker states a level for (the matching matrix has a column for each)
SEEKER_LANGUAGES = [
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("en", _("English")),
]
DOCUMENT_STAGES = [
    (0, _("none required")),
    (1, _("stage 1: family documents")),
    (2, _("stage 2: competence and health certificates")),
    (3, _("stage 3: passport")),
    (4, _("stage 4: visa and contracts")),
]
NIK_FORMAT = RegexValidator(r"^\d{16}$", _("A NIK has 16 digits."))
PHONE_FORMAT = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$", _("Enter a phone number, e.g. +62 812 3456 7890.")
)
SCHEME_CODE = RegexValidator(
    r"^[A-Za-z0-9._-]{1,60}$",
    _("Use the scheme code: letters, digits, dots, dashes (e.g. pemanen-sawit)."),
)


class DateInput(forms.DateInput):
    """A native date picker (phones show their own)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def add_action_errors(
    form: forms.BaseForm,
    error: ValidationError,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Put an action's ValidationError on the form, under the fields it names."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, messages)


def skill_choices(language: str | None = None) -> list[tuple[Any, Any]]:
    """Skills as checkbox choices grouped by sector, named in the reader's language."""
    language = (language or get_language() or "en")[:2]
    labels = dict(Sector.choices)
    groups: dict[str, list[tuple[str, str]]] = {}
    for skill in Skill.objects.order_by("sector", "code"):
        groups.setdefault(skill.sector, []).append((skill.code, skill.name(language)))
    # sector-less skills (languages, first aid) come last
    ordered = sorted(groups.items(), key=lambda group: group[0] == "")
    return [
        (labels.get(sector, _("other skills")), options) for sector, options in ordered
    ]


def occupation_label(occupation: Occupation, language: str | None = None) -> str:
    """An occupation as "9211 · Crop farm labourers" in the reader's language."""
    language = (language or get_language() or "en")[:2]
    title = getattr(occupation, f"title_{language}", "") or occupation.title_en
    return f"{occupation.isco_code} · {title}"


class OccupationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An ISCO-08 occupation, labelled in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return occupation_label(obj)


def _lampung_regencies() -> QuerySet[Regency]:
    return Regency.objects.filter(province_id=LAMPUNG).order_by("code")


# --- Job orders -------------------------------------------------------------------------------


class JobOrderForm(forms.ModelForm):  # type: ignore[type-arg]
    """A demand letter: every API.md field plus channel, languages, quota and skills."""

    occupation = OccupationField(
        queryset=Occupation.objects.order_by("isco_code"),
        label=_("Occupation (ISCO-08)"),
    )
    contract_languages = forms.MultipleChoiceField(
        label=_("Contract languages"),
        choices=CONTRACT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The contract must be in a language the worker reads."),
    )
    required_skills = forms.MultipleChoiceField(
        label=_("Required skills"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    required_certificates = forms.CharField(
        label=_("Required certificate schemes"),
        required=False,
        max_length=300,
        help_text=_("BNSP scheme codes, separated by commas (e.g. pemanen-sawit)."),
    )
    min_document_stage = forms.TypedChoiceField(
        label=_("Documents the worker must already have"),
        choices=DOCUMENT_STAGES,
        coerce=int,
        initial=0,
    )

    class Meta:
        model = JobOrder
        fields = [
            "title",
            "employer_name",
            "employer_state",
            "agency_licence",
            "sector",
            "occupation",
            "workers_needed",
            "basic_wage_myr",
            "weekly_hours",
            "overtime_terms",
            "overtime_rate",
            "rest_day",
            "contract_months",
            "start_date",
            "accommodation_provided",
            "passport_held_by",
            "levy_paid_by",
            "worker_paid_costs_myr",
            "age_min",
            "age_max",
            "gender",
            "channel",
            "quota_reference",
            "contract_languages",
            "required_skills",
            "required_certificates",
            "min_document_stage",
        ]
        widgets = {"start_date": DateInput()}
        help_texts = {
            "worker_paid_costs_myr": _(
                "Every cost charged to the worker in total. When you fill the cost "
                "table below, this is its sum of the worker's lines."
            ),
            "agency_licence": _("The SIP3MI licence of the Indonesian agency (P3MI)."),
            "quota_reference": _("The SIP2MI recruitment permit for this order."),
            "employer_state": _("The Malaysian state of the workplace."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_skills"].choices = skill_choices()  # type: ignore[attr-defined]
        self.fields["workers_needed"].widget.attrs["min"] = 1
        self.fields["worker_paid_costs_myr"].required = False
        self.fields["accommodation_provided"].required = False
        for name in ("basic_wage_myr", "weekly_hours", "worker_paid_costs_myr"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean_required_certificates(self) -> list[str]:
        codes = [
            code.strip()
            for code in self.cleaned_data["required_certificates"].split(",")
            if code.strip()
        ]
        for code in codes:
            SCHEME_CODE(code)
        if len(codes) > MAX_CERTIFICATES:
            raise ValidationError(_("At most ten certificate schemes."))
        return codes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", _("The maximum age is below the minimum."))
        if cleaned.get("worker_paid_costs_myr") is None:
            cleaned["worker_paid_costs_myr"] = Decimal(0)
        return cleaned

    def action_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `actions.submit_job_order` (without `by` and `costs`)."""
        data = dict(self.cleaned_data)
        occupation = data.pop("occupation")
        skills = data.pop("required_skills")
        return {
            "fields": {k: v for k, v in data.items() if v not in (None, "")},
            "isco_code": occupation.isco_code,
            "skills": [{"code": code, "weight": SKILL_WEIGHT} for code in skills],
        }


class CostForm(forms.Form):
    """One line of the cost table: what, how much, who pays."""

    item = forms.ChoiceField(label=_("Cost item"), choices=[("", "—"), *COST_ITEMS])
    amount_myr = forms.DecimalField(
        label=_("Amount (MYR)"),
        min_value=0,
        max_value=MAX_MYR,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    # a blank first choice keeps an untouched row "unchanged", so it is skipped
    paid_by = forms.ChoiceField(
        label=_("Paid by"), choices=[("", "—"), *CostPaidBy.choices]
    )


CostFormSet = forms.formset_factory(
    CostForm, extra=3, max_num=MAX_COST_ROWS, validate_max=True
)


def cost_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """The filled lines of a valid cost formset."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def cost_label(item: str) -> str:
    """A stored cost item in the reader's language (unknown items as stored)."""
    return str(dict(COST_ITEMS).get(item, item))


class JobOrderFilterForm(forms.Form):
    """Filters of the job-order list."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all")), *JobOrder.Status.choices],
        required=False,
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("all")), *Sector.choices], required=False
    )

    def filter(self, queryset: QuerySet[JobOrder]) -> QuerySet[JobOrder]:
        """The orders matching the chosen filters."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        return queryset


class EndorseForm(forms.Form):
    """The attaché's optional note when endorsing."""

    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """Why an order is rejected or returned (required)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The submitter reads this. Say what must change."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."))
        return str(reason)


# --- Job seekers ------------------------------------------------------------------------------


class SeekerForm(forms.Form):
    """A job seeker's registration: identity, contact, education, skills and consent."""

    full_name = forms.CharField(label=_("Full name (as on the KTP)"), max_length=150)
    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        min_length=16,
        validators=[NIK_FORMAT],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{16}"}
        ),
        help_text=_("The 16-digit number on the identity card (KTP)."),
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    gender = forms.ChoiceField(
        label=_("Sex"),
        choices=[("female", _("female")), ("male", _("male"))],
        widget=forms.RadioSelect,
    )
    regency = forms.ModelChoiceField(
        label=_("Regency or city"), queryset=Regency.objects.none()
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[PHONE_FORMAT],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    preferred_sectors = forms.MultipleChoiceField(
        label=_("Sectors you want to work in"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), widget=forms.CheckboxSelectMultiple, required=False
    )
    language_id = forms.ChoiceField(
        label=_("Indonesian"), choices=LANGUAGE_LEVELS, initial="3"
    )
    language_ms = forms.ChoiceField(
        label=_("Malay"), choices=LANGUAGE_LEVELS, initial="0"
    )
    language_en = forms.ChoiceField(
        label=_("English"), choices=LANGUAGE_LEVELS, initial="0"
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and agree"),
        error_messages={"required": _("Consent is needed to register.")},
    )

    def __init__(self, *args: Any, for_officer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = _lampung_regencies()  # type: ignore[attr-defined]
        self.fields["skills"].choices = skill_choices()  # type: ignore[attr-defined]
        if for_officer:
            self.fields["consent"].label = _(
                "The person has heard or read the text above and agrees"
            )

    @property
    def language_fields(self) -> list[forms.BoundField]:
        """The language-level selects, shown together."""
        return [self[f"language_{code}"] for code, _label in SEEKER_LANGUAGES]

    def clean_nik(self) -> str:
        return "".join(str(self.cleaned_data["nik"]).split())

    def action_fields(
        self,
        certificates: Iterable[Mapping[str, Any]],
        experience: Iterable[Mapping[str, Any]],
    ) -> dict[str, Any]:
        """The `fields` of `actions.register_seeker`."""
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "nik": data["nik"],
            "birth_date": data["birth_date"],
            "gender": data["gender"],
            "regency_code": data["regency"].code,
            "phone": data["phone"],
            "address": data["address"],
            "education": data["education"],
            "preferred_sectors": list(data["preferred_sectors"]),
            "skills": list(data["skills"]),
            "languages": [
                {"code": code, "level": int(data[f"language_{code}"])}
                for code, _label in SEEKER_LANGUAGES
                if int(data[f"language_{code}"]) > 0
            ],
            "certificates": [dict(c) for c in certificates],
            "experience": [
                {"isco_code": e["occupation"].isco_code, "years": e["years"]}
                for e in experience
            ],
            "consent": data["consent"] is True,
        }


#: where an action's seeker errors go on the form
SEEKER_ERROR_FIELDS = {"regency_code": "regency"}


class CertificateForm(forms.Form):
    """A competence certificate (BNSP scheme or other)."""

    scheme = forms.CharField(label=_("Scheme"), max_length=60, validators=[SCHEME_CODE])
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    level = forms.TypedChoiceField(
        label=_("KKNI level"),
        choices=[(n, str(n)) for n in range(10)],
        coerce=int,
        initial=0,
        required=False,
        # an empty choice is level 0, so an untouched row stays "unchanged" and is skipped
        empty_value=0,  # type: ignore[arg-type]
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DateInput()
    )


class ExperienceForm(forms.Form):
    """Years worked in one occupation."""

    occupation = OccupationField(
        label=_("Occupation"), queryset=Occupation.objects.order_by("isco_code")
    )
    years = forms.DecimalField(
        label=_("Years"),
        min_value=0,
        max_value=60,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )


CertificateFormSet = forms.formset_factory(
    CertificateForm, extra=2, max_num=MAX_ROWS, validate_max=True
)
ExperienceFormSet = forms.formset_factory(
    ExperienceForm, extra=2, max_num=MAX_ROWS, validate_max=True
)


def filled_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """The rows of a valid formset that the user filled in."""
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


class SeekerFilterForm(forms.Form):
    """Filters of the officers' seeker list."""

    regency = forms.ModelChoiceField(
        label=_("Regency or city"),
        queryset=Regency.objects.none(),
        required=False,
        empty_label=_("all"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("all")), *Stage.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("Preferred sector"),
        choices=[("", _("all")), *Sector.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = _lampung_regencies()  # type: ignore[attr-defined]

    def filter(self, queryset: QuerySet[Seeker]) -> QuerySet[Seeker]:
        """The seekers matching the chosen filters."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("regency"):
            queryset = queryset.filter(regency=data["regency"])
        if data.get("stage"):
            queryset = queryset.filter(stage=data["stage"])
        if data.get("sector"):
            # JSON "contains" is not portable to SQLite; the quoted code is unambiguous.
            queryset = queryset.filter(
                Q(preferred_sectors__icontains=f'"{data["sector"]}"')
            )
        return queryset
