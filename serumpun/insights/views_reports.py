"""The report archive: monthly briefings by month and language, their PDFs, and "Generate now".

For the roles holding `oversight.view` (officers, the three attachés, admin); others get 403.
Generating a month runs here, in the request: both languages take a few seconds (two PDFs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from serumpun.accounts.roles import require_permission
from serumpun.insights import actions_reports
from serumpun.insights.actions_reports import LANGUAGES, PERMISSION
from serumpun.insights.models import Briefing
from serumpun.insights.rules.cube import add_months

TEMPLATES = "insights/reports"
#: the platform's first month; nothing can be reported before it
EARLIEST = dt.date(2020, 1, 1)


class GenerateForm(forms.Form):
    """Which month to write the briefing of; `replace` confirms overwriting one on file."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        validators=[MinValueValidator(EARLIEST)],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Enter a month as YYYY-MM, e.g. 2026-11.")},
    )
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        try:
            return actions_reports.check_month(month)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


def _allowed(request: HttpRequest) -> None:
    require_permission(request.user, PERMISSION)


def _archive() -> list[dict[str, Any]]:
    """Months on file, newest first, each with its briefings (one query, no HTML read)."""
    months: dict[dt.date, list[Briefing]] = {}
    for briefing in Briefing.objects.only(
        "month", "language", "generated_at", "pdf", "is_demo"
    ):
        months.setdefault(briefing.month, []).append(briefing)
    return [{"month": m, "briefings": b} for m, b in months.items()]


def _list(request: HttpRequest, form: GenerateForm, status: int = 200) -> HttpResponse:
    context = {"archive": _archive(), "form": form}
    return render(request, f"{TEMPLATES}/list.html", context, status=status)


@require_safe
@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The archive: every month on file, its languages, when written, HTML and PDF links."""
    _allowed(request)
    last_month = add_months(timezone.localdate(), -1)
    return _list(request, GenerateForm(initial={"month": last_month}))


@require_POST
@login_required
def generate_briefing(request: HttpRequest) -> HttpResponse:
    """Write a month's briefings now; asks first when that would replace ones on file."""
    _allowed(request)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    month = form.cleaned_data["month"]
    if (
        not form.cleaned_data["replace"]
        and Briefing.objects.filter(month=month).exists()
    ):
        return render(request, f"{TEMPLATES}/confirm.html", {"month": month})
    for language in LANGUAGES:
        actions_reports.generate_briefing(month, language, by=request.user)
    messages.success(request, _("The briefing has been written."))
    return redirect(reverse("insights:briefings") + f"#month-{month:%Y-%m}")


def _briefing(year: int, month: int, language: str) -> Briefing:
    if language not in LANGUAGES:
        raise Http404
    try:
        first = dt.date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc
    return get_object_or_404(Briefing, month=first, language=language)


@require_safe
@login_required
def briefing_detail(
    request: HttpRequest, year: int, month: int, language: str
) -> HttpResponse:
    """One briefing as it was written (the HTML kept in the archive)."""
    _allowed(request)
    briefing = _briefing(year, month, language)
    others = [code for code in LANGUAGES if code != language]
    context = {"briefing": briefing, "others": others}
    return render(request, f"{TEMPLATES}/detail.html", context)


@require_safe
@login_required
def briefing_pdf(
    request: HttpRequest, year: int, month: int, language: str
) -> FileResponse:
    """The briefing's PDF, as a download named by month and language."""
    _allowed(request)
    briefing = _briefing(year, month, language)
    if not briefing.pdf:
        raise Http404
    try:
        handle = briefing.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=actions_reports.file_name(briefing.month, language),
        content_type="application/pdf",
    )
