"""Readiness pages: the owner's products and plans, the self-assessment, evidence, the printable
report, the officer's province picture and coaching cohorts. Every change goes through
`serumpun.readiness.actions`; every record is looked up with `visible_to`."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
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
from serumpun.exporters.models import MSME, Certificate, Product
from serumpun.readiness import actions, charts
from serumpun.readiness.api import assessment_payload
from serumpun.readiness.config import (
    assessment_config,
    document_title,
    question_title,
)
from serumpun.readiness.forms import (
    AnswersForm,
    CohortForm,
    EvidenceForm,
    MembersForm,
    SessionForm,
    StepForm,
)
from serumpun.readiness.models import (
    ActionStep,
    Answer,
    Assessment,
    Cohort,
    Gap,
    Level,
    StepStatus,
)

HISTORY_POINTS = 24
OVERDUE_SHOWN = 50
TOP_GAPS = 10
REPORT_LANGUAGES = ("id", "en")
TIER_LEVEL = {
    "beginner": Level.BEGINNER,
    "intermediate": Level.INTERMEDIATE,
    "advanced": Level.READY,
}


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _language() -> str:
    return (get_language() or "id")[:2]


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Owner: products and plans ----------------------------------------------------------------


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The owner's products with their readiness; staff go to the province picture."""
    user = _user(request)
    if has_permission(user, "msme.view_all") and not has_permission(
        user, "msme.manage_own"
    ):
        return redirect("readiness:overview")
    products = (
        Product.objects.visible_to(user)
        .select_related("msme", "hs_code")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(is_latest=True),
                to_attr="latest",
            )
        )
        .order_by("msme__name", "name_id")[:200]
    )
    return render(request, "readiness/home.html", {"products": products})


def _product(request: HttpRequest, pk: int) -> Product:
    return get_visible_or_404(
        Product.objects.select_related("msme", "hs_code"), request.user, pk=pk
    )


