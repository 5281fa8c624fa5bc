"""Job-order pages: the list and review queue, submitting an order, its detail with the
compliance verdict, the attaché's decision, and the ranked candidates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import OrganisationKind, Role, has_permission
from serumpun.accounts.roles import require_permission as require
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.labour import actions, queries, views_flow
from serumpun.labour.forms import (
    CostFormSet,
    EndorseForm,
    JobOrderFilterForm,
    JobOrderForm,
    ReasonForm,
    add_action_errors,
    cost_label,
    cost_rows,
)
from serumpun.labour.models import AgencyProfile, JobOrder
from serumpun.labour.views import (
    page_of,
    query_without,
    render_list,
    verdict_for_display,
)

LIST_TEMPLATE = "labour/job_order_list.html"
DETAIL_TEMPLATE = "labour/job_order_detail.html"
CANDIDATE_LIMIT = 50
#: where the action's job-order errors go on the form
JOB_ORDER_ERROR_FIELDS = {"isco_code": "occupation", "skills": "required_skills"}


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def may_read_job_orders(user: Any) -> bool:
    """Employers, agencies, the labour attaché and officers work with job orders."""
    return (
        has_permission(user, "job_order.submit")
        or has_permission(user, "job_order.endorse")
        or Role.OFFICER in user.roles
    )


def may_see_candidates(user: Any) -> bool:
    """The labour attaché and the order's agency or employer see ranked candidates."""
    return has_permission(user, "candidate.view") or has_permission(
        user, "candidate.shortlist"
    )


def _job_order(request: HttpRequest, pk: int) -> JobOrder:
    queryset = JobOrder.objects.select_related("occupation").prefetch_related(
        "costs", "skill_requirements__skill"
    )
    return get_visible_or_404(queryset, request.user, pk=pk)


def _list_context(
    request: HttpRequest, form: JobOrderFilterForm, orders: Any, *, queue: bool
) -> dict[str, Any]:
    return {
        "form": form,
        "page": page_of(request, orders.select_related("occupation")),
        "query": query_without(request.GET, "page"),
        "queue": queue,
        "list_url": reverse(
            "labour:review_queue" if queue else "labour:job_order_list"
        ),
        "can_submit": has_permission(request.user, "job_order.submit"),
        "can_review": has_permission(request.user, "job_order.endorse"),
    }


@require_safe
@login_required
def job_order_list(request: HttpRequest) -> HttpResponse:
    """The job orders the user may see (their organisation's, or all for staff), filtered."""
    if not may_read_job_orders(request.user):
        raise PermissionDenied(_("Your role may not do this."))
    form = JobOrderFilterForm(request.GET)
    orders = form.filter(JobOrder.objects.visible_to(request.user)).order_by(
        "-created_at", "-id"
    )
    return render_list(
        request, LIST_TEMPLATE, _list_context(request, form, orders, queue=False)
    )


@require_safe
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Checked orders awaiting the labour attaché's decision, oldest first."""
    require(request.user, "job_order.endorse")
    form = JobOrderFilterForm(request.GET)
    orders = (
        form.filter(JobOrder.objects.visible_to(request.user))
        .filter(status__in=actions.REVIEWABLE)
        .order_by("submitted_at", "id")
    )
    return render_list(
        request, LIST_TEMPLATE, _list_context(request, form, orders, queue=True)
    )


def _initial(user: User) -> dict[str, Any]:
    """Prefill what the platform knows: the employer's name, the agency's licence."""
    organisation = user.organisation
    if organisation is None:
        return {}
    if organisation.kind == OrganisationKind.EMPLOYER:
        return {"employer_name": organisation.name}
    agency = AgencyProfile.objects.filter(organisation=organisation).first()
    return {"agency_licence": agency.licence_number} if agency else {}


