"""The role dashboards' reads beyond the Cube: queues, an office's work, a person's own records.

Each function runs a fixed number of queries whatever the data's size: the queues are counted
in one statement (`core.home.count_all`), the rest are grouped queries. An MSME owner's and a
seeker's figures come only from their own records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from serumpun.insights.rules.roles import (
    MsmeProgress,
    OfficeWork,
    OwnGrievance,
    ProductReadiness,
    SeekerStatus,
    grouped,
)


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.replace(day=1)


def _period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first instant and the first instant after it, in local time."""
    after = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(after, dt.time.min))
    return start, end


# --- names ----------------------------------------------------------------------------------


def regency_names(codes: Iterable[str]) -> dict[str, str]:
    from serumpun.core.models import Regency

    wanted = {c for c in codes if c and c != "*"}
    if not wanted:
        return {}
    return dict(Regency.objects.filter(code__in=wanted).values_list("code", "name"))


def port_names(locodes: Iterable[str]) -> dict[str, str]:
    from serumpun.core.models import Port

    wanted = {c for c in locodes if c and c != "*"}
    if not wanted:
        return {}
    return dict(Port.objects.filter(locode__in=wanted).values_list("locode", "name"))


def hs_names(codes: Iterable[str], language: str) -> dict[str, str]:
    from serumpun.core.models import HSCode

    wanted = {c for c in codes if c and c != "*"}
    if not wanted:
        return {}
    rows = HSCode.objects.filter(code__in=wanted).values_list(
        "code", "name_id", "description"
    )
    return {
        code: (name_id if language == "id" and name_id else description)
        for code, name_id, description in rows
    }


# --- queues ---------------------------------------------------------------------------------


def trade_queues(user: Any, *, as_of: dt.date) -> dict[str, int]:
    """Buyers and permits awaiting verification, open buyer reports, idle leads: one query."""
    from serumpun.core.home import count_all
    from serumpun.trade import actions_deals
    from serumpun.trade.models import (
        BuyerPermit,
        BuyerProfile,
        BuyerReport,
        Introduction,
        ReportStatus,
        Verification,
    )
    from serumpun.trade.rules import deals as deal_rules

    cutoff = deal_rules.idle_cutoff(as_of, actions_deals.deals_config().idle_days)
    end_of_cutoff = timezone.make_aware(
        dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
    )
    names = ("buyers", "permits", "reports", "idle")
    counts = count_all(
        [
            BuyerProfile.objects.visible_to(user).filter(
                verification=Verification.PENDING
            ),
            BuyerPermit.objects.visible_to(user).filter(
                verification=Verification.PENDING
            ),
            BuyerReport.objects.visible_to(user).exclude(status=ReportStatus.CLOSED),
            Introduction.objects.visible_to(user).filter(
                stage__in=deal_rules.CHAIN[:-1], last_activity_at__lt=end_of_cutoff
            ),
        ]
    )
    return dict(zip(names, counts, strict=True))


def labour_queues(user: Any) -> dict[str, int]:
    """Job orders awaiting the attaché's review and grievances still open: one query."""
    from serumpun.core.home import count_all
    from serumpun.labour.actions import REVIEWABLE
    from serumpun.labour.models import Grievance, JobOrder

    open_statuses = [Grievance.Status.OPEN, Grievance.Status.IN_PROGRESS]
    counts = count_all(
        [
            JobOrder.objects.visible_to(user).filter(status__in=REVIEWABLE),
            Grievance.objects.visible_to(user).filter(status__in=open_statuses),
            Grievance.objects.visible_to(user).filter(
                status__in=open_statuses, first_response_at__isnull=True
            ),
        ]
    )
    return dict(zip(("orders", "grievances", "unanswered"), counts, strict=True))


# --- an office ------------------------------------------------------------------------------