@require_safe
@login_required
def product(request: HttpRequest, pk: int) -> HttpResponse:
    """One product's readiness: level, gates, dimensions with evidence, plan, history chart."""
    item = _product(request, pk)
    user = _user(request)
    latest = (
        Assessment.objects.filter(product=item, is_latest=True)
        .prefetch_related("gap_rows", "steps")
        .first()
    )
    history = list(
        Assessment.objects.filter(product=item)
        .order_by("-created_at", "-id")
        .values_list("created_at", "score", "level")[:HISTORY_POINTS]
    )[::-1]
    config = assessment_config()
    chart = charts.score_line(
        [
            (timezone.localtime(at).strftime("%d-%m-%Y"), float(score))
            for at, score, _level in history
        ],
        (config.intermediate_from, config.ready_from),
    )
    answers = list(
        Answer.objects.filter(product=item, market="MY").select_related("certificate")
    )
    language = _language()
    payload = assessment_payload(latest, language) if latest else None
    if payload is not None:
        asked = {e["question"] for d in payload["dimensions"] for e in d["evidence"]}
        answers = [a for a in answers if a.question in asked]
    context = {
        "product": item,
        "msme": item.msme,
        "assessment": latest,
        "payload": payload,
        "history": history,
        "chart": chart,
        "answers": [
            {"answer": a, "title": question_title(a.question, language)}
            for a in answers
        ],
        "evidence_form": EvidenceForm(),
        # Only certificates that count may be offered as evidence (expired or rejected: absent).
        "certificates": Certificate.objects.filter(msme=item.msme).valid_on(
            timezone.localdate()
        ),
        "can_assess": has_permission(user, "readiness.assess"),
        "can_confirm": has_permission(user, "msme.verify"),
        "step_statuses": StepStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "readiness/product.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def answer_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment: one 0–4 answer per question that applies; saving re-assesses."""
    item = _product(request, pk)
    user = _user(request)
    if not has_permission(user, "readiness.assess"):
        raise PermissionDenied
    _rows, batch, _answers = actions.score_products(
        [item.pk], market="MY", as_of=timezone.localdate()
    )
    questions = [
        q
        for q, applies in zip(
            batch.questions, batch.applicable[0].tolist(), strict=True
        )
        if applies
    ]
    current = dict(
        Answer.objects.filter(product=item, market="MY").values_list(
            "question", "value"
        )
    )
    form = AnswersForm(
        request.POST or None,
        questions=questions,
        language=_language(),
        initial_values=current,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.assess_product(by=user, product=item, answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request, _("Assessment saved. Your action plan is up to date.")
            )
            return redirect("readiness:product", pk=item.pk)
    groups = []
    for dimension in assessment_config().dimensions:
        fields = [form[q.key] for q in questions if q.dimension == dimension.key]
        if fields:
            groups.append(
                {"title": question_title(dimension.key, _language()), "fields": fields}
            )
    return render(
        request,
        "readiness/answers.html",
        {"product": item, "form": form, "groups": groups},
    )


@require_POST
@login_required
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document or a certificate to one answer (an officer then confirms it)."""
    answer = get_visible_or_404(
        Answer.objects.select_related("product__msme"), request.user, pk=pk
    )
    form = EvidenceForm(
        request.POST,
        request.FILES,
        certificates=Certificate.objects.filter(msme=answer.product.msme).valid_on(
            timezone.localdate()
        ),
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("__all__", []))
            or _("Check the evidence."),
        )
    else:
        try:
            actions.record_answer(
                by=_user(request),
                product=answer.product,
                question=answer.question,
                value=answer.value,
                note=answer.note,
                evidence=form.cleaned_data.get("document"),
                certificate=form.cleaned_data.get("certificate") or answer.certificate,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Evidence saved. An officer will confirm it."))
    return redirect("readiness:product", pk=answer.product_id)


@require_POST
@login_required
def confirm_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer confirms an evidenced answer; the product is re-assessed so it counts."""
    answer = get_visible_or_404(
        Answer.objects.select_related("product__msme"), request.user, pk=pk
    )
    user = _user(request)
    try:
        actions.confirm_answer(by=user, answer=answer)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Answer confirmed."))
    return redirect("readiness:product", pk=answer.product_id)


@require_POST
@login_required
def update_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress on a plan step (htmx: the step's row); done re-assesses and reloads the plan."""
    step = get_visible_or_404(
        ActionStep.objects.select_related("assessment__product__msme"),
        request.user,
        pk=pk,
    )
    form = StepForm(request.POST)
    htmx = bool(getattr(request, "htmx", False))
    product_url = reverse("readiness:product", args=[step.assessment.product_id])
    error = ""
    if form.is_valid():
        try:
            actions.update_step(by=_user(request), step=step, changes=form.cleaned_data)
        except (ValidationError, ConflictError) as exc:
            error = exc.message if isinstance(exc, ConflictError) else _error_text(exc)
        else:
            if step.status == StepStatus.DONE or not htmx:
                response = HttpResponse(status=204) if htmx else redirect(product_url)
                if htmx:
                    response["HX-Redirect"] = product_url
                return response
    else:
        error = _("Check the step's fields.")
    if not htmx:
        messages.error(request, error)
        return redirect(product_url)
    step.refresh_from_db()
    return render(
        request,
        "readiness/_step.html",
        {
            "step": {
                "order": step.order,
                "step_id": step.pk,
                "title": question_title(step.gap_key, _language()),
                "agency": step.agency,
                "documents": [document_title(d, _language()) for d in step.documents],
                "est_days": step.est_days,
                "est_cost_idr": step.est_cost_idr,
                "confidence": step.confidence,
                "depends_on": step.depends_on,
                "status": step.status,
                "owner": step.owner,
                "due_date": step.due_date,
            },
            "step_statuses": StepStatus.choices,
            "can_assess": True,
            "saved": not error,
            "error": error,
            "today": timezone.localdate(),
        },
    )


# --- The printable report ---------------------------------------------------------------------


def _report_context(request: HttpRequest, pk: int) -> tuple[Assessment, dict[str, Any]]:
    assessment = get_visible_or_404(
        Assessment.objects.select_related(
            "product__hs_code", "msme__regency"
        ).prefetch_related("gap_rows", "steps"),
        request.user,
        pk=pk,
    )
    language = request.GET.get("lang", "")
    if language not in REPORT_LANGUAGES:
        language = _language() if _language() in REPORT_LANGUAGES else "id"
    with translation.override(language):
        payload = assessment_payload(assessment, language)
    return assessment, {
        "assessment": assessment,
        "payload": payload,
        "product": assessment.product,
        "msme": assessment.msme,
        "language": language,
        "languages": REPORT_LANGUAGES,
        "generated": timezone.localtime(),
    }


@require_safe
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment as a printable page (Indonesian or English: ?lang=)."""
    _assessment, context = _report_context(request, pk)
    with translation.override(context["language"]):
        return render(request, "readiness/report.html", context)


@require_safe
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same report as a PDF (weasyprint)."""
    from weasyprint import CSS, HTML

    assessment, context = _report_context(request, pk)
    context["pdf"] = True
    with translation.override(context["language"]):
        html = render_to_string("readiness/report.html", context, request=request)
    stylesheet = finders.find("css/readiness-report.css")
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))] if stylesheet else None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="readiness-{assessment.pk}-{context["language"]}.pdf"'
    )
    return response


# --- Officers: the province picture -----------------------------------------------------------


