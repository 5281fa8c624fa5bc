"""From candidate to placement (issue 7 §7–8): starting a placement for a matched seeker,
the seeker's answer to an offer, and the allocation run with its fairness report.

Each action takes keyword arguments including `by`, checks permission, runs in one
transaction, writes the audit log and notifies the people concerned. The allocation itself
is `actions.allocate_offers`; the fairness figures come from `rules.allocation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import Regency
from serumpun.core.notifications import notify
from serumpun.labour.actions import allocate_offers
from serumpun.labour.models import (
    JobOrder,
    Offer,
    Placement,
    PlacementEvent,
    Seeker,
    Stage,
)

#: placements in these stages no longer hold one of the order's places
ENDED_STAGES = frozenset({Stage.WITHDRAWN, Stage.RETURNED})


# --- Who may do what ---------------------------------------------------------------------------


def order_organisation_ids(job_order: JobOrder) -> set[int]:
    """The submitting organisation and the named employer's and agency's organisations."""
    ids = {job_order.organisation_id}
    for profile in (job_order.employer_profile, job_order.agency_profile):
        if profile is not None:
            ids.add(profile.organisation_id)
    return ids


def may_start_placement(user: Any, job_order: JobOrder) -> bool:
    """The labour attaché, or a member of the order's employer or agency organisation."""
    if has_permission(user, "job_order.endorse"):
        return True
    return has_permission(user, "candidate.shortlist") and bool(
        order_organisation_ids(job_order) & set(user.organisation_ids)
    )


def may_run_allocation(user: Any) -> bool:
    """The labour attaché runs the allocation over all open orders."""
    return has_permission(user, "job_order.endorse")


def _order_people(job_order: JobOrder) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id__in=order_organisation_ids(job_order),
            is_active=True,
        ).distinct()
    )


def _attaches() -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.LABOUR_ATTACHE, is_active=True
        ).distinct()
    )


# --- Placements ---------------------------------------------------------------------------------


def places_taken(job_order: JobOrder) -> int:
    """Placements holding one of the order's places (withdrawn and returned ones do not)."""
    return job_order.placements.exclude(stage__in=ENDED_STAGES).count()


def _ineligibility(job_order: JobOrder, seeker: Seeker) -> str:
    """Why the matching engine's gates refuse `seeker` for `job_order` ("" when eligible)."""
    from serumpun.labour.features import features_for_orders, matching_weights
    from serumpun.labour.queries import reason_text
    from serumpun.labour.rules.matching import rank_candidates

    features, reqs = features_for_orders(
        [job_order], as_of=timezone.localdate(), seekers=[seeker.pk]
    )
    ranked = rank_candidates(
        reqs[0],
        features.matrix,
        features.vocab,
        matching_weights(),
        limit=1,
        include_ineligible=True,
    )
    if not ranked:  # consent withdrawn or anonymised: not in the matrix at all
        return _("the seeker has not given consent")
    if ranked[0].eligible:
        return ""
    return "; ".join(reason_text(r) for r in ranked[0].reasons[:3])


def _check_seeker(job_order: JobOrder, seeker: Seeker) -> None:
    if seeker.consent_withdrawn_at is not None or seeker.anonymised_at is not None:
        raise ConflictError(_("This job seeker has not given consent to be placed."))
    if seeker.placed:
        raise ConflictError(_("This job seeker is already placed."))
    if Placement.objects.filter(seeker=seeker, job_order=job_order).exists():
        raise ConflictError(
            _("This job seeker already has a placement for this job order.")
        )
    why = _ineligibility(job_order, seeker)
    if why:
        raise ConflictError(
            _("This job seeker is not eligible for the order: %(why)s.") % {"why": why}
        )


