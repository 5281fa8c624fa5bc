"""Forms of the labour management pages: employer and agency profiles and their
verification, job-order documents, seekers' document status and the training catalogue.

Forms only validate; `serumpun.labour.actions_manage` and `actions_profiles` change state.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import AuditEvent, Regency, Subdivision
from serumpun.labour.forms import LAMPUNG
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrderDocument,
    SeekerDocument,
    Skill,
    TrainingCourse,
    Verification,
)

PROFILE_KINDS = [("employer", _("employers")), ("agency", _("recruitment agencies"))]
MAX_SEARCH = 100
#: room for the spaces people type inside an SSM or licence number
MAX_TYPED = 24
MAX_COURSE_DAYS = 730
CONFIDENCE = [("high", _("high")), ("medium", _("medium")), ("low", _("low"))]
#: the reason is kept as the audit row's purpose, so it cannot be longer than that column
MAX_REASON = AuditEvent._meta.get_field("purpose").max_length
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: hyphens, dashes and spaces people type inside an SSM number ("2019 01 012345", "123456–X")
_SSM_NOISE = re.compile(r"[\s\u2010-\u2015\u2212_.-]+")
_OLD_SSM = re.compile(r"^(\d{1,7})([A-Z])$")


def normalise_ssm(typed: str) -> str:
    """The SSM number as stored: no spaces, upper case, the old form as "123456-X".

    "2019 0101 2345", "201901-012345" → "201901012345"; "123456 x", "123456–X" → "123456-X".
    The result is checked by labour.models.SSM_NUMBER, not here. Employers' and trade
    buyers' forms both use it.
    """
    compact = _SSM_NOISE.sub("", str(typed or "")).upper()
    old = _OLD_SSM.match(compact)
    return f"{old.group(1)}-{old.group(2)}" if old else compact


class ProfileFilterForm(forms.Form):
    """Which profiles the verifier lists: employers or agencies, by verification state."""

    kind = forms.ChoiceField(label=_("Show"), choices=PROFILE_KINDS, required=False)
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=[("", _("any")), *Verification.choices],
        required=False,
    )
    q = forms.CharField(label=_("Search"), max_length=MAX_SEARCH, required=False)

    def kind_value(self) -> str:
        """The kind asked for (employers unless agencies were chosen and valid)."""
        if self.is_valid() and self.cleaned_data["kind"] == "agency":
            return "agency"
        return "employer"

    def filter(self, profiles: QuerySet[Any]) -> QuerySet[Any]:
        """Narrow `profiles` by the valid filters (an invalid value is ignored)."""
        if not self.is_valid():
            return profiles
        data = self.cleaned_data
        if data["verification"]:
            profiles = profiles.filter(verification=data["verification"])
        if data["q"]:
            number = (
                "ssm_number" if profiles.model is EmployerProfile else "licence_number"
            )
            profiles = profiles.filter(
                Q(organisation__name__icontains=data["q"])
                | Q(**{f"{number}__icontains": data["q"].replace(" ", "")})
            )
        return profiles


class DecisionForm(forms.Form):
    """The verifier's decision on a profile; a rejection needs its reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Verification.VERIFIED, _("verify")),
            (Verification.REJECTED, _("reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        help_text=_("Required when rejecting; the organisation reads it."),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rejecting = data.get("decision") == Verification.REJECTED
        if rejecting and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting."))
        return data


def _malaysian_states() -> QuerySet[Subdivision]:
    return Subdivision.objects.filter(country_id="MY").order_by("name")


class EmployerProfileForm(forms.ModelForm[EmployerProfile]):
    """A Malaysian employer's own profile: SSM number, sector, state, s.60K approval."""

    class Meta:
        model = EmployerProfile
        fields: ClassVar[list[str]] = [
            "ssm_number",
            "sector",
            "state",
            "approval_reference",
            "approval_date",
        ]
        widgets: ClassVar[dict[str, Any]] = {"approval_date": DATE_INPUT}
        help_texts: ClassVar[dict[str, Any]] = {
            "ssm_number": _(
                "12 digits since 2019 (e.g. 201901012345), or the older form 123456-X."
            ),
            "approval_reference": _(
                "The Labour Department's approval to employ foreign workers."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ssm = self.fields["ssm_number"]
        # People type the number with spaces; the model checks it once they are removed.
        ssm.validators = []
        ssm.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "maxlength": MAX_TYPED}
        )
        state = self.fields["state"]
        assert isinstance(state, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        state.queryset = _malaysian_states()

    def clean_ssm_number(self) -> str:
        return normalise_ssm(self.cleaned_data["ssm_number"])


class AgencyProfileForm(forms.ModelForm[AgencyProfile]):
    """An Indonesian agency's own profile: SIP3MI licence number and its validity."""

    class Meta:
        model = AgencyProfile
        fields: ClassVar[list[str]] = ["licence_number", "valid_until"]
        widgets: ClassVar[dict[str, Any]] = {"valid_until": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = True

    def clean_licence_number(self) -> str:
        return "".join(str(self.cleaned_data["licence_number"]).split()).upper()


class JobOrderDocumentForm(forms.Form):
    """One document for a job order; its type is checked from its content by the action."""

    kind = forms.ChoiceField(label=_("Document"), choices=JobOrderDocument.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            }
        ),
    )


class DocumentStatusForm(forms.Form):
    """Where one of a seeker's checklist documents stands."""

    status = forms.ChoiceField(label=_("Status"), choices=SeekerDocument.Status.choices)


class TrainingFilterForm(forms.Form):
    """Search the catalogue by words and regency; officers may include withdrawn courses."""

    q = forms.CharField(label=_("Search"), max_length=MAX_SEARCH, required=False)
    regency = forms.ModelChoiceField(
        label=_("Regency or city"),
        queryset=Regency.objects.filter(province_id=LAMPUNG),
        required=False,
        empty_label=_("anywhere"),
    )
    inactive = forms.BooleanField(label=_("Include withdrawn courses"), required=False)

    def filter(
        self, courses: QuerySet[TrainingCourse], *, editor: bool
    ) -> QuerySet[TrainingCourse]:
        """Narrow `courses`; only editors may see withdrawn ones."""
        data = self.cleaned_data if self.is_valid() else {}
        if not (editor and data.get("inactive")):
            courses = courses.filter(active=True)
        if data.get("regency"):
            courses = courses.filter(regency=data["regency"])
        if data.get("q"):
            words = data["q"]
            courses = courses.filter(
                Q(title__icontains=words)
                | Q(provider__icontains=words)
                | Q(certificate_scheme__icontains=words)
            )
        return courses


class SkillChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Skills named in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name((get_language() or "en")[:2]))


class TrainingCourseForm(forms.ModelForm[TrainingCourse]):
    """A course of the catalogue, with the skills it grants and where the facts come from."""

    skills = SkillChoiceField(
        label=_("Skills granted"),
        queryset=Skill.objects.order_by("sector", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=CONFIDENCE,
        initial="medium",
        help_text=_(
            "How sure the source is: high for the provider's own published list."
        ),
    )

    class Meta:
        model = TrainingCourse
        fields: ClassVar[list[str]] = [
            "title",
            "provider",
            "regency",
            "duration_days",
            "cost_idr",
            "skills",
            "certificate_scheme",
            "source",
            "confidence",
        ]
        help_texts: ClassVar[dict[str, Any]] = {
            "certificate_scheme": _(
                "The BNSP competence scheme the course leads to, if any."
            ),
            "source": _("Where these facts come from (a link or a letter)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regency = self.fields["regency"]
        assert isinstance(regency, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        regency.queryset = Regency.objects.filter(province_id=LAMPUNG)
        self.fields["duration_days"].widget.attrs.update(
            {"min": 1, "max": MAX_COURSE_DAYS}
        )
        self.fields["cost_idr"].widget.attrs["min"] = 0
        self.fields["source"].required = True

    def clean_duration_days(self) -> int:
        days = int(self.cleaned_data["duration_days"])
        if not 1 <= days <= MAX_COURSE_DAYS:
            raise forms.ValidationError(
                _("Enter between 1 and %(max)s days.") % {"max": MAX_COURSE_DAYS}
            )
        return days

    def clean_cost_idr(self) -> Any:
        cost = self.cleaned_data.get("cost_idr")
        if cost is not None and cost < 0:
            raise forms.ValidationError(_("The cost cannot be negative."))
        return cost
