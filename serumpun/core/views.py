"""Home page, health probes and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from serumpun.core.home import home_counts, jobs_for


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no database, so it stays cheap."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every migration is applied."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable"}, status=503
        )
    if pending:
        return JsonResponse(
            {
                "status": "unavailable",
                "database": "ok",
                "pending_migrations": len(pending),
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page: the role's jobs and real counts of what exists."""
    context = {"counts": home_counts(request.user), "jobs": jobs_for(request.user)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "core/home.html#figures", context)
    return render(request, "core/home.html", context)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """403 page in the site layout."""
    return defaults.permission_denied(request, exception, "errors/403.html")


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """404 page in the site layout (also for another organisation's record).

    Under /api/ the answer is a problem+json document, like every other API error.
    """
    if request.path.startswith("/api/"):
        from config.api import problem_response

        return problem_response(
            status=404, title="Not found", detail="No such resource."
        )
    return defaults.page_not_found(request, exception, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page: a standalone template rendered without the request, user or database."""
    return defaults.server_error(request, "errors/500.html")
