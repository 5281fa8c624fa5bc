"""The progress bar of a background job: a page, or the partial that htmx polls."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from serumpun.core.access import get_visible_or_404
from serumpun.core.models import TaskProgress


@require_safe
@login_required
def task_progress(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Show one job's progress; an htmx poll gets only the partial, which polls itself."""
    progress: TaskProgress = get_visible_or_404(
        TaskProgress.objects.all(), request.user, pk=pk
    )
    template = (
        "partials/progress.html"
        if getattr(request, "htmx", False)
        else "progress/detail.html"
    )
    return render(request, template, {"progress": progress})
