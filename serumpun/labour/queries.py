"""Read side of labour: ranked candidates for a job order and matching orders for a seeker,
explained in the reader's language with training that would close each gap.

Neither answer ever carries a phone, an address or a full NIK (only `nik_masked`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serumpun.labour.features import (
    documents_of_stage,
    features_for_orders,
    matching_weights,
)
from serumpun.labour.models import NIK_LENGTH, JobOrder, Seeker, Skill, TrainingCourse
from serumpun.labour.rules import matching

#: training suggestions per missing item
COURSES_PER_GAP = 3

#: the matching engine's reason codes, in words (params fill the placeholders)
REASON_TEXT: dict[str, Any] = {
    "already_placed": _("already placed"),
    "age_outside_window": _("age %(age)s is outside %(min)s–%(max)s"),
    "gender_restricted": _("the order asks for %(required)s workers"),
    "sector_not_preferred": _("has not chosen the %(sector)s sector"),
    "documents_incomplete": _("documents incomplete"),
    "certificate_missing": _(
        "%(missing)s of %(required)s required certificates missing"
    ),
    "cert_level_below": _("certificate level %(level)s below %(required)s"),
    "experience_below": _("%(years)s years of experience, %(required)s needed"),
    "skill_overlap": _("%(matched)s of %(required)s skills"),
    "experience": _("%(years)s years in occupation group %(occupation)s"),
    "cert_level": _("competence certificate level %(level)s"),
    "language": _("language %(code)s at level %(level)s (needs %(required)s)"),
    "distance": _("%(km)s km from the departure point"),
    "distance_unknown": _("distance unknown"),
}


def reason_text(reason: matching.Reason) -> str:
    """One reason in the active language."""
    template = REASON_TEXT.get(reason.code)
    if template is None:
        return reason.code
    try:
        return str(template) % dict(reason.params)
    except (KeyError, TypeError, ValueError):
        return str(template)


def masked_nik(last4: str) -> str:
    """A masked NIK from its last four digits."""
    if not last4:
        return "*" * NIK_LENGTH
    return "*" * (NIK_LENGTH - len(last4)) + last4


@dataclass(frozen=True)
class _Gaps:
    skill_names: Mapping[str, str]
    courses_by_skill: Mapping[str, list[dict[str, Any]]]
    courses_by_scheme: Mapping[str, list[dict[str, Any]]]


def _gaps(missing: Iterable[matching.Missing], language: str) -> _Gaps:
    """Titles and training for every missing skill/certificate (two queries in all)."""
    skills = {m.code for m in missing if m.kind == "skill"}
    schemes = {m.code for m in missing if m.kind == "certificate"}
    names = {
        code: (name_id, name_en, name_ms)
        for code, name_id, name_en, name_ms in Skill.objects.filter(
            code__in=skills
        ).values_list("code", "name_id", "name_en", "name_ms")
    }
    pick = {"id": 0, "en": 1, "ms": 2}.get(language[:2], 1)
    by_skill: dict[str, list[dict[str, Any]]] = {}
    by_scheme: dict[str, list[dict[str, Any]]] = {}
    if skills or schemes:
        rows = (
            TrainingCourse.objects.filter(active=True)
            .filter(Q(skills__code__in=skills) | Q(certificate_scheme__in=schemes))
            .order_by("duration_days", "title")
            .values_list(
                "title",
                "provider",
                "duration_days",
                "certificate_scheme",
                "skills__code",
            )
        )
        for title, provider, days, scheme, skill in rows:
            course = {"course": title, "provider": provider, "est_days": days}
            if skill in skills:
                _add(by_skill, skill, course)
            if scheme in schemes:
                _add(by_scheme, scheme, course)
    return _Gaps(
        skill_names={code: names[code][pick] or names[code][1] for code in names},
        courses_by_skill=by_skill,
        courses_by_scheme=by_scheme,
    )


def _add(
    table: dict[str, list[dict[str, Any]]], key: str, course: dict[str, Any]
) -> None:
    courses = table.setdefault(key, [])
    if course not in courses and len(courses) < COURSES_PER_GAP:
        courses.append(course)


def _missing_out(item: matching.Missing, gaps: _Gaps, language: str) -> dict[str, Any]:
    if item.kind == "skill":
        title = gaps.skill_names.get(item.code, item.code)
        training = gaps.courses_by_skill.get(item.code, [])
    elif item.kind == "certificate":
        title = item.code
        training = gaps.courses_by_scheme.get(item.code, [])
    else:
        docs = documents_of_stage(item.code)
        lang = language[:2] if language[:2] in ("id", "en", "ms") else "en"
        title = "; ".join(doc["title"][lang] for doc in docs) or item.code
        training = []
    return {"kind": item.kind, "code": item.code, "title": title, "training": training}


def _explained(
    reasons: Iterable[matching.Reason],
    missing: Iterable[matching.Missing],
    gaps: _Gaps,
    language: str,
) -> dict[str, Any]:
    reasons = list(reasons)
    return {
        "reasons": [reason_text(r) for r in reasons],
        "reason_codes": [{"code": r.code, "params": dict(r.params)} for r in reasons],
        "missing": [_missing_out(m, gaps, language) for m in missing],
    }


def candidates_for(job_order: JobOrder, *, limit: int = 50) -> list[dict[str, Any]]:
    """The best seekers for `job_order` (eligible first), masked, with gaps and training."""
    features, reqs = features_for_orders([job_order], as_of=timezone.localdate())
    ranked = matching.rank_candidates(
        reqs[0],
        features.matrix,
        features.vocab,
        matching_weights(),
        limit=limit,
        include_ineligible=True,
    )
    language = get_language() or "en"
    gaps = _gaps((m for c in ranked for m in c.missing), language)
    last4 = dict(
        Seeker.objects.filter(pk__in=[c.seeker_id for c in ranked]).values_list(
            "pk", "nik_last4"
        )
    )
    return [
        {
            "seeker_id": c.seeker_id,
            "nik_masked": masked_nik(last4.get(c.seeker_id, "")),
            "score": c.score,
            "eligible": c.eligible,
            **_explained(c.reasons, c.missing, gaps, language),
        }
        for c in ranked
    ]


def matches_for(seeker: Seeker, *, limit: int = 50) -> list[dict[str, Any]]:
    """Endorsed, compliant open job orders for `seeker`, best first, with what is missing."""
    orders = list(
        JobOrder.objects.open_for_seekers().select_related("occupation").order_by("pk")
    )
    if not orders:
        return []
    features, reqs = features_for_orders(
        orders, as_of=timezone.localdate(), seekers=[seeker.pk]
    )
    row = features.row_of.get(seeker.pk)
    if row is None:  # consent withdrawn or anonymised: no matching
        return []
    found = matching.matches_for_seeker(
        row, reqs, features.matrix, features.vocab, matching_weights(), limit=limit
    )
    by_id = {o.pk: o for o in orders}
    language = get_language() or "en"
    gaps = _gaps((m for f in found for m in f.missing), language)
    return [
        {
            "job_order_id": f.job_order_id,
            "title": by_id[f.job_order_id].title,
            "employer_name": by_id[f.job_order_id].employer_name,
            "sector": by_id[f.job_order_id].sector,
            "isco_code": by_id[f.job_order_id].isco_code,
            "basic_wage_myr": by_id[f.job_order_id].basic_wage_myr,
            "score": f.score,
            "eligible": f.eligible,
            **_explained(f.reasons, f.missing, gaps, language),
        }
        for f in found
    ]
