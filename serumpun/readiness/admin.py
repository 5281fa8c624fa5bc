"""Admin for readiness records: read-only views of assessments (they are results of the
scoring, written by readiness.actions) and plain editing of cohorts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin

from serumpun.readiness.models import (
    ActionStep,
    Answer,
    Assessment,
    Cohort,
    CohortSession,
    Gap,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Results of the scoring: change them by re-assessing, never by hand."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class GapInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Gap
    extra = 0
    can_delete = False
    readonly_fields = ("key", "dimension", "severity", "requirement_id", "is_latest")


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ActionStep
    extra = 0
    can_delete = False
    readonly_fields = ("order", "gap_key", "agency", "status", "owner", "due_date")
    fields = readonly_fields


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = (
        "product",
        "market",
        "score",
        "level",
        "trigger",
        "is_latest",
        "created_at",
    )
    list_filter = ("level", "is_latest", "trigger", "market")
    search_fields = ("product__name_id", "msme__name", "msme__nib")
    list_select_related = ("product",)
    raw_id_fields = ("product", "msme", "previous", "created_by")
    inlines: ClassVar[list[Any]] = [GapInline, StepInline]


@admin.register(Answer)
class AnswerAdmin(ReadOnly):
    list_display = ("product", "question", "value", "confirmed_at")
    search_fields = ("product__name_id", "question")
    raw_id_fields = ("product", "certificate", "confirmed_by")


class SessionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CohortSession
    extra = 0
    filter_horizontal = ("attendees",)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "tier", "starts_on", "organisation")
    list_filter = ("tier",)
    search_fields = ("name",)
    filter_horizontal = ("members",)
    inlines: ClassVar[list[Any]] = [SessionInline]
