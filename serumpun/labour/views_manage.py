"""Labour management pages: verifying employers and agencies, an organisation's own profile,
job-order documents, seekers' document status and the training catalogue.

Every change goes through `actions_manage` or `actions_profiles`; another organisation's
record is a 404, found or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import require_permission as require
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent
from serumpun.core.uploads import private_file_response
from serumpun.labour import actions_manage, actions_profiles
from serumpun.labour.forms import add_action_errors
from serumpun.labour.forms_manage import (
    AgencyProfileForm,
    DecisionForm,
    DocumentStatusForm,
    EmployerProfileForm,
    JobOrderDocumentForm,
    ProfileFilterForm,
    TrainingCourseForm,
    TrainingFilterForm,
)
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrder,
    JobOrderDocument,
    ProfileQuerySet,
    Seeker,
    TrainingCourse,
)
from serumpun.labour.reference import document_checklist
from serumpun.labour.views import is_partial, page_of, query_without, render_list
from serumpun.labour.views_joborders import may_read_job_orders

PROFILE_MODELS: dict[str, type[EmployerProfile] | type[AgencyProfile]] = {
    "employer": EmployerProfile,
    "agency": AgencyProfile,
}
PROFILE_TEMPLATE = "labour/manage/profile_detail.html"
MY_PROFILE_TEMPLATE = "labour/manage/my_profile.html"
DOCUMENT_TEMPLATE = "labour/manage/job_order_document_form.html"
COURSE_TEMPLATE = "labour/manage/training_form.html"
SEEKER_DOCUMENT_TEMPLATE = "labour/manage/_seeker_documents.html"


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _status_for(exc: Exception) -> int:
    return 409 if isinstance(exc, ConflictError) else 422


# --- Verifying employers and agencies ---------------------------------------------------------


def _decisions(profile: EmployerProfile | AgencyProfile) -> QuerySet[AuditEvent]:
    """The profile's verification history, newest first (the reason is the purpose)."""
    label = "employer" if isinstance(profile, EmployerProfile) else "agency"
    return AuditEvent.objects.filter(
        object_type=profile._meta.label_lower,
        object_id=str(profile.pk),
        action__in=[f"labour.{label}.verified", f"labour.{label}.rejected"],
    ).order_by("-created_at", "-id")


def _profile_queryset(kind: str) -> ProfileQuerySet:
    model = PROFILE_MODELS[kind]
    related = (
        ["organisation", "state"] if model is EmployerProfile else ["organisation"]
    )
    return model.objects.select_related(*related)


@require_safe
@login_required
def profiles(request: HttpRequest) -> HttpResponse:
    """Employer or agency profiles for the verifiers, filtered by verification state."""
    require(request.user, "labour_profile.verify")
    form = ProfileFilterForm(request.GET)
    kind = form.kind_value()
    found = form.filter(_profile_queryset(kind).visible_to(request.user))
    context = {
        "form": form,
        "kind": kind,
        "page": page_of(request, found.order_by("-created_at", "-id")),
        "query": query_without(request.GET, "page"),
    }
    return render_list(request, "labour/manage/profiles.html", context)


def _profile(request: HttpRequest, kind: str, pk: int) -> Any:
    if kind not in PROFILE_MODELS:
        raise Http404
    return get_visible_or_404(_profile_queryset(kind), request.user, pk=pk)


def _render_profile(
    request: HttpRequest, kind: str, profile: Any, form: DecisionForm, status: int = 200
) -> HttpResponse:
    context = {
        "kind": kind,
        "profile": profile,
        "form": form,
        "decisions": _decisions(profile).select_related("actor")[:20],
    }
    return render(request, PROFILE_TEMPLATE, context, status=status)


