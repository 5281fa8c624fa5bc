"""Job-seeker pages: registration (by the seeker or an officer), the seeker's own profile and
matches, and the officers' list and audited profile view with NIK unmasking.

Personal data: the NIK is masked everywhere except after the audited unmask POST; every
officer or attaché read of a profile writes an audit row (SEC-02, SEC-05); profile pages are
never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
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
from serumpun.core.models import Occupation
from serumpun.labour import actions, queries
from serumpun.labour.forms import (
    SEEKER_ERROR_FIELDS,
    CertificateFormSet,
    ExperienceFormSet,
    SeekerFilterForm,
    SeekerForm,
    add_action_errors,
    filled_rows,
    occupation_label,
)
from serumpun.labour.models import Sector, Seeker
from serumpun.labour.reference import document_checklist
from serumpun.labour.views import is_partial, page_of, query_without, render_list

DETAIL_TEMPLATE = "labour/seeker_detail.html"
MATCH_LIMIT = 50
PROFILE_FIELDS = actions.SEEKER_PROFILE_FIELDS
CONTACT_FIELDS = ("phone", "address")
SECTORS = dict(Sector.choices)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _own_profile(user: User) -> Seeker | None:
    return Seeker.objects.filter(user=user).select_related("regency").first()


# --- Registration -----------------------------------------------------------------------------


def _register(
    request: HttpRequest, form: SeekerForm, certificates: Any, experience: Any
) -> Seeker | None:
    """Run the action; its errors go back onto the form (None when it refused)."""
    fields = form.action_fields(filled_rows(certificates), filled_rows(experience))
    try:
        return actions.register_seeker(by=_user(request), fields=fields)
    except ValidationError as exc:
        add_action_errors(form, exc, SEEKER_ERROR_FIELDS)
    except ConflictError as exc:
        form.add_error(None, str(exc))
    return None


@require_http_methods(["GET", "POST"])
@login_required
def seeker_register(request: HttpRequest) -> HttpResponse:
    """A seeker registers themself (one profile), or an officer registers someone at the
    district one-stop office; consent is explicit either way."""
    user = _user(request)
    officer = has_permission(user, "seeker.manage_any")
    if not officer:
        require(user, "seeker.manage_own")
        if Seeker.objects.filter(user=user).exists():
            return redirect("labour:seeker_me")
    data = request.POST if request.method == "POST" else None
    form = SeekerForm(data, for_officer=officer)
    certificates = CertificateFormSet(data, prefix="certificates")
    experience = ExperienceFormSet(data, prefix="experience")
    forms_valid = [f.is_valid() for f in (form, certificates, experience)]
    if data is not None and all(forms_valid):
        seeker = _register(request, form, certificates, experience)
        if seeker is not None:
            messages.success(request, _("The job-seeker profile is registered."))
            if officer:
                return redirect("labour:seeker_detail", pk=seeker.pk)
            return redirect("labour:seeker_me")
    context = {
        "form": form,
        "certificates": certificates,
        "experience": experience,
        "officer": officer,
    }
    return render(request, "labour/seeker_form.html", context)


# --- Profiles ---------------------------------------------------------------------------------


def _documents(seeker: Seeker) -> list[dict[str, Any]]:
    """The UU 18/2017 Art. 13 checklist with this seeker's status per document."""
    language = (get_language() or "en")[:2]
    rows = {d.kind: d for d in seeker.documents.all()}
    checklist = []
    for doc in document_checklist():
        row = rows.get(doc["kind"])
        checklist.append(
            {
                "kind": doc["kind"],
                "stage": doc["stage"],
                "title": doc["title"].get(language) or doc["title"]["en"],
                "status": row.status if row else "missing",
                "status_label": row.get_status_display() if row else _("missing"),
            }
        )
    return checklist


