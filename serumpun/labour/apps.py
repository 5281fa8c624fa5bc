from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    """Employers, agencies, job orders and compliance, seekers, matching, placements."""

    name = "serumpun.labour"
    label = "labour"
    verbose_name = _("Labour")

    def ready(self) -> None:
        from serumpun.accounts.roles import Role
        from serumpun.core.home import register_count
        from serumpun.core.navigation import NavItem, add_menu_item

        entries = [
            (_("Review queue"), "labour:review_queue", {Role.LABOUR_ATTACHE}),
            (
                _("Job orders"),
                "labour:job_order_list",
                {Role.EMPLOYER, Role.AGENCY, Role.LABOUR_ATTACHE},
            ),
            (_("Job seekers"), "labour:seeker_list", {Role.OFFICER}),
            (_("Register a job seeker"), "labour:seeker_register", {Role.OFFICER}),
            (_("My profile"), "labour:seeker_me", {Role.SEEKER}),
            (_("My matches"), "labour:seeker_matches", {Role.SEEKER}),
            (_("My offers"), "labour:offer_list", {Role.SEEKER}),
            (_("Allocation"), "labour:allocation", {Role.LABOUR_ATTACHE}),
            (
                _("Placements"),
                "labour:placement_board",
                {Role.LABOUR_ATTACHE, Role.OFFICER},
            ),
            (
                _("Grievances"),
                "labour:grievance_list",
                {Role.LABOUR_ATTACHE, Role.OFFICER, Role.SEEKER},
            ),
            (_("Report a problem"), "labour:grievance_new", {Role.SEEKER}),
            (_("My data"), "labour:my_data", {Role.SEEKER}),
            (
                _("Employers and agencies"),
                "labour:profiles",
                {Role.LABOUR_ATTACHE, Role.OFFICER},
            ),
            (_("My organisation"), "labour:my_profile", {Role.EMPLOYER, Role.AGENCY}),
            (
                _("Training"),
                "labour:training_list",
                {Role.SEEKER, Role.OFFICER, Role.LABOUR_ATTACHE}
                | {Role.EMPLOYER, Role.AGENCY},
            ),
        ]
        for label, url_name, roles in entries:
            add_menu_item(
                NavItem(label, url_name, roles=frozenset(roles)),
                before="core:notifications",
            )
        register_count(review_counts, roles={Role.LABOUR_ATTACHE})
        register_count(submitter_counts, roles={Role.EMPLOYER, Role.AGENCY})
        register_count(seeker_counts, roles={Role.SEEKER})
        register_count(case_counts, roles={Role.LABOUR_ATTACHE, Role.OFFICER})

        from serumpun.core.daily import register_daily
        from serumpun.labour import tasks_pipeline

        register_daily(tasks_pipeline.alert_stuck_placements)
        register_daily(tasks_pipeline.remind_welfare_checkins)


JOB_ORDERS = _("Job orders")
YOUR_JOB_ORDERS = _("Your job orders")
YOUR_JOB_SEARCH = _("Your job search")


def review_counts(user: Any) -> list[Any]:
    """For the labour attaché: orders awaiting review, and endorsed orders."""
    from serumpun.core.home import Figure
    from serumpun.labour.actions import REVIEWABLE
    from serumpun.labour.models import JobOrder

    orders = JobOrder.objects.visible_to(user)
    return [
        Figure(
            "job_orders_awaiting_review",
            _("Job orders awaiting review"),
            orders.filter(status__in=REVIEWABLE),
            JOB_ORDERS,
            _("Nothing awaits review."),
            "labour:review_queue",
            _("Open the review queue"),
        ),
        Figure(
            "job_orders_endorsed",
            _("Endorsed job orders"),
            orders.endorsed(),
            JOB_ORDERS,
            _("No job order has been endorsed yet."),
            "labour:job_order_list",
            _("Open the job orders"),
        ),
    ]


def submitter_counts(user: Any) -> list[Any]:
    """For employers and agencies: their orders by where they stand."""
    from serumpun.core.home import Figure
    from serumpun.labour.actions import REVIEWABLE
    from serumpun.labour.models import JobOrder

    orders = JobOrder.objects.visible_to(user)
    figures = [
        (
            "job_orders_under_review",
            _("Under review"),
            orders.filter(status__in=REVIEWABLE),
            _("Nothing is under review. Submit a demand letter to have it checked."),
        ),
        (
            "job_orders_returned",
            _("Returned for changes"),
            orders.filter(status=JobOrder.Status.RETURNED),
            _("No order was returned for changes."),
        ),
        (
            "job_orders_endorsed",
            _("Endorsed"),
            orders.endorsed(),
            _("No order has been endorsed yet."),
        ),
        (
            "job_orders_rejected",
            _("Rejected"),
            orders.filter(status=JobOrder.Status.REJECTED),
            _("No order was rejected."),
        ),
    ]
    return [
        Figure(
            key,
            label,
            queryset,
            YOUR_JOB_ORDERS,
            hint,
            "labour:job_order_list",
            _("Open your job orders"),
        )
        for key, label, queryset, hint in figures
    ]


def seeker_counts(user: Any) -> list[Any]:
    """For a job seeker: open offers made to them, and endorsed legal vacancies."""
    from serumpun.core.home import Figure
    from serumpun.labour.models import JobOrder, Offer

    return [
        Figure(
            "job_offers",
            _("Job offers for you"),
            Offer.objects.filter(seeker__user=user, status=Offer.Status.OFFERED),
            YOUR_JOB_SEARCH,
            _("No offer yet. Keep your skills and documents up to date."),
            "labour:seeker_matches",
            _("See your matches"),
        ),
        Figure(
            "open_vacancies",
            _("Endorsed legal vacancies"),
            JobOrder.objects.open_for_seekers(),
            YOUR_JOB_SEARCH,
            _("No vacancy is endorsed at the moment."),
            "labour:seeker_matches",
            _("See your matches"),
        ),
    ]


PLACEMENTS = _("Placements and grievances")


def case_counts(user: Any) -> list[Any]:
    """For the labour attaché and officers: stuck placements and unanswered grievances."""
    from django.utils import timezone

    from serumpun.core.home import Figure
    from serumpun.labour.models import (
        AgencyProfile,
        EmployerProfile,
        Grievance,
        Placement,
        Verification,
    )
    from serumpun.labour.tasks_pipeline import stuck_filter

    return [
        Figure(
            "placements_stuck",
            _("Placements stuck in a stage"),
            Placement.objects.filter(stuck_filter(timezone.localdate())),
            PLACEMENTS,
            _("No placement is stuck."),
            "labour:placement_board",
            _("Open the placement board"),
        ),
        Figure(
            "labour_profiles_pending",
            _("Employers awaiting verification"),
            EmployerProfile.objects.filter(verification=Verification.PENDING),
            PLACEMENTS,
            _("No employer awaits verification."),
            "labour:profiles",
            _("Open employers and agencies"),
        ),
        Figure(
            "agency_profiles_pending",
            _("Agencies awaiting verification"),
            AgencyProfile.objects.filter(verification=Verification.PENDING),
            PLACEMENTS,
            _("No agency awaits verification."),
            "labour:profiles",
            _("Open employers and agencies"),
        ),
        Figure(
            "grievances_unanswered",
            _("Grievances without a first answer"),
            Grievance.objects.filter(first_response_at__isnull=True).exclude(
                status__in=[Grievance.Status.RESOLVED, Grievance.Status.CLOSED]
            ),
            PLACEMENTS,
            _("Every grievance has been answered."),
            "labour:grievance_list",
            _("Open the grievances"),
        ),
    ]