def office_work(
    organisation_ids: list[int], first: dt.date, last: dt.date
) -> OfficeWork:
    """What the people of these offices did in the period: four grouped queries."""
    from serumpun.accounts.models import User
    from serumpun.exporters.models import MSME
    from serumpun.labour.models import Grievance, Seeker
    from serumpun.readiness.models import Cohort

    start, end = _period(first, last)
    staff = User.objects.filter(memberships__organisation__in=organisation_ids).values(
        "pk"
    )
    verified = (
        MSME.objects.filter(
            verified_by__in=staff, verified_at__gte=start, verified_at__lt=end
        )
        .annotate(month=TruncMonth("verified_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    seekers = (
        Seeker.objects.filter(
            Q(office__in=organisation_ids) | Q(registered_by__in=staff),
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    grievances = (
        Grievance.objects.filter(
            Q(organisation__in=organisation_ids) | Q(responses__by__in=staff),
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("status")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("status", "n")
    )
    cohorts = Cohort.objects.filter(organisation__in=organisation_ids).aggregate(
        cohorts=Count("pk", distinct=True),
        members=Count("members", distinct=True),
        sessions=Count("sessions", distinct=True),
    )
    return OfficeWork(
        verified_by_month=_by_month(verified),
        seekers_by_month=_by_month(seekers),
        grievances_by_status=grouped(grievances),
        cohorts=int(cohorts["cohorts"] or 0),
        cohort_members=int(cohorts["members"] or 0),
        cohort_sessions=int(cohorts["sessions"] or 0),
    )


def _by_month(rows: Iterable[tuple[Any, int]]) -> dict[dt.date, int]:
    out: dict[dt.date, int] = {}
    for month, n in rows:
        if month is not None:
            key = _month(month)
            out[key] = out.get(key, 0) + int(n)
    return out


# --- an MSME's own --------------------------------------------------------------------------


def own_msme(user: Any) -> Any:
    """The MSME of the owner's organisation, or None (one query)."""
    from serumpun.exporters.models import MSME

    return (
        MSME.objects.filter(organisation__in=user.organisation_ids)
        .order_by("pk")
        .first()
    )


def msme_progress(msme: Any) -> MsmeProgress:
    """The MSME's readiness, plan, leads and shipments: five queries."""
    from serumpun.logistics.models import Shipment
    from serumpun.readiness.models import ActionStep, Assessment, Gap, Market
    from serumpun.trade.models import Introduction

    assessments = (
        Assessment.objects.filter(msme=msme, is_latest=True, market=Market.MY)
        .order_by("-score", "product__name_id")
        .values_list("product_id", "product__name_id", "score", "level")
    )
    gaps = (
        Gap.objects.filter(
            assessment__msme=msme,
            assessment__is_latest=True,
            assessment__market=Market.MY,
            is_latest=True,
        )
        .values("key")
        .annotate(n=Count("assessment__product", distinct=True))
        .order_by()
        .values_list("key", "n")
    )
    steps = (
        ActionStep.objects.filter(
            assessment__msme=msme,
            assessment__is_latest=True,
            assessment__market=Market.MY,
            is_current=True,
        )
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    leads = (
        Introduction.objects.filter(msme=msme)
        .values("stage")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("stage", "n")
    )
    shipments = (
        Shipment.objects.filter(msme=msme)
        .values("status")
        .annotate(n=Count("pk"), kg=Sum("weight_kg"))
        .order_by()
        .values_list("status", "n", "kg")
    )
    return MsmeProgress(
        products=[
            ProductReadiness(
                pk, name, float(score) if score is not None else None, level
            )
            for pk, name, score, level in assessments
        ],
        gaps=grouped(gaps),
        steps=grouped(steps),
        leads=grouped(leads),
        shipments={s: (int(n), float(kg or 0)) for s, n, kg in shipments},
    )


# --- a seeker's own -------------------------------------------------------------------------


def own_seeker(user: Any) -> Any:
    """The signed-in seeker's own profile, or None (one query)."""
    from serumpun.labour.models import Seeker

    return Seeker.objects.filter(user=user).select_related("regency").first()


def seeker_status(seeker: Any) -> SeekerStatus:
    """The seeker's documents, offers, open vacancies and grievances: four queries."""
    from serumpun.labour.models import Grievance, JobOrder, Offer, SeekerDocument

    documents = list(
        SeekerDocument.objects.filter(seeker=seeker).values_list("kind", "status")
    )
    offers = (
        Offer.objects.filter(seeker=seeker)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    vacancies = JobOrder.objects.open_for_seekers()
    if seeker.preferred_sectors:
        vacancies = vacancies.filter(sector__in=seeker.preferred_sectors)
    mine = Q(seeker=seeker)
    if seeker.user_id is not None:
        mine |= Q(filed_by=seeker.user_id)
    grievances = (
        Grievance.objects.filter(mine)
        .order_by("-created_at", "-pk")
        .values_list("pk", "category", "status", "created_at", "first_response_at")
    )
    return SeekerStatus(
        stage=seeker.stage,
        documents=grouped((status, 1) for _kind, status in documents),
        missing=[kind for kind, status in documents if status == "missing"],
        offers=grouped(offers),
        open_vacancies=vacancies.count(),
        grievances=[
            OwnGrievance(
                pk,
                category,
                status,
                timezone.localtime(created).date(),
                round((answered - created).total_seconds() / 3600, 1)
                if answered
                else None,
            )
            for pk, category, status, created, answered in grievances
        ],
    )