@require_http_methods(["GET", "POST"])
@login_required
def job_order_create(request: HttpRequest) -> HttpResponse:
    """Submit a demand letter with its cost table; it is checked at once."""
    user = _user(request)
    require(user, "job_order.submit")
    data = request.POST if request.method == "POST" else None
    form = JobOrderForm(data, initial=_initial(user))
    costs = CostFormSet(data, prefix="costs")
    if data is not None and form.is_valid() and costs.is_valid():
        try:
            job_order = actions.submit_job_order(
                by=user, costs=cost_rows(costs), **form.action_arguments()
            )
        except ValidationError as exc:
            add_action_errors(form, exc, JOB_ORDER_ERROR_FIELDS)
        else:
            messages.success(request, _("The job order was submitted and checked."))
            return redirect("labour:job_order_detail", pk=job_order.pk)
    context = {"form": form, "costs": costs}
    return render(request, "labour/job_order_form.html", context)


def _detail_context(
    request: HttpRequest, job_order: JobOrder, **forms: Form
) -> dict[str, Any]:
    can_review = has_permission(request.user, "job_order.endorse")
    return {
        "job_order": job_order,
        "verdict": verdict_for_display(job_order.compliance),
        "costs": [
            {"item": cost_label(c.item), "amount_myr": c.amount_myr, "row": c}
            for c in job_order.costs.all()
        ],
        "skills": [r.skill for r in job_order.skill_requirements.all()],
        "reviewable": can_review and job_order.status in actions.REVIEWABLE,
        "endorse_form": forms.get("endorse_form") or EndorseForm(),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "return_form": forms.get("return_form") or ReasonForm(prefix="return"),
        "can_see_candidates": may_see_candidates(request.user),
        "can_list": may_read_job_orders(request.user),
    }


@require_safe
@login_required
def job_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order's terms, cost table and compliance verdict; the attaché's decision forms."""
    job_order = _job_order(request, pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(request, job_order))


def _review(
    request: HttpRequest,
    pk: int,
    *,
    form: Form,
    form_key: str,
    decide: Callable[[JobOrder, dict[str, Any]], JobOrder],
    done: str,
) -> HttpResponse:
    """Validate a decision form, run the action, and say what happened."""
    require(request.user, "job_order.endorse")
    job_order = _job_order(request, pk)
    if form.is_valid():
        try:
            decide(job_order, form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, str(exc))
            context = _detail_context(request, job_order)
            return render(request, DETAIL_TEMPLATE, context, status=409)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("labour:job_order_detail", pk=job_order.pk)
    context = _detail_context(request, job_order, **{form_key: form})
    return render(request, DETAIL_TEMPLATE, context, status=422)


@require_POST
@login_required
def job_order_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """Endorse an order; refused (409) while its compliance verdict fails."""
    user = _user(request)
    return _review(
        request,
        pk,
        form=EndorseForm(request.POST),
        form_key="endorse_form",
        decide=lambda order, data: actions.endorse_job_order(
            by=user, job_order=order, note=data["note"]
        ),
        done=_("The job order is endorsed. Matched job seekers can now see it."),
    )


@require_POST
@login_required
def job_order_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject an order, with the reason the submitter will read."""
    user = _user(request)
    return _review(
        request,
        pk,
        form=ReasonForm(request.POST, prefix="reject"),
        form_key="reject_form",
        decide=lambda order, data: actions.reject_job_order(
            by=user, job_order=order, reason=data["reason"]
        ),
        done=_("The job order is rejected; the submitter has been told why."),
    )


@require_POST
@login_required
def job_order_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an order to its submitter for changes, with the reason."""
    user = _user(request)
    return _review(
        request,
        pk,
        form=ReasonForm(request.POST, prefix="return"),
        form_key="return_form",
        decide=lambda order, data: actions.return_job_order(
            by=user, job_order=order, reason=data["reason"]
        ),
        done=_(
            "The job order is returned for changes; the submitter has been told why."
        ),
    )


@require_safe
@login_required
def job_order_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Seekers ranked for an order: score, reasons, gaps and training; masked NIK only."""
    job_order = _job_order(request, pk)
    if not may_see_candidates(request.user):
        raise PermissionDenied(_("Your role may not see candidates."))
    candidates = queries.candidates_for(job_order, limit=CANDIDATE_LIMIT)
    context = {
        "job_order": job_order,
        "candidates": candidates,
        **views_flow.candidate_flow_context(request.user, job_order),
    }
    return render(request, "labour/job_order_candidates.html", context)