@require_safe
@login_required
def profile_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One profile with its history and the verify/reject form."""
    require(request.user, "labour_profile.verify")
    profile = _profile(request, kind, pk)
    return _render_profile(request, kind, profile, DecisionForm())


@require_POST
@login_required
def profile_decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Verify or reject a profile, with a reason the organisation reads."""
    require(request.user, "labour_profile.verify")
    profile = _profile(request, kind, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = (
            actions_profiles.verify_employer
            if kind == "employer"
            else actions_profiles.verify_agency
        )
        try:
            decide(by=_user(request), profile=profile, **form.cleaned_data)
        except (ValidationError, ConflictError) as exc:
            _add_errors(form, exc)
            return _render_profile(request, kind, profile, form, _status_for(exc))
        messages.success(
            request, _("The decision is recorded; the organisation is told.")
        )
        return redirect(f"{reverse('labour:profiles')}?kind={kind}")
    return _render_profile(request, kind, profile, form, 422)


def _add_errors(form: Any, exc: ValidationError | ConflictError) -> None:
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
    else:
        add_action_errors(form, exc)


# --- An organisation's own profile ------------------------------------------------------------


def _own_kind(user: User) -> str:
    """ "employer" or "agency": which profile this user keeps for their organisation."""
    organisation = user.organisation
    kind = organisation.kind if organisation is not None else ""
    if actions_manage.PROFILE_ROLES.get(kind) not in user.roles:
        raise PermissionDenied(_("Your role may not do this."))
    return str(kind)


def _save_own(user: User, kind: str, profile: Any, data: dict[str, Any]) -> Any:
    if kind == "employer":
        if profile is None:
            return actions_manage.create_employer_profile(by=user, fields=data)
        return actions_manage.update_employer_profile(
            by=user, profile=profile, fields=data
        )
    if profile is None:
        return actions_manage.create_agency_profile(by=user, fields=data)
    return actions_manage.update_agency_profile(by=user, profile=profile, fields=data)


@require_http_methods(["GET", "POST"])
@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """An employer's or agency's own profile, where its verification stands, and why."""
    user = _user(request)
    kind = _own_kind(user)
    profile = (
        PROFILE_MODELS[kind].objects.filter(organisation=user.organisation).first()
    )
    form_class = EmployerProfileForm if kind == "employer" else AgencyProfileForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=profile)
    if data is not None and form.is_valid():
        try:
            _save_own(user, kind, profile, form.cleaned_data)
        except (ValidationError, ConflictError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Your profile is saved and awaits verification.")
            )
            return redirect("labour:my_profile")
    if profile is not None:
        profile.refresh_from_db()  # the bound form wrote its input onto the instance
    context = {
        "kind": kind,
        "profile": profile,
        "form": form,
        "decision": _decisions(profile).first() if profile else None,
    }
    status = 422 if data is not None else 200
    return render(request, MY_PROFILE_TEMPLATE, context, status=status)


# --- Job-order documents ----------------------------------------------------------------------


def _too_large(exc: actions_manage.UploadTooLarge) -> str:
    megabytes = f"{exc.limit / (1024 * 1024):g}"
    return _("The file is too large: at most %(mb)s MB.") % {"mb": megabytes}