def start_placement(*, by: User, job_order: JobOrder, seeker: Seeker) -> Placement:
    """Start a matched seeker's placement for an endorsed order that still has places.

    Another organisation's order is not found (404); the seeker must have consent in force,
    pass the order's matching gates, not be placed already and not hold a placement for
    this order (409). An open offer of the pair counts as accepted.
    """
    if not JobOrder.objects.visible_to(by).filter(pk=job_order.pk).exists():
        raise Http404
    if not may_start_placement(by, job_order):
        raise PermissionDenied(_("Your role may not do this."))
    with transaction.atomic():
        # Locking the order serialises the count of places taken.
        order = (
            JobOrder.objects.select_for_update(of=("self",))
            .select_related("employer_profile", "agency_profile", "occupation")
            .get(pk=job_order.pk)
        )
        if order.status != JobOrder.Status.ENDORSED:
            raise ConflictError(_("Only an endorsed job order can be filled."))
        if places_taken(order) >= order.workers_needed:
            raise ConflictError(_("This job order is full."))
        _check_seeker(order, seeker)
        try:
            with transaction.atomic():
                placement = Placement.objects.create(
                    seeker=seeker, job_order=order, stage=Stage.MATCHED
                )
        except IntegrityError as exc:  # a concurrent start for the same pair
            raise ConflictError(
                _("This job seeker already has a placement for this job order.")
            ) from exc
        PlacementEvent.objects.create(placement=placement, stage=Stage.MATCHED, by=by)
        if seeker.stage == Stage.REGISTERED:
            seeker.stage = Stage.MATCHED
            seeker.save(update_fields=["stage", "updated_at"])
        accepted = Offer.objects.filter(
            seeker=seeker, job_order=order, status=Offer.Status.OFFERED
        ).update(status=Offer.Status.ACCEPTED, updated_at=timezone.now())
        audit.record(
            actor=by,
            action="labour.placement.started",
            obj=placement,
            fields=["seeker", "job_order", "stage", *(["offer"] if accepted else [])],
            organisation=order.organisation,
        )
        url = reverse("labour:placement_detail", args=[placement.pk])
        notify(
            [seeker.user] if seeker.user else [],
            subject=gettext_lazy("You were matched to a job order"),
            body=order.title,
            url=url,
            kind="labour.placement",
        )
        notify(
            [seeker.case_officer] if seeker.case_officer else [],
            subject=gettext_lazy("A placement started for a seeker in your care"),
            body=order.title,
            url=url,
            kind="labour.placement",
        )
    return placement


# --- Offers -------------------------------------------------------------------------------------


def respond_to_offer(*, by: User, offer: Offer, accept: bool) -> Offer:
    """The seeker accepts or declines an open offer.

    Accepting tells the order's organisations and the attaché, who then start the
    placement; declining frees the place for the next allocation run.
    """
    seeker = offer.seeker
    if seeker.user_id is None or seeker.user_id != by.pk:
        raise Http404  # someone else's offer is simply not there
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("job_order__employer_profile", "job_order__agency_profile")
            .get(pk=offer.pk)
        )
        if locked.status != Offer.Status.OFFERED:
            raise ConflictError(
                _("This offer is %(status)s; it can no longer be answered.")
                % {"status": locked.get_status_display()}
            )
        locked.status = Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED
        locked.save(update_fields=["status", "updated_at"])
        order = locked.job_order
        audit.record(
            actor=by,
            action=f"labour.offer.{locked.status}",
            obj=locked,
            fields=["status"],
            organisation=order.organisation,
        )
        subject = (
            gettext_lazy("A job seeker accepted your job offer")
            if accept
            else gettext_lazy("A job seeker declined your job offer")
        )
        notify(
            [*_order_people(order), *_attaches()],
            subject=subject,
            body=order.title,
            url=reverse("labour:job_order_candidates", args=[order.pk]),
            kind="labour.offer",
        )
    offer.refresh_from_db()
    return offer


# --- Allocation and fairness --------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationSummary:
    """One allocation run: the offers made, its parameters and the fairness report."""

    offers: list[Offer]
    k: int
    m: float
    orders: int
    fairness: dict[str, Any] | None