def _profile_context(seeker: Seeker, *, contact: bool) -> dict[str, Any]:
    """Everything a profile page shows, in a fixed number of queries."""
    language = (get_language() or "en")[:2]
    experience = list(seeker.experience.all())
    titles = {
        o.isco_code: occupation_label(o, language)
        for o in Occupation.objects.filter(
            isco_code__in=[e.isco_code for e in experience]
        )
    }
    return {
        "seeker": seeker,
        "contact": contact,
        "skills": [
            s.skill.name(language) for s in seeker.skills.select_related("skill")
        ],
        "certificates": list(seeker.certificates.all()),
        "experience": [
            {"title": titles.get(e.isco_code, e.isco_code), "years": e.years}
            for e in experience
        ],
        "documents": _documents(seeker),
        "sectors": [str(SECTORS.get(code, code)) for code in seeker.preferred_sectors],
    }


@never_cache
@require_safe
@login_required
def seeker_me(request: HttpRequest) -> HttpResponse:
    """The seeker's own profile: stage, details and the document checklist."""
    user = _user(request)
    require(user, "seeker.manage_own")
    seeker = _own_profile(user)
    if seeker is None:
        return redirect("labour:seeker_register")
    context = {**_profile_context(seeker, contact=True), "own": True}
    return render(request, "labour/seeker_me.html", context)


def _staff_profile(
    request: HttpRequest, seeker: Seeker, *, full_nik: str = ""
) -> dict[str, Any]:
    """A staff reader's view of a profile; the read is audited (SEC-05)."""
    user = _user(request)
    contact = has_permission(user, "seeker.manage_any")
    shown = [*PROFILE_FIELDS, *(CONTACT_FIELDS if contact else ())]
    actions.record_seeker_read(by=user, seeker=seeker, fields=shown)
    return {
        **_profile_context(seeker, contact=contact),
        # Officers keep the document checklist (manage/_seeker_documents.html).
        "can_set_documents": contact,
        "can_unmask": actions.may_unmask_nik(user, seeker),
        "full_nik": full_nik,
    }


def _seeker(request: HttpRequest, pk: int) -> Seeker:
    queryset = Seeker.objects.select_related("regency", "registered_by")
    return get_visible_or_404(queryset, request.user, pk=pk)


@never_cache
@require_safe
@login_required
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A seeker's profile for officers and the attaché: NIK masked, every read audited."""
    seeker = _seeker(request, pk)
    if seeker.user_id == request.user.pk:
        return redirect("labour:seeker_me")
    return render(request, DETAIL_TEMPLATE, _staff_profile(request, seeker))


@never_cache
@require_POST
@login_required
def seeker_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full NIK once to a permitted reader; the unmasking is audited."""
    seeker = _seeker(request, pk)
    nik = actions.unmask_nik(
        by=_user(request), seeker=seeker, purpose="labour.seeker.unmask_page"
    )
    if is_partial(request):
        context = {"seeker": seeker, "full_nik": nik, "can_unmask": True}
        return render(request, f"{DETAIL_TEMPLATE}#nik", context)
    return render(
        request, DETAIL_TEMPLATE, _staff_profile(request, seeker, full_nik=nik)
    )


@require_safe
@login_required
def seeker_list(request: HttpRequest) -> HttpResponse:
    """Officers' list of seekers, filtered by regency, stage and sector; masked NIK only."""
    require(request.user, "seeker.manage_any")
    form = SeekerFilterForm(request.GET)
    seekers = (
        form.filter(Seeker.objects.visible_to(request.user))
        .select_related("regency")
        .defer("nik", "phone", "address")  # never decrypted for a list
        .order_by("-created_at", "-id")
    )
    context = {
        "form": form,
        "page": page_of(request, seekers),
        "query": query_without(request.GET, "page"),
    }
    return render_list(request, "labour/seeker_list.html", context)


@require_safe
@login_required
def seeker_matches(request: HttpRequest) -> HttpResponse:
    """The seeker's endorsed, legal job orders that fit, with what is missing and training."""
    user = _user(request)
    require(user, "vacancy.view_matched")
    seeker = _own_profile(user)
    if seeker is None:
        return redirect("labour:seeker_register")
    matches = queries.matches_for(seeker, limit=MATCH_LIMIT)
    return render(
        request, "labour/seeker_matches.html", {"seeker": seeker, "matches": matches}
    )
