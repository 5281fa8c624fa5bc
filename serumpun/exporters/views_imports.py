"""Registry import pages: upload a list, map its columns, read the dry run, commit it.

Officers only (`registry.import`); another office's import answers 404. While a large file is
checked or written in the background, the detail page polls itself and shows the progress bar.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import require_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.models import TaskProgress
from serumpun.exporters import importing
from serumpun.exporters.actions import ConflictError
from serumpun.exporters.forms_imports import (
    ImportCommitForm,
    ImportMappingForm,
    ImportUploadForm,
)
from serumpun.exporters.images import UploadTooLarge
from serumpun.exporters.models import ImportBatch

RECENT_IMPORTS = 20
REQUEST_ENTITY_TOO_LARGE = 413
TEMPLATE_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _batch(request: HttpRequest, pk: UUID) -> ImportBatch:
    require_permission(request.user, "registry.import")
    queryset = ImportBatch.objects.select_related("progress", "created_by")
    return get_visible_or_404(queryset, request.user, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload form, template downloads and this office's recent imports."""
    require_permission(request.user, "registry.import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            batch = importing.start_import(
                by=_user(request), upload=form.cleaned_data["file"]
            )
            importing.preview_import(by=_user(request), batch=batch)
        except UploadTooLarge:
            form.add_error("file", _("The file is too large."))
            status = REQUEST_ENTITY_TOO_LARGE
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            return redirect("exporters:import_detail", pk=batch.pk)
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by")
    context = {"form": form, "batches": batches[:RECENT_IMPORTS]}
    return render(request, "exporters/imports/start.html", context, status=status)


def _detail_context(batch: ImportBatch, **forms: Any) -> dict[str, Any]:
    running = batch.progress is not None and batch.progress.status in {
        TaskProgress.Status.PENDING,
        TaskProgress.Status.RUNNING,
    }
    errors = [{**e, "message": importing.describe_error(e)} for e in batch.errors]
    return {
        "batch": batch,
        "running": running,
        "errors": errors,
        "errors_hidden": max(batch.error_rows - len({e["row"] for e in errors}), 0),
        "can_commit": batch.status == ImportBatch.Status.PREVIEWED
        and not batch.errors
        and batch.total_rows > 0,
        **forms,
    }


@require_safe
@login_required
def import_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Mapping form, the dry-run findings and the commit button; the counts after commit."""
    batch = _batch(request, pk)
    context = _detail_context(batch, commit_form=ImportCommitForm())
    closed = {ImportBatch.Status.COMMITTING, ImportBatch.Status.COMMITTED}
    if not context["running"] and batch.status not in closed:
        headers = importing.batch_headers(batch)
        context["mapping_form"] = ImportMappingForm(
            initial=batch.mapping, headers=headers
        )
    template = "exporters/imports/detail.html"
    if getattr(request, "htmx", False):
        template += "#body"
    return render(request, template, context)


@require_POST
@login_required
def import_map(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Check the file again with the columns the officer chose."""
    batch = _batch(request, pk)
    form = ImportMappingForm(request.POST, headers=importing.batch_headers(batch))
    if form.is_valid():
        try:
            importing.preview_import(
                by=_user(request), batch=batch, mapping=form.mapping()
            )
        except (ConflictError, ValidationError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("exporters:import_detail", pk=batch.pk)
    context = _detail_context(batch, mapping_form=form, commit_form=ImportCommitForm())
    return render(request, "exporters/imports/detail.html", context, status=400)


@require_POST
@login_required
def import_commit(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Write the checked import into the registry (after the confirmation box)."""
    batch = _batch(request, pk)
    form = ImportCommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm the import."))
    else:
        try:
            batch = importing.commit_import(by=_user(request), batch=batch)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            if batch.status == ImportBatch.Status.FAILED:
                messages.error(
                    request, _("Nothing was imported: see the errors below.")
                )
    return redirect("exporters:import_detail", pk=batch.pk)


@require_safe
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template with our headers and one example row (?format=csv|xlsx)."""
    require_permission(request.user, "registry.import")
    kind = request.GET.get("format", "xlsx")
    content_type, suffix = TEMPLATE_TYPES.get(kind, TEMPLATE_TYPES["xlsx"])
    body = importing.template_csv() if suffix == "csv" else importing.template_xlsx()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="umkm-template.{suffix}"'
    return response