def allocation_parameters() -> tuple[int, float, float]:
    """k, m and the four-fifths ratio from data/labour/matching.yaml."""
    from serumpun.labour.features import matching_settings
    from serumpun.labour.rules.allocation import load_allocation_settings

    settings = load_allocation_settings(matching_settings())
    return (
        settings.max_offers_per_seeker,
        settings.over_offer_factor,
        settings.min_rate_ratio,
    )


def open_orders(job_order_ids: Iterable[int] | None = None) -> list[JobOrder]:
    """Endorsed orders that pass compliance (those the allocation covers), by id."""
    orders = JobOrder.objects.open_for_seekers().select_related("occupation")
    if job_order_ids is not None:
        orders = orders.filter(pk__in=list(job_order_ids))
    return list(orders.order_by("pk"))


def fairness_for(
    orders: Sequence[JobOrder], offered_pairs: Iterable[tuple[int, int]]
) -> dict[str, Any]:
    """Offer rates by gender and regency against the pool eligible for `orders`.

    `offered_pairs` are (seeker id, job order id); the pool is every active seeker with at
    least one eligible pair among the orders (the allocation's own edges).
    """
    from serumpun.labour.features import allocation_inputs
    from serumpun.labour.rules.allocation import fairness_report

    _k, _m, min_ratio = allocation_parameters()
    inputs = allocation_inputs(list(orders), as_of=timezone.localdate())
    ids = inputs.seeker_ids.tolist()
    row_of = {pk: i for i, pk in enumerate(ids)}
    people = {
        pk: (gender, regency)
        for pk, gender, regency in Seeker.objects.filter(pk__in=ids).values_list(
            "pk", "gender", "regency_id"
        )
    }
    regency_ids = sorted({r for _g, r in people.values() if r is not None})
    names = dict(Regency.objects.filter(pk__in=regency_ids).values_list("pk", "name"))
    index = {code: i for i, code in enumerate(regency_ids)}
    rows = [row_of[s] for s, _o in offered_pairs if s in row_of]
    return fairness_report(
        np.asarray([[r, 0] for r in rows], dtype=np.int64).reshape(-1, 2),
        np.asarray([people[pk][0] == "female" for pk in ids], dtype=bool),
        np.asarray([index.get(people[pk][1], -1) for pk in ids], dtype=np.int64),
        [names.get(code, str(code)) for code in regency_ids],
        pool=np.asarray(inputs.scores.getnnz(axis=1) > 0),
        min_rate_ratio=min_ratio,
    )


def current_offer_pairs(orders: Sequence[JobOrder]) -> list[tuple[int, int]]:
    """(seeker id, order id) of the offers standing on `orders` (not withdrawn)."""
    return list(
        Offer.objects.filter(job_order__in=[o.pk for o in orders])
        .exclude(status=Offer.Status.WITHDRAWN)
        .values_list("seeker_id", "job_order_id")
    )


def run_allocation(
    *,
    by: User,
    job_order_ids: Iterable[int] | None = None,
    with_fairness: bool = True,
) -> AllocationSummary:
    """Run the allocation over the open orders (k and m from matching.yaml) and report
    offer rates by gender and regency; the run itself is audited by `allocate_offers`."""
    if not may_run_allocation(by):
        raise PermissionDenied(_("Your role may not do this."))
    k, m, _ratio = allocation_parameters()
    ids = None if job_order_ids is None else list(job_order_ids)
    offers = allocate_offers(by=by, job_order_ids=ids, k=k, m=m)
    orders = open_orders(ids)
    fairness = (
        fairness_for(orders, [(o.seeker_id, o.job_order_id) for o in offers])
        if with_fairness
        else None
    )
    return AllocationSummary(
        offers=offers, k=k, m=m, orders=len(orders), fairness=fairness
    )
