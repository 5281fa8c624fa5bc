"""Buyer pages: a buyer's own profile and permits, the trade attaché's buyer directory,
a buyer's detail page and the verification queue.

Every change goes through `actions_buyers`. Records are found through `visible_to`, so
another buyer's profile or permit is a 404; a role that may never see the page is a 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.accounts.roles import require_permission as require
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.core.uploads import private_file_response
from serumpun.labour.forms import add_action_errors
from serumpun.labour.views import page_of, query_without, render_list
from serumpun.trade import actions_buyers as actions
from serumpun.trade.forms_buyers import (
    BuyerFilterForm,
    BuyerProfileForm,
    ConfirmForm,
    DecisionForm,
    PermitEditForm,
    PermitForm,
)
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    SourcingRequest,
    Verification,
)

TEMPLATES = "trade/buyers"
QUEUE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _status_for(exc: Exception) -> int:
    return 409 if isinstance(exc, ConflictError) else 422


def _add_errors(form: Any, exc: ValidationError | ConflictError) -> None:
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
    else:
        add_action_errors(form, exc)


def _profiles() -> Any:
    return BuyerProfile.objects.select_related("organisation", "state")


def permit_rows(profile: BuyerProfile) -> list[dict[str, Any]]:
    """The profile's permits with their titles and whether they are in force today."""
    today = timezone.localdate()
    return [
        {
            "permit": permit,
            "title": actions.permit_title(permit.requirement_id),
            "expired": permit.valid_until is not None and permit.valid_until < today,
        }
        for permit in profile.permits.all()
    ]


# --- A buyer's own profile and permits --------------------------------------------------------


def _own_profile(user: User) -> BuyerProfile | None:
    if not has_permission(user, "request.post") or user.organisation is None:
        raise PermissionDenied(_("Only a Malaysian buyer keeps a buyer profile."))
    return _profiles().filter(organisation=user.organisation).first()


def _save_profile(
    request: HttpRequest, form: BuyerProfileForm, profile: BuyerProfile | None
) -> BuyerProfile | None:
    """Run the action for a valid form; None (with the errors on the form) if refused."""
    user = _user(request)
    try:
        if profile is None:
            organisation = form.cleaned_data.get("organisation") or user.organisation
            if organisation is None:
                raise PermissionDenied
            return actions.create_buyer_profile(
                by=user, organisation=organisation, fields=form.action_fields()
            )
        return actions.update_buyer_profile(
            by=user, profile=profile, fields=form.action_fields()
        )
    except (ValidationError, ConflictError) as exc:
        _add_errors(form, exc)
        return None


