"""Forms of the readiness pages: the self-assessment, evidence, plan steps and cohorts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from serumpun.exporters.models import Certificate
from serumpun.readiness.models import Cohort, StepStatus
from serumpun.readiness.rules.scoring import Question, title_in

ANSWER_CHOICES = [
    ("0", _("0 — not yet")),
    ("1", _("1 — planned")),
    ("2", _("2 — in progress")),
    ("3", _("3 — done")),
    ("4", _("4 — done and maintained")),
]


class AnswersForm(forms.Form):
    """One 0–4 choice per question that applies to the product."""

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        language: str,
        initial_values: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            value = initial_values.get(question.key)
            self.fields[question.key] = forms.TypedChoiceField(
                label=title_in(question.title, language),
                choices=[("", "—"), *ANSWER_CHOICES],
                coerce=int,
                required=False,
                empty_value=None,
                initial=None if value is None else str(value),
            )

    def answers(self) -> dict[str, int]:
        """The answered questions (blank ones are left as they were)."""
        return {
            key: value for key, value in self.cleaned_data.items() if value is not None
        }


class EvidenceForm(forms.Form):
    """Evidence for one answer: a document (PDF or photo) or one of the business's certificates."""

    document = forms.FileField(label=_("Document (PDF or photo)"), required=False)
    certificate = forms.ModelChoiceField(
        label=_("or a certificate you registered"),
        queryset=Certificate.objects.none(),
        required=False,
    )

    def __init__(
        self, *args: Any, certificates: Iterable[Certificate] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in certificates]
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared above)
        field.queryset = Certificate.objects.filter(pk__in=ids)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not data.get("certificate"):
            raise forms.ValidationError(_("Upload a document or choose a certificate."))
        return data


class StepForm(forms.Form):
    """Progress on one plan step."""

    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    owner = forms.CharField(label=_("Who does it"), max_length=150, required=False)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CohortForm(forms.Form):
    """A new coaching cohort."""

    name = forms.CharField(label=_("Name"), max_length=150)
    tier = forms.ChoiceField(label=_("Class"), choices=Cohort.Tier.choices)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SessionForm(forms.Form):
    """A coaching session and who attended."""

    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attended"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101
        field.choices = [(m.pk, str(m)) for m in members]


class MembersForm(forms.Form):
    """Which MSMEs belong to a cohort."""

    members = forms.TypedMultipleChoiceField(
        label=_("Members"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, candidates: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101
        field.choices = [(m.pk, str(m)) for m in candidates]