def _require_province(user: User) -> None:
    if not (
        has_permission(user, "stats.view_province")
        or has_permission(user, "msme.view_all")
    ):
        raise PermissionDenied


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Where the province's MSMEs are stuck: levels, gaps per dimension and regency, overdue steps."""
    user = _user(request)
    _require_province(user)
    language = _language()
    latest = Assessment.objects.visible_to(user).current()
    levels = dict(latest.values_list("level").annotate(n=Count("id")).order_by())
    total = sum(levels.values())
    msmes = latest.values("msme_id").distinct().count()
    gaps = Gap.objects.visible_to(user).filter(is_latest=True)
    by_dimension = dict(
        gaps.values_list("dimension")
        .annotate(n=Count("assessment", distinct=True))
        .order_by()
    )
    dimensions = [d.key for d in assessment_config().dimensions]
    bars = charts.share_bars(
        [
            (question_title(key, language), by_dimension.get(key, 0))
            for key in dimensions
        ],
        total,
    )
    per_regency = dict(
        latest.values_list("msme__regency__name").annotate(n=Count("id")).order_by()
    )
    cells: dict[tuple[str, str], int] = {
        (regency, dimension): n
        for regency, dimension, n in gaps.values_list(
            "assessment__msme__regency__name", "dimension"
        )
        .annotate(n=Count("assessment", distinct=True))
        .order_by()
    }
    regency_rows = [
        {
            "name": name,
            "total": count,
            "shares": [
                cells.get((name, d), 0) / count if count else 0 for d in dimensions
            ],
        }
        for name, count in sorted(per_regency.items(), key=lambda item: str(item[0]))
    ]
    top = [
        {
            "key": key,
            "title": question_title(key, language),
            "msmes": n,
            "share": n / msmes if msmes else 0,
        }
        for key, n in gaps.values_list("key")
        .annotate(n=Count("assessment__msme", distinct=True))
        .order_by("-n", "key")[:TOP_GAPS]
    ]
    overdue = (
        ActionStep.objects.visible_to(user)
        .overdue(timezone.localdate())
        .select_related("assessment__product", "assessment__msme")
        .order_by("due_date", "id")[:OVERDUE_SHOWN]
    )
    context = {
        "levels": [
            (level, label, levels.get(level, 0)) for level, label in Level.choices
        ],
        "total": total,
        "msmes": msmes,
        "bars": bars,
        "dimension_titles": [question_title(key, language) for key in dimensions],
        "regency_rows": regency_rows,
        "top_gaps": top,
        "overdue": [
            {"step": step, "title": question_title(step.gap_key, language)}
            for step in overdue
        ],
        "chart_width": charts.WIDTH,
        "chart_height": max(len(bars), 1) * charts.ROW_HEIGHT,
    }
    return render(request, "readiness/overview.html", context)


# --- Officers: cohorts ------------------------------------------------------------------------


def _require_coach(user: User) -> None:
    if not has_permission(user, "cohort.coach"):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    """The office's coaching cohorts, and a form to open one."""
    user = _user(request)
    _require_coach(user)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.create_cohort(by=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return redirect("readiness:cohort", pk=cohort.pk)
    rows = (
        Cohort.objects.visible_to(user)
        .annotate(
            member_count=Count("members", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("-starts_on", "name")
    )
    return render(request, "readiness/cohorts.html", {"cohorts": rows, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    """A cohort: members with their level, sessions with attendance, members to suggest."""
    user = _user(request)
    _require_coach(user)
    item = get_visible_or_404(Cohort.objects.all(), user, pk=pk)
    members = list(item.members.select_related("regency").order_by("name"))
    level = TIER_LEVEL[item.tier]
    suggested = list(
        MSME.objects.visible_to(user)
        .filter(assessments__is_latest=True, assessments__level=level)
        .exclude(pk__in=[m.pk for m in members])
        .distinct()
        .order_by("name")[:100]
    )
    session_form = SessionForm(members=members, prefix="session")
    members_form = MembersForm(
        candidates=members + suggested,
        prefix="members",
        initial={"members": [m.pk for m in members]},
    )
    if request.method == "POST":
        try:
            if "session-topic" in request.POST:
                session_form = SessionForm(
                    request.POST, members=members, prefix="session"
                )
                if session_form.is_valid():
                    actions.record_session(
                        by=user,
                        cohort=item,
                        held_on=session_form.cleaned_data["held_on"],
                        topic=session_form.cleaned_data["topic"],
                        attendee_ids=session_form.cleaned_data["attendees"],
                    )
                    messages.success(request, _("Session recorded."))
                    return redirect("readiness:cohort", pk=item.pk)
            else:
                members_form = MembersForm(
                    request.POST, candidates=members + suggested, prefix="members"
                )
                if members_form.is_valid():
                    actions.set_members(
                        by=user,
                        cohort=item,
                        msme_ids=members_form.cleaned_data["members"],
                    )
                    messages.success(request, _("Members saved."))
                    return redirect("readiness:cohort", pk=item.pk)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    # An MSME's level in a cohort is its best product's.
    rank = {level: i for i, level in enumerate(Level.values)}
    levels: dict[int, str] = {}
    for msme_id, level in Assessment.objects.filter(
        msme__in=members, is_latest=True
    ).values_list("msme_id", "level"):
        if rank[level] > rank.get(levels.get(msme_id, ""), -1):
            levels[msme_id] = level
    sessions = item.sessions.annotate(present=Count("attendees")).order_by("held_on")
    return render(
        request,
        "readiness/cohort.html",
        {
            "cohort": item,
            "members": [(m, levels.get(m.pk)) for m in members],
            "sessions": sessions,
            "session_form": session_form,
            "members_form": members_form,
        },
    )
