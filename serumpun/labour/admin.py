"""Admin for labour records. Personal data (NIK, phone, address) is never listed or searched;
job orders are reviewed through the actions, not by editing their status here."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    Grievance,
    JobOrder,
    JobOrderCost,
    JobOrderSkill,
    Offer,
    Placement,
    PlacementEvent,
    Seeker,
    SeekerDocument,
    Skill,
    TrainingCourse,
)


@admin.register(EmployerProfile)
class EmployerProfileAdmin(admin.ModelAdmin[EmployerProfile]):
    list_display = ("organisation", "ssm_number", "sector", "state", "verification")
    list_filter = ("verification", "sector")
    search_fields = ("organisation__name", "ssm_number")
    raw_id_fields = ("organisation",)
    readonly_fields = ("verified_by", "verified_at")


@admin.register(AgencyProfile)
class AgencyProfileAdmin(admin.ModelAdmin[AgencyProfile]):
    list_display = ("organisation", "licence_number", "valid_until", "verification")
    list_filter = ("verification",)
    search_fields = ("organisation__name", "licence_number")
    raw_id_fields = ("organisation",)
    readonly_fields = ("verified_by", "verified_at")


class JobOrderCostInline(admin.TabularInline[JobOrderCost, JobOrder]):
    model = JobOrderCost
    extra = 0


class JobOrderSkillInline(admin.TabularInline[JobOrderSkill, JobOrder]):
    model = JobOrderSkill
    extra = 0
    raw_id_fields = ("skill",)


@admin.register(JobOrder)
class JobOrderAdmin(admin.ModelAdmin[JobOrder]):
    list_display = (
        "title",
        "employer_name",
        "sector",
        "workers_needed",
        "status",
        "compliance_status",
        "order_date",
    )
    list_filter = ("status", "compliance_status", "sector", "is_demo")
    search_fields = ("title", "employer_name", "agency_licence")
    raw_id_fields = ("organisation", "employer_profile", "agency_profile", "occupation")
    readonly_fields = (
        "status",
        "compliance",
        "compliance_status",
        "rules_version",
        "checked_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    )
    inlines: ClassVar = [JobOrderCostInline, JobOrderSkillInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ("code", "name_id", "name_en", "sector", "isco_group")
    list_filter = ("sector",)
    search_fields = ("code", "name_id", "name_en", "name_ms")


@admin.register(TrainingCourse)
class TrainingCourseAdmin(admin.ModelAdmin[TrainingCourse]):
    list_display = (
        "title",
        "provider",
        "regency",
        "duration_days",
        "is_demo",
        "active",
    )
    list_filter = ("is_demo", "active", "regency")
    search_fields = ("title", "provider", "code")
    filter_horizontal = ("skills",)


class SeekerDocumentInline(admin.TabularInline[SeekerDocument, Seeker]):
    model = SeekerDocument
    extra = 0
    fields = ("kind", "status")


@admin.register(Seeker)
class SeekerAdmin(admin.ModelAdmin[Seeker]):
    list_display = ("full_name", "nik_masked", "regency", "stage", "placed", "is_demo")
    list_filter = ("stage", "placed", "is_demo", "regency")
    search_fields = ("full_name",)
    # The encrypted fields stay out of the admin form: reading a NIK is an audited action.
    exclude = ("nik", "nik_hash", "phone", "address")
    readonly_fields = ("nik_last4", "consent_given_at", "registered_by")
    raw_id_fields = ("user", "case_officer", "office")
    inlines: ClassVar = [SeekerDocumentInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin[Offer]):
    list_display = ("seeker", "job_order", "score", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("seeker", "job_order")


class PlacementEventInline(admin.TabularInline[PlacementEvent, Placement]):
    model = PlacementEvent
    extra = 0
    readonly_fields = ("stage", "at", "by", "note")


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin[Placement]):
    list_display = ("seeker", "job_order", "stage", "stage_changed_at")
    list_filter = ("stage",)
    raw_id_fields = ("seeker", "job_order")
    inlines: ClassVar = [PlacementEventInline]


@admin.register(Grievance)
class GrievanceAdmin(admin.ModelAdmin[Grievance]):
    list_display = ("category", "status", "created_at")
    list_filter = ("category", "status")
    exclude = ("description",)
    raw_id_fields = ("filed_by", "seeker", "placement", "organisation")
