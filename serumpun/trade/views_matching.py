"""Trade pages: supplier matches (htmx partial), fit for an MSME, opportunities and pledges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from serumpun.accounts.models import User
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.exporters.models import MSME, Product
from serumpun.readiness.models import Assessment, Level
from serumpun.trade import actions_pools, matching
from serumpun.trade.models import PoolPledge, SourcingRequest


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _own_msme(user: User) -> MSME:
    msme = MSME.objects.filter(organisation__in=user.organisation_ids).first()
    if msme is None:
        raise PermissionDenied
    return msme


def _cards(found: list[Any]) -> list[dict[str, Any]]:
    """Matches with their product, regency and readiness level (three queries)."""
    ids = [m.product_id for m in found]
    products = Product.objects.select_related("msme__regency").in_bulk(ids)
    levels = dict(
        Assessment.objects.filter(
            product_id__in=ids, market="MY", is_latest=True
        ).values_list("product_id", "level")
    )
    labels = dict(Level.choices)
    return [
        {
            "match": matching.as_dict(m),
            "product": products.get(m.product_id),
            "level": labels.get(levels.get(m.product_id, ""), ""),
        }
        for m in found
    ]


def _pool_entries(pools: Sequence[Any]) -> list[dict[str, Any]]:
    """Suggested pools with their members' products and MSMEs (one query)."""
    ids = [member.product_id for pool in pools for member in pool.members]
    products = Product.objects.select_related("msme").in_bulk(ids) if ids else {}
    return [
        {
            "pool": pool,
            "members": [
                {
                    "product_id": member.product_id,
                    "product": products.get(member.product_id),
                    "kg": member.pledge_kg_per_month,
                }
                for member in pool.members
            ],
        }
        for pool in pools
    ]


@require_safe
@login_required
def request_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """Suppliers for a request and proposed pools (buyer, attaché); an htmx partial."""
    user = _user(request)
    sourcing = get_visible_or_404(SourcingRequest.objects.all(), user, pk=pk)
    if not actions_pools.may_propose(user, sourcing):
        raise PermissionDenied
    result = matching.match_request(sourcing, as_of=timezone.localdate(), limit=20)
    context = {
        "sourcing": sourcing,
        "cards": _cards(list(result.matches)),
        "pools": _pool_entries(result.pools),
        "eligible_count": result.eligible_count,
    }
    return render(request, "trade/matching/matches.html", context)


@require_safe
@login_required
def request_fit(request: HttpRequest, pk: int) -> HttpResponse:
    """Which of the MSME owner's products fit a request, and what blocks them.

    The request page loads it with htmx and gets only the fit block.
    """
    user = _user(request)
    sourcing = get_visible_or_404(SourcingRequest.objects.all(), user, pk=pk)
    msme = _own_msme(user)
    found = matching.fit_for_msme(sourcing, msme, as_of=timezone.localdate())
    context = {"sourcing": sourcing, "cards": _cards(found)}
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        return render(request, "trade/matching/fit.html#fit", context)
    return render(request, "trade/matching/fit.html", context)


@require_safe
@login_required
def opportunities(request: HttpRequest) -> HttpResponse:
    """Open requests the MSME owner's products fit, with reasons."""
    user = _user(request)
    msme = _own_msme(user)
    found = matching.opportunities_for_msme(
        msme, user=user, as_of=timezone.localdate(), include_near=True
    )
    cards = _cards([o.match for o in found])
    rows = [
        {"request": o.request, **card} for o, card in zip(found, cards, strict=True)
    ]
    return render(request, "trade/matching/opportunities.html", {"rows": rows})


class PoolForm(forms.Form):
    """The products of one suggested pool."""

    product_ids = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product_ids"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101
        field.choices = [(c, c) for c in choices]


@require_POST
@login_required
def pool_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a suggested pool for the request."""
    user = _user(request)
    sourcing = get_visible_or_404(SourcingRequest.objects.all(), user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("product_ids") if v.isdigit()]
    form = PoolForm(request.POST, choices=ids)
    try:
        if not form.is_valid():
            raise ConflictError(_("Choose a suggested pool."))
        actions_pools.propose_pool(
            by=user, request=sourcing, product_ids=form.cleaned_data["product_ids"]
        )
        messages.success(request, _("The pool was proposed; its members are asked."))
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:request_detail", pk=sourcing.pk)


@require_safe
@login_required
def pledges(request: HttpRequest) -> HttpResponse:
    """The MSME owner's pledges to confirm or decline."""
    user = _user(request)
    _own_msme(user)
    found = (
        PoolPledge.objects.filter(msme__organisation__in=user.organisation_ids)
        .select_related("pool__request", "product")
        .order_by("status", "-id")
    )
    return render(request, "trade/matching/pledges.html", {"pledges": found})


@require_POST
@login_required
def pledge_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or decline one pledge (another MSME's pledge: 404)."""
    user = _user(request)
    pledge = get_visible_or_404(
        PoolPledge.objects.filter(msme__organisation__in=user.organisation_ids),
        user,
        pk=pk,
    )
    try:
        actions_pools.respond_to_pledge(
            by=user, pledge=pledge, accept=request.POST.get("answer") == "confirm"
        )
        messages.success(request, _("Your answer was recorded."))
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:pledges")