def _profile_page(
    request: HttpRequest, profile: BuyerProfile | None, *, own: bool
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    choose = profile is None and not own
    form = BuyerProfileForm(data, instance=profile, choose_organisation=choose)
    if data is not None and form.is_valid():
        saved = _save_profile(request, form, profile)
        if saved is not None:
            messages.success(request, _("The buyer profile is saved."))
            if own:
                return redirect("trade:buyer_profile")
            return redirect("trade:buyer_detail", pk=saved.organisation_id)
    if profile is not None:
        profile.refresh_from_db()
    context = {
        "form": form,
        "profile": profile,
        "own": own,
        "permits": permit_rows(profile) if profile is not None else [],
    }
    status = 422 if data is not None else 200
    return render(request, f"{TEMPLATES}/profile.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def buyer_profile(request: HttpRequest) -> HttpResponse:
    """The buyer's own organisation profile, its verification and its permits."""
    return _profile_page(request, _own_profile(_user(request)), own=True)


@require_http_methods(["GET", "POST"])
@login_required
def buyer_new(request: HttpRequest) -> HttpResponse:
    """The trade attaché registers a profile on a buyer organisation's behalf."""
    require(request.user, "buyer.verify")
    return _profile_page(request, None, own=False)


@require_http_methods(["GET", "POST"])
@login_required
def buyer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The trade attaché corrects a buyer's profile (pk: the buyer organisation)."""
    require(request.user, "buyer.verify")
    profile = get_visible_or_404(_profiles(), request.user, organisation_id=pk)
    return _profile_page(request, profile, own=False)


@require_http_methods(["GET", "POST"])
@login_required
def buyer_permit_new(request: HttpRequest) -> HttpResponse:
    """Add an import permit the buyer holds, with an optional scan."""
    user = _user(request)
    profile = _own_profile(user)
    if profile is None:
        messages.info(request, _("Register your company first."))
        return redirect("trade:buyer_profile")
    data = request.POST if request.method == "POST" else None
    form = PermitForm(data, request.FILES or None)
    status = 422 if data is not None else 200
    if data is not None and form.is_valid():
        try:
            actions.add_permit(
                by=user,
                profile=profile,
                fields=form.action_fields(),
                upload=form.cleaned_data.get("document") or None,
            )
        except actions.UploadTooLarge as exc:
            form.add_error("document", _too_large(exc))
            status = 413
        except (ValidationError, ConflictError) as exc:
            _add_errors(form, exc)
            status = _status_for(exc)
        else:
            messages.success(request, _("The permit is added; the attaché checks it."))
            return redirect("trade:buyer_profile")
    context = {"form": form, "profile": profile}
    return render(request, f"{TEMPLATES}/permit_form.html", context, status=status)


def _too_large(exc: actions.UploadTooLarge) -> str:
    megabytes = f"{exc.limit / (1024 * 1024):g}"
    return _("The file is too large: at most %(mb)s MB.") % {"mb": megabytes}


def _permits() -> Any:
    return BuyerPermit.objects.select_related("buyer__organisation")


def _permit_back(user: User, permit: BuyerPermit) -> str:
    """Where the buyer or the attaché came from: the profile, or the buyer's page."""
    if has_permission(user, "buyer.verify"):
        return reverse("trade:buyer_detail", args=[permit.buyer.organisation_id])
    return reverse("trade:buyer_profile")


@require_http_methods(["GET", "POST"])
@login_required
def buyer_permit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a permit's number or validity or replace its scan (buyer or attaché)."""
    user = _user(request)
    permit = get_visible_or_404(_permits(), user, pk=pk)
    if not actions.may_keep_profile(user, permit.buyer.organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    data = request.POST if request.method == "POST" else None
    form = PermitEditForm(data, request.FILES or None, instance=permit)
    status = 422 if data is not None else 200
    if data is not None and form.is_valid():
        try:
            actions.update_permit(
                by=user,
                permit=permit,
                fields=form.action_fields(),
                upload=form.new_scan(),
            )
        except actions.UploadTooLarge as exc:
            form.add_error("document", _too_large(exc))
            status = 413
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The permit is saved."))
            return redirect(_permit_back(user, permit))
    context = {
        "form": form,
        "permit": permit,
        "title": actions.permit_title(permit.requirement_id),
        "back": _permit_back(user, permit),
    }
    return render(request, f"{TEMPLATES}/permit_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def buyer_permit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a permit after the confirmation box is ticked (the buyer or the attaché)."""
    user = _user(request)
    permit = get_visible_or_404(_permits(), user, pk=pk)
    if not actions.may_keep_profile(user, permit.buyer.organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    back = _permit_back(user, permit)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        actions.remove_permit(by=user, permit=permit)
        messages.success(request, _("The permit is removed."))
        return redirect(back)
    context = {
        "form": form,
        "permit": permit,
        "title": actions.permit_title(permit.requirement_id),
        "back": back,
    }
    status = 422 if form.is_bound else 200
    return render(request, f"{TEMPLATES}/permit_delete.html", context, status=status)


@require_safe
@login_required
def buyer_permit_document(request: HttpRequest, pk: int) -> FileResponse:
    """A permit's scan, for the buyer organisation and the trade attaché only."""
    permit = get_visible_or_404(_permits(), request.user, pk=pk)
    if not permit.document:
        raise Http404
    return private_file_response(permit.document, as_attachment=False)


# --- The trade attaché's directory, detail page and verification queue ----------------------


@require_safe
@login_required
def buyers(request: HttpRequest) -> HttpResponse:
    """Every buyer, filtered by state, type, verification and a search."""
    require(request.user, "buyer.verify")
    form = BuyerFilterForm(request.GET)
    rows = form.filter(_profiles().visible_to(request.user)).annotate(
        permit_count=Count("permits", distinct=True),
        pending_permits=Count(
            "permits",
            filter=Q(permits__verification=Verification.PENDING),
            distinct=True,
        ),
    )
    context = {
        "form": form,
        "page": page_of(request, rows.order_by("organisation__name", "pk")),
        "query": query_without(request.GET, "page"),
    }
    return render_list(request, f"{TEMPLATES}/list.html", context)


@require_safe
@login_required
def buyer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One buyer (pk: the organisation): profile, permits, requests, introductions."""
    user = _user(request)
    profile = get_visible_or_404(_profiles(), user, organisation_id=pk)
    attache = has_permission(user, "buyer.verify")
    requests = (
        SourcingRequest.objects.visible_to(user)
        .filter(buyer_id=pk)
        .select_related("hs_code")
        .order_by("-created_at", "-id")
    )
    context = {
        "profile": profile,
        "permits": permit_rows(profile),
        "requests": requests[:QUEUE_SIZE],
        "introductions": profile.organisation.introductions.count(),
        "attache": attache,
        "form": DecisionForm() if attache else None,
    }
    return render(request, f"{TEMPLATES}/detail.html", context)


@require_safe
@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    """Buyers and permits waiting for the trade attaché, oldest first."""
    require(request.user, "buyer.verify")
    pending = Verification.PENDING
    permits = _permits().visible_to(request.user).filter(verification=pending)
    profiles = (
        _profiles()
        .visible_to(request.user)
        .filter(verification=pending)
        .prefetch_related(Prefetch("permits", queryset=BuyerPermit.objects.all()))
    )
    context = {
        "profiles": profiles.order_by("created_at", "pk")[:QUEUE_SIZE],
        "permits": [
            {"permit": p, "title": actions.permit_title(p.requirement_id)}
            for p in permits.order_by("created_at", "pk")[:QUEUE_SIZE]
        ],
        "form": DecisionForm(),
    }
    return render(request, f"{TEMPLATES}/queue.html", context)


def _back(request: HttpRequest, fallback: str, *args: Any) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback, *args)


def _decide(request: HttpRequest, action: Any, **record: Any) -> None:
    """Run a verify/reject action from the posted decision form; say how it went."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return
    try:
        action(by=_user(request), **record, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision is recorded; the buyer is told."))


@require_POST
@login_required
def verify_buyer(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a buyer (pk: the organisation), with a reason on rejection."""
    require(request.user, "buyer.verify")
    profile = get_visible_or_404(_profiles(), request.user, organisation_id=pk)
    _decide(request, actions.verify_buyer, profile=profile)
    return _back(request, "trade:buyer_detail", pk)


@require_POST
@login_required
def verify_permit(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a buyer's permit, with a reason on rejection."""
    require(request.user, "buyer.verify")
    permit = get_visible_or_404(_permits(), request.user, pk=pk)
    _decide(request, actions.verify_permit, permit=permit)
    return _back(request, "trade:buyer_detail", permit.buyer.organisation_id)
