"""Pages of the knowledge base: what exporting a product takes, and the label checker.

Both are read-only GET forms any signed-in user may use; with htmx only the result
partial is rendered. The requirements page prints cleanly (print styles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from serumpun.readiness import knowledge
from serumpun.readiness.forms_requirements import (
    LABEL_LANGUAGE_CHOICES,
    MARKET_NAMES,
    LabelCheckForm,
    RequirementsForm,
)
from serumpun.readiness.rules.requirements import DESTINATION, ORIGIN, STEPS

#: effective_from of rules whose commencement the research does not give (README convention)
LONG_STANDING = dt.date(2000, 1, 1)
SIDE_TITLES = {
    ORIGIN: _("In Lampung (Indonesia)"),
    DESTINATION: _("In Malaysia"),
}
STEP_TITLES = {
    "business": _("Your business"),
    "product": _("Your product"),
    "shipment": _("Each shipment"),
    "importer": _("Your importer"),
    "label": _("Label and halal"),
    "border": _("At the border"),
}
KIND_LABELS = {
    "permit": _("permit"),
    "certificate": _("certificate"),
    "registration": _("registration"),
    "labelling": _("labelling"),
    "document": _("document"),
    "tariff": _("tariff"),
    "standard": _("standard"),
    "notification": _("notification"),
}
CONFIDENCE_NOTES = {
    "high": _("Confirmed from the official text"),
    "medium": _("To be confirmed (secondary source)"),
    "low": _("To be confirmed (not verified)"),
}


@dataclass(frozen=True)
class Line:
    """One requirement as the page shows it, in the reader's language."""

    requirement: knowledge.Requirement
    title: str
    detail: str
    kind: Any
    applies_because: str
    confidence_note: Any

    @property
    def long_standing(self) -> bool:
        """Its start is the rule files' "long-standing" date (data/rules/README.md)."""
        return self.requirement.effective_from == LONG_STANDING

    @property
    def to_confirm(self) -> bool:
        """Medium and low confidence are shown as "to be confirmed"."""
        return self.requirement.confidence != "high"


@dataclass
class Step:
    """One step of one side, with its requirements in order."""

    key: str
    title: Any
    items: list[Line] = field(default_factory=list)


@dataclass
class Side:
    """One side of the border and its steps that have requirements."""

    key: str
    title: Any
    steps: list[Step]

    @property
    def count(self) -> int:
        """How many requirements this side holds."""
        return sum(len(step.items) for step in self.steps)


def group_by_side_and_step(
    applicable: list[knowledge.ApplicableRequirement], language: str
) -> list[Side]:
    """Requirements grouped Lampung first, then Malaysia; each side by step in order."""
    sides = []
    for side in (ORIGIN, DESTINATION):
        steps = [Step(key, STEP_TITLES[key]) for key in STEPS[side]]
        by_key = {step.key: step for step in steps}
        for item in applicable:
            requirement = item.requirement
            if requirement.side == side:
                by_key[requirement.step].items.append(
                    Line(
                        requirement=requirement,
                        title=requirement.title_in(language),
                        detail=requirement.detail_in(language),
                        kind=KIND_LABELS[requirement.kind],
                        applies_because=item.applies_because,
                        confidence_note=CONFIDENCE_NOTES[requirement.confidence],
                    )
                )
        sides.append(Side(side, SIDE_TITLES[side], [s for s in steps if s.items]))
    return sides


def product_label(form: RequirementsForm, language: str) -> str:
    """What the page calls the product: its name, else the HS code's common name."""
    product = form.cleaned_data.get("product")
    if product is not None and product.hs_code_id == form.cleaned_data["hs_code"]:
        return str(product.name_in(language))
    hs = form.hs
    if hs is None:  # not reached: a valid form has found its HS code
        return str(form.cleaned_data["hs_code"])
    common = hs.name_id.split(",")[0].strip() if language != "en" else ""
    name = common or hs.description.split(";")[0].strip()
    return f"{name} (HS {knowledge.format_hs(hs.code)})"


@require_safe
@login_required
def requirements(request: HttpRequest) -> HttpResponse:
    """What exporting a product (an HS code or one of the user's products) takes."""
    form = RequirementsForm(request.GET or None, user=request.user)
    language = knowledge.current_language()
    context: dict[str, Any] = {"form": form, "sides": None}
    if form.is_bound and form.is_valid():
        query = form.query()
        applicable = knowledge.requirements_for(**query, as_of=timezone.localdate())
        context.update(
            sides=group_by_side_and_step(applicable, language),
            hs=form.hs,
            product=form.cleaned_data.get("product"),
            product_label=product_label(form, language),
            market_name=MARKET_NAMES.get(query["market"], query["market"]),
            query=query,
            claim_labels=[knowledge.claim_label(c) for c in query["claims"]],
            as_of=timezone.localdate(),
            rules_version=knowledge.requirement_book().version,
            mandatory_count=sum(1 for a in applicable if a.requirement.mandatory),
        )
    template = "readiness/requirements.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@require_safe
@login_required
def label_check(request: HttpRequest) -> HttpResponse:
    """Check a label: missing items, language, date marking, halal logo (htmx result)."""
    form = LabelCheckForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": form, "verdict": None}
    if form.is_bound and form.is_valid():
        product = form.cleaned_data.get("product")
        certificate = None
        if product is not None:
            certificate = knowledge.halal_certificate_status(
                product, user=request.user, as_of=timezone.localdate()
            )
        verdict = knowledge.check_label(form.facts(certificate))
        language = knowledge.current_language()
        names = dict(LABEL_LANGUAGE_CHOICES)
        context.update(
            verdict=verdict,
            missing=[item.title_in(language) for item in verdict.missing],
            to_check=[item.title_in(language) for item in verdict.to_check],
            languages_found=[names[code] for code in verdict.languages_found],
            accepted_languages=[names[code] for code in verdict.accepted_languages],
            product=product,
            languages_from_product=form.languages_from_product(),
            certificate=certificate or form.cleaned_data["halal_certificate"],
            halal_note=CONFIDENCE_NOTES[verdict.halal.confidence],
            language_note=CONFIDENCE_NOTES[verdict.language_confidence],
        )
    template = "readiness/label_check.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#result"
    return render(request, template, context)