@require_http_methods(["GET", "POST"])
@login_required
def job_order_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a demand letter, approval or quota scan to the organisation's own order."""
    user = _user(request)
    job_order = get_visible_or_404(JobOrder.objects.all(), user, pk=pk)
    if not actions_manage.may_attach_documents(user, job_order):
        raise PermissionDenied(_("Only the organisation that submitted the order may."))
    data = request.POST if request.method == "POST" else None
    form = JobOrderDocumentForm(data, request.FILES or None)
    status = 200
    if data is not None and form.is_valid():
        try:
            actions_manage.attach_job_order_document(
                by=user,
                job_order=job_order,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except actions_manage.UploadTooLarge as exc:
            form.add_error("file", _too_large(exc))
            status = 413
        except (ValidationError, ConflictError) as exc:
            _add_errors(form, exc)
            status = _status_for(exc)
        else:
            messages.success(request, _("The document is attached."))
            return redirect(
                f"{reverse('labour:job_order_detail', args=[pk])}#documents"
            )
    elif data is not None:
        status = 422
    context = {"job_order": job_order, "form": form}
    return render(request, DOCUMENT_TEMPLATE, context, status=status)


@require_safe
@login_required
def job_order_document(request: HttpRequest, pk: int) -> FileResponse:
    """A job order's document, for those who work with the order (never for seekers)."""
    if not may_read_job_orders(request.user):
        raise Http404
    orders = JobOrder.objects.visible_to(request.user)
    found = JobOrderDocument.objects.filter(pk=pk, job_order__in=orders).first()
    if found is None:
        raise Http404
    return private_file_response(found.file, as_attachment=False)


# --- Seekers' document status -----------------------------------------------------------------


def seeker_document_rows(seeker: Seeker) -> list[dict[str, Any]]:
    """The checklist with this seeker's status per document, in the reader's language."""
    language = (get_language() or "en")[:2]
    rows = {d.kind: d for d in seeker.documents.all()}
    return [
        {
            "kind": doc["kind"],
            "stage": doc["stage"],
            "title": doc["title"].get(language) or doc["title"]["en"],
            "status": rows[doc["kind"]].status if doc["kind"] in rows else "missing",
        }
        for doc in document_checklist()
    ]


@require_POST
@login_required
def seeker_document_status(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Set one checklist document's status; htmx gets the refreshed checklist back."""
    user = _user(request)
    seeker = get_visible_or_404(Seeker.objects.all(), user, pk=pk)
    form = DocumentStatusForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 422, _("Choose missing, submitted or verified.")
    else:
        try:
            actions_manage.set_seeker_document_status(
                by=user, seeker=seeker, kind=kind, status=form.cleaned_data["status"]
            )
        except (ValidationError, ConflictError) as exc:
            status = _status_for(exc)
            error = " ".join(getattr(exc, "messages", [str(exc)]))
    if is_partial(request):
        context = {
            "seeker": seeker,
            "documents": seeker_document_rows(seeker),
            "error": error,
        }
        return render(request, SEEKER_DOCUMENT_TEMPLATE, context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The document status is saved."))
    return redirect(f"{reverse('labour:seeker_detail', args=[pk])}#seeker-documents")


# --- Training catalogue -----------------------------------------------------------------------


@require_safe
@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    """The training catalogue: everyone signed in reads it, officers keep it."""
    editor = actions_manage.may_edit_training(request.user)
    form = TrainingFilterForm(request.GET)
    courses = (
        form.filter(TrainingCourse.objects.all(), editor=editor)
        .select_related("regency")
        .prefetch_related("skills")
        .order_by("title", "id")
    )
    context = {
        "form": form,
        "page": page_of(request, courses),
        "query": query_without(request.GET, "page"),
        "editor": editor,
        "language": (get_language() or "en")[:2],
    }
    return render_list(request, "labour/manage/training_list.html", context)


def _course_page(request: HttpRequest, course: TrainingCourse | None) -> HttpResponse:
    user = _user(request)
    if not actions_manage.may_edit_training(user):
        raise PermissionDenied(_("Your role may not do this."))
    data = request.POST if request.method == "POST" else None
    form = TrainingCourseForm(data, instance=course)
    if data is not None and form.is_valid():
        try:
            saved = actions_manage.save_training_course(
                by=user, course=course, fields=form.cleaned_data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(f"{reverse('labour:training_list')}#course-{saved.pk}")
    context = {"form": form, "course": course}
    status = 422 if data is not None else 200
    return render(request, COURSE_TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    """Officers add a course to the catalogue."""
    return _course_page(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers correct a course of the catalogue."""
    course = TrainingCourse.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    return _course_page(request, course)


@require_POST
@login_required
def training_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a course from the catalogue, or bring it back (never deleted)."""
    course = TrainingCourse.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    active = request.POST.get("active") == "1"
    actions_manage.set_course_active(by=_user(request), course=course, active=active)
    messages.success(
        request,
        _("The course is back in the catalogue.")
        if active
        else _("The course is withdrawn from the catalogue."),
    )
    return redirect("labour:training_edit", pk=pk)
