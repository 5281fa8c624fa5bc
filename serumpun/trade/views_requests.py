"""Sourcing-request pages: a buyer's requests, posting one (or relaying it, for the
attaché), a request's detail with its matches slot, closing it, and the MSME's list of
buyers' requests it may answer."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.logistics.views import render_page
from serumpun.trade import actions_requests as actions
from serumpun.trade.forms_requests import (
    CloseRequestForm,
    RequestFilterForm,
    RequestForm,
)
from serumpun.trade.models import RequestStatus, SourcingRequest

PAGE_SIZE = 25
TEMPLATES = "trade/requests"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _rows(user: User) -> Any:
    return (
        SourcingRequest.objects.visible_to(user)
        .select_related("hs_code", "buyer__buyer_profile__state")
        .order_by("-created_at", "-id")
    )


def offered_to_msmes(rows: Any) -> Any:
    """Requests an MSME may still answer: open and not past their date."""
    return rows.filter(status=RequestStatus.OPEN).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )


def _list(request: HttpRequest, *, offered: bool) -> HttpResponse:
    user = _user(request)
    form = RequestFilterForm(request.GET or None)
    rows = form.filter(_rows(user))
    if offered:
        rows = offered_to_msmes(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "offered": offered,
        "can_post": actions.may_post_requests(user),
        "query": request.GET.urlencode() if form.is_bound else "",
    }
    return render_page(request, f"{TEMPLATES}/list.html", context)


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """A buyer's own requests; every request for the trade attaché (filterable)."""
    if not actions.may_post_requests(_user(request)):
        return redirect("trade:msme_requests")
    return _list(request, offered=False)


@require_safe
@login_required
def msme_requests(request: HttpRequest) -> HttpResponse:
    """Buyers' requests an MSME owner may answer: open, valid, visible to their MSME."""
    if not has_permission(_user(request), "introduction.respond"):
        raise PermissionDenied
    return _list(request, offered=True)


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Post a sourcing request (the trade attaché picks the buyer it relays for)."""
    user = _user(request)
    if not actions.may_post_requests(user):
        raise PermissionDenied
    relay = not has_permission(user, "request.post")
    form = RequestForm(request.POST or None, relay=relay)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.post_request(by=user, **form.action_kwargs())
        except ValidationError as exc:
            _add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is posted."))
            return redirect("trade:request_detail", pk=created.pk)
    return render(request, f"{TEMPLATES}/form.html", {"form": form, "relay": relay})


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_safe
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request; its owner and the attaché see matches, an MSME sees its fit."""
    user = _user(request)
    req = get_visible_or_404(_rows(user), user, pk=pk)
    manages = has_permission(user, "request.relay") or (
        req.buyer_id in user.organisation_ids and has_permission(user, "request.post")
    )
    context = {
        "req": req,
        "manages": manages,
        "is_msme": has_permission(user, "introduction.respond") and not manages,
        "close_form": CloseRequestForm() if req.status == RequestStatus.OPEN else None,
        "invited": list(req.invited.all()) if manages else [],
    }
    return render(request, f"{TEMPLATES}/detail.html", context)


@require_POST
@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a request or mark it fulfilled, after the confirmation box is ticked."""
    user = _user(request)
    req = get_visible_or_404(_rows(user), user, pk=pk)
    form = CloseRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation box to close the request."))
        return redirect("trade:request_detail", pk=req.pk)
    try:
        actions.close_request(
            by=user,
            request=req,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request is closed."))
    return redirect("trade:request_detail", pk=req.pk)
