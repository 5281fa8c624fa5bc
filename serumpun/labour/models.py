"""Labour: employers and agencies, job orders and their compliance, job seekers, offers,
placements and grievances.

Indonesian terms: P3MI (Perusahaan Penempatan Pekerja Migran Indonesia) is a licensed
recruitment agency holding a SIP3MI licence; SIP2MI is the recruitment permit (quota) for one
job order; NIK (Nomor Induk Kependudukan) is the 16-digit national identity number; LTSA is the
district one-stop office for migrant workers. JTKSM s.60K approval is the Malaysian Labour
Department's prior approval to employ foreign workers (Employment Act 1955 s.60K).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import Role, has_permission
from serumpun.core.access import VisibleQuerySet
from serumpun.core.crypto import EncryptedTextField, mask

PRIVATE_UPLOADS = "private/labour"  # under MEDIA_ROOT, outside the web root

#: SSM registration number: the 12-digit form since 2019 (YYYY + entity type TT + serial)
#: or the older "123456-X" form
SSM_NUMBER = RegexValidator(
    r"^(\d{4}(0[1-6])\d{6}|\d{1,7}-[A-Z])$",
    _("Enter a 12-digit SSM number (YYYYTTNNNNNN) or the older 123456-X form."),
)
NIK_MASK_VISIBLE = 4
NIK_LENGTH = 16


class Sector(models.TextChoices):
    """The sectors of API.md (Malaysia's foreign-worker sectors plus domestic work)."""

    MANUFACTURING = "manufacturing", _("manufacturing")
    CONSTRUCTION = "construction", _("construction")
    PLANTATION = "plantation", _("plantation")
    AGRICULTURE = "agriculture", _("agriculture")
    SERVICES = "services", _("services")
    MINING = "mining", _("mining and quarrying")
    DOMESTIC = "domestic", _("domestic work")


class Verification(models.TextChoices):
    """Where an employer's or agency's verification stands."""

    PENDING = "pending", _("pending")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


def _sees_all_labour(user: Any) -> bool:
    """The labour attaché and provincial officers oversee every job order and seeker."""
    return bool(user.roles & {Role.LABOUR_ATTACHE, Role.OFFICER})


class LabourStaffVisible(VisibleQuerySet):
    """Labour records the labour attaché and provincial officers see in full."""

    def role_grants(self, user: Any) -> Q | None:
        return Q(pk__isnull=False) if _sees_all_labour(user) else None


# --- Employers and agencies -------------------------------------------------------------------


class ProfileQuerySet(LabourStaffVisible):
    """Employer and agency profiles: their own organisation, the attaché and officers."""

    owner_field = "organisation"


class EmployerProfile(models.Model):
    """A Malaysian employer (organisation of kind employer) and its approvals."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="employer_profile",
        limit_choices_to={"kind": "employer"},
    )
    ssm_number = models.CharField(
        _("SSM registration number"),
        max_length=12,
        unique=True,
        validators=[SSM_NUMBER],
    )
    sector = models.CharField(_("sector"), max_length=14, choices=Sector.choices)
    state = models.ForeignKey(
        "core.Subdivision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state"),
    )
    approval_reference = models.CharField(
        _("JTKSM s.60K approval reference"), max_length=60, blank=True
    )
    approval_date = models.DateField(
        _("JTKSM s.60K approval date"), null=True, blank=True
    )
    verification = models.CharField(
        _("verification"),
        max_length=8,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["verification", "sector"]),
            models.Index(fields=["state"]),
        ]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return str(self.organisation)


class AgencyProfile(models.Model):
    """An Indonesian recruitment agency (P3MI) and its SIP3MI licence."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="agency_profile",
        limit_choices_to={"kind": "agency"},
    )
    licence_number = models.CharField(
        _("SIP3MI licence number"), max_length=60, unique=True
    )
    valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=8,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["verification", "valid_until"]),
        ]
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.licence_number})"


# --- Skills and training ----------------------------------------------------------------------


class Skill(models.Model):
    """A skill of the six sectors' occupations, with Indonesian, English and Malay names."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ms = models.CharField(_("name (Malay)"), max_length=200)
    sector = models.CharField(
        _("sector"), max_length=14, choices=Sector.choices, blank=True, db_index=True
    )
    isco_group = models.CharField(
        _("ISCO-08 group"), max_length=4, blank=True, db_index=True
    )
    confidence = models.CharField(max_length=6, default="medium")

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        """The skill's name in `language` (Indonesian, English or Malay; English fallback)."""
        return getattr(self, f"name_{language}", "") or self.name_en


class TrainingCourse(models.Model):
    """A course that grants skills (and possibly a BNSP certificate scheme)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    regency = models.ForeignKey(
        "core.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regency or city"),
    )
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"))
    cost_idr = models.DecimalField(
        _("cost (IDR)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    skills = models.ManyToManyField(Skill, related_name="courses", blank=True)
    certificate_scheme = models.CharField(
        _("certificate scheme granted"), max_length=60, blank=True, db_index=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(max_length=6, default="low")
    is_demo = models.BooleanField(_("demo record"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.title


# --- Job orders -------------------------------------------------------------------------------


class JobOrderQuerySet(VisibleQuerySet):
    """Job orders: the submitting organisation, the named employer and agency, the attaché
    and officers."""

    owner_field = "organisation"

    def role_grants(self, user: Any) -> Q | None:
        if _sees_all_labour(user):
            return Q(pk__isnull=False)
        ids = user.organisation_ids
        grants = Q(employer_profile__organisation__in=ids) | Q(
            agency_profile__organisation__in=ids
        )
        if has_permission(user, "vacancy.view_matched"):
            # Only endorsed, compliant orders are visible to job seekers (issue 7 §4).
            grants |= Q(status=JobOrder.Status.ENDORSED) & ~Q(
                compliance_status=JobOrder.Compliance.FAIL
            )
        return grants

    def endorsed(self) -> JobOrderQuerySet:
        """Orders the labour attaché endorsed (the only ones job seekers see)."""
        return self.filter(status=JobOrder.Status.ENDORSED)

    def open_for_seekers(self) -> JobOrderQuerySet:
        """Endorsed orders whose compliance verdict does not fail."""
        return self.endorsed().exclude(compliance_status=JobOrder.Compliance.FAIL)


class JobOrder(models.Model):
    """A Malaysian demand letter: the terms offered, checked against both countries' rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        CHECKED = "checked", _("checked")
        ENDORSED = "endorsed", _("endorsed")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for changes")
        CLOSED = "closed", _("closed")

    class Compliance(models.TextChoices):
        UNCHECKED = "", _("not checked")
        PASS = "pass", _("pass")
        WARN = "warn", _("warnings")
        FAIL = "fail", _("fail")

    class Gender(models.TextChoices):
        ANY = "any", _("any")
        FEMALE = "female", _("female")
        MALE = "male", _("male")

    class HeldBy(models.TextChoices):
        WORKER = "worker", _("worker")
        EMPLOYER = "employer", _("employer")

    class Channel(models.TextChoices):
        P3MI = "p3mi", _("through a P3MI agency")
        OCS = "ocs", _("One Channel System")
        G2G = "g2g", _("government to government")
        INDIVIDUAL = "individual", _("individual")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="job_orders",
        help_text=_("The employer or agency that submitted the order."),
    )
    employer_profile = models.ForeignKey(
        EmployerProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_orders",
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_state = models.CharField(_("employer's state"), max_length=60, blank=True)
    agency_profile = models.ForeignKey(
        AgencyProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_orders",
    )
    agency_licence = models.CharField(_("agency licence"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sector"), max_length=14, choices=Sector.choices)
    occupation = models.ForeignKey(
        "core.Occupation",
        on_delete=models.PROTECT,
        related_name="job_orders",
        verbose_name=_("occupation (ISCO-08)"),
    )
    workers_needed = models.PositiveIntegerField(
        _("workers needed"), validators=[MinValueValidator(1)]
    )
    basic_wage_myr = models.DecimalField(
        _("basic wage (MYR a month)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    weekly_hours = models.DecimalField(
        _("hours a week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    overtime_terms = models.CharField(_("overtime terms"), max_length=300, blank=True)
    overtime_rate = models.DecimalField(
        _("overtime rate (× hourly wage)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    rest_day = models.CharField(_("rest day"), max_length=60, blank=True)
    contract_months = models.PositiveSmallIntegerField(_("contract (months)"))
    accommodation_provided = models.BooleanField(_("accommodation provided"))
    passport_held_by = models.CharField(
        _("passport held by"), max_length=8, choices=HeldBy.choices
    )
    levy_paid_by = models.CharField(
        _("levy paid by"), max_length=8, choices=HeldBy.choices
    )
    worker_paid_costs_myr = models.DecimalField(
        _("costs paid by the worker (MYR)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"))
    age_max = models.PositiveSmallIntegerField(_("maximum age"))
    gender = models.CharField(
        _("gender"), max_length=6, choices=Gender.choices, default=Gender.ANY
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    work_state = models.ForeignKey(
        "core.Subdivision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state of work"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.P3MI
    )
    contract_languages = models.JSONField(
        _("contract languages"), default=list, blank=True
    )
    quota_reference = models.CharField(
        _("SIP2MI quota reference"), max_length=60, blank=True
    )
    required_certificates = models.JSONField(
        _("required certificate schemes"), default=list, blank=True
    )
    min_document_stage = models.PositiveSmallIntegerField(
        _("minimum document stage"), default=0
    )
    order_date = models.DateField(
        _("order date"), help_text=_("The rules in force on this date judge the order.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    compliance = models.JSONField(_("compliance verdict"), default=dict, blank=True)
    compliance_status = models.CharField(
        _("compliance"),
        max_length=4,
        choices=Compliance.choices,
        default=Compliance.UNCHECKED,
        blank=True,
    )
    rules_version = models.CharField(_("rules version"), max_length=40, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("review note"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["status", "compliance_status"]),
            models.Index(fields=["sector", "status"]),
            models.Index(fields=["occupation", "status"]),
            models.Index(fields=["-created_at", "-id"], name="labour_jo_recent"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(workers_needed__gte=1), name="job_order_workers_positive"
            ),
            models.CheckConstraint(
                condition=Q(age_max__gte=models.F("age_min")),
                name="job_order_age_window",
            ),
        ]
        verbose_name = _("job order")
        verbose_name_plural = _("job orders")

    def __str__(self) -> str:
        return f"{self.title} — {self.employer_name}"

    @property
    def isco_code(self) -> str:
        """The ISCO-08 unit group of the occupation."""
        return str(self.occupation_id)

    @property
    def blocks_endorsement(self) -> bool:
        """A failing compliance verdict (or none at all) blocks endorsement."""
        return self.compliance_status in (
            self.Compliance.FAIL,
            self.Compliance.UNCHECKED,
        )


class CostPaidBy(models.TextChoices):
    """Who bears one cost item of a job order."""

    WORKER = "worker", _("worker")
    EMPLOYER = "employer", _("employer")
    AGENCY = "agency", _("agency")


class JobOrderCost(models.Model):
    """One line of a job order's cost table (levy, visa, ticket, medical, agency fee…)."""

    job_order = models.ForeignKey(
        JobOrder, on_delete=models.CASCADE, related_name="costs"
    )
    item = models.CharField(_("item"), max_length=60)
    amount_myr = models.DecimalField(
        _("amount (MYR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    paid_by = models.CharField(_("paid by"), max_length=8, choices=CostPaidBy.choices)

    class Meta:
        ordering = ["job_order", "id"]
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")

    def __str__(self) -> str:
        return f"{self.item}: {self.amount_myr} ({self.paid_by})"


class JobOrderDocument(models.Model):
    """A document backing a job order, stored privately (never served from the web root)."""

    class Kind(models.TextChoices):
        DEMAND_LETTER = "demand_letter", _("demand letter")
        EMPLOYER_APPROVAL = "employer_approval", _("employer approval (JTKSM s.60K)")
        SIP2MI_QUOTA = "sip2mi_quota", _("SIP2MI quota")

    job_order = models.ForeignKey(
        JobOrder, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=f"{PRIVATE_UPLOADS}/job-orders/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_order", "kind"]
        verbose_name = _("job-order document")
        verbose_name_plural = _("job-order documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.job_order_id})"


class JobOrderSkill(models.Model):
    """A skill a job order asks for, with its weight in matching (0..1)."""

    job_order = models.ForeignKey(
        JobOrder, on_delete=models.CASCADE, related_name="skill_requirements"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["job_order", "skill"], name="job_order_skill_unique"
            )
        ]
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")

    def __str__(self) -> str:
        return f"{self.skill_id} × {self.weight}"


# --- Job seekers ------------------------------------------------------------------------------


class Education(models.TextChoices):
    """Highest completed education (Indonesian school levels)."""

    SD = "sd", _("primary school (SD)")
    SMP = "smp", _("junior secondary (SMP)")
    SMA = "sma", _("senior secondary (SMA)")
    SMK = "smk", _("vocational secondary (SMK)")
    D3 = "d3", _("diploma (D3)")
    S1 = "s1", _("bachelor (S1)")
    S2 = "s2", _("master (S2)")


class Stage(models.TextChoices):
    """The placement pipeline (issue 7 §8)."""

    REGISTERED = "registered", _("registered")
    MATCHED = "matched", _("matched")
    INTERVIEWED = "interviewed", _("interviewed")
    SELECTED = "selected", _("selected")
    TRAINING = "training", _("training")
    DOCUMENTS_COMPLETE = "documents_complete", _("documents complete")
    ORIENTATION = "orientation", _("pre-departure orientation")
    DEPARTED = "departed", _("departed")
    WORKING = "working", _("working")
    COMPLETED = "completed", _("completed")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn before departure")


class SeekerQuerySet(LabourStaffVisible):
    """Seeker profiles: the seeker, their LTSA office, officers and the labour attaché."""

    owner_field = "office"
    owner_user_field = "user"

    def active(self) -> SeekerQuerySet:
        """Profiles with consent in force and not anonymised."""
        return self.filter(
            consent_withdrawn_at__isnull=True, anonymised_at__isnull=True
        )


class Seeker(models.Model):
    """A job seeker's profile; NIK, phone and address are encrypted (SEC-01)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seeker_profile",
        help_text=_("Empty for a seeker an officer registered without an account."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(max_length=64, unique=True)
    nik_last4 = models.CharField(max_length=4)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(
        _("sex"),
        max_length=6,
        choices=[("female", _("female")), ("male", _("male"))],
    )
    regency = models.ForeignKey(
        "core.Regency",
        on_delete=models.PROTECT,
        related_name="seekers",
        verbose_name=_("regency or city"),
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    education = models.CharField(
        _("education"), max_length=3, choices=Education.choices
    )
    preferred_sectors = models.JSONField(
        _("preferred sectors"), default=list, blank=True
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True
    )  # [{"code": "ms", "level": 0..3}]
    consent_given_at = models.DateTimeField(_("consent given"))
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    office = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The one-stop office (LTSA) handling the case."),
    )
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.REGISTERED
    )
    placed = models.BooleanField(_("placed"), default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeekerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["regency", "stage"]),
            models.Index(fields=["stage", "placed"]),
            models.Index(fields=["case_officer"]),
            models.Index(fields=["office", "-created_at"]),
        ]
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik_masked})"

    @property
    def nik_masked(self) -> str:
        """The NIK with all but the last four digits hidden (never decrypts)."""
        if not self.nik_last4:
            return "*" * NIK_LENGTH
        return mask("0" * (NIK_LENGTH - NIK_MASK_VISIBLE) + self.nik_last4)


class SeekerSkill(models.Model):
    """A skill a seeker has, with a self- or officer-assessed level (0..1)."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.FloatField(
        default=1.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["seeker", "skill"], name="seeker_skill_unique"
            )
        ]
        verbose_name = _("seeker skill")
        verbose_name_plural = _("seeker skills")

    def __str__(self) -> str:
        return f"{self.seeker_id}: {self.skill_id}"


class SeekerCertificate(models.Model):
    """A competence certificate (BNSP scheme or other) a seeker holds."""

    seeker = models.ForeignKey(
        Seeker, on_delete=models.CASCADE, related_name="certificates"
    )
    scheme = models.CharField(_("scheme"), max_length=60, db_index=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(
        _("KKNI level"), default=0, validators=[MaxValueValidator(9)]
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["seeker", "scheme"]
        verbose_name = _("seeker certificate")
        verbose_name_plural = _("seeker certificates")

    def __str__(self) -> str:
        return f"{self.scheme} ({self.seeker_id})"


class SeekerExperience(models.Model):
    """Years of work experience in one ISCO-08 occupation."""

    seeker = models.ForeignKey(
        Seeker, on_delete=models.CASCADE, related_name="experience"
    )
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)
    years = models.DecimalField(
        _("years"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )

    class Meta:
        ordering = ["seeker", "isco_code"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")

    def __str__(self) -> str:
        return f"{self.isco_code}: {self.years} y"


class SeekerDocument(models.Model):
    """One document of the UU 18/2017 Art. 13 checklist and where it stands."""

    class Status(models.TextChoices):
        MISSING = "missing", _("missing")
        SUBMITTED = "submitted", _("submitted")
        VERIFIED = "verified", _("verified")

    seeker = models.ForeignKey(
        Seeker, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.MISSING
    )
    file = models.FileField(
        _("file"), upload_to=f"{PRIVATE_UPLOADS}/seekers/", blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["seeker", "kind"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["seeker", "kind"], name="seeker_document_unique"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["seeker", "status"]),
        ]
        verbose_name = _("seeker document")
        verbose_name_plural = _("seeker documents")

    def __str__(self) -> str:
        return f"{self.kind}: {self.status}"


# --- Offers, placements, grievances -----------------------------------------------------------


class OrderPartiesVisible(LabourStaffVisible):
    """Records of a seeker on a job order: the order's submitting organisation and the
    employer and agency it names, the seeker, the attaché and officers."""

    owner_field = "job_order__organisation"
    owner_user_field = "seeker__user"

    def role_grants(self, user: Any) -> Q | None:
        ids = user.organisation_ids
        return super().role_grants(user) or (
            Q(job_order__employer_profile__organisation__in=ids)
            | Q(job_order__agency_profile__organisation__in=ids)
        )


class OfferQuerySet(OrderPartiesVisible):
    """Offers made by the allocation."""


class Offer(models.Model):
    """A seeker offered to a job order by the allocation (at most k open offers each)."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="offers")
    job_order = models.ForeignKey(
        JobOrder, on_delete=models.CASCADE, related_name="offers"
    )
    score = models.FloatField(_("score"))
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.OFFERED
    )
    allocation_run = models.CharField(max_length=36, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["seeker", "job_order"],
                condition=Q(status="offered"),
                name="offer_open_unique",
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["job_order", "status"]),
            models.Index(fields=["seeker", "status"]),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.job_order_id} ({self.score:.2f})"


class PlacementQuerySet(OrderPartiesVisible):
    """Placements through the pipeline."""


class Placement(models.Model):
    """A seeker's way through the pipeline for one job order."""

    seeker = models.ForeignKey(
        Seeker, on_delete=models.PROTECT, related_name="placements"
    )
    job_order = models.ForeignKey(
        JobOrder, on_delete=models.PROTECT, related_name="placements"
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.MATCHED
    )
    stage_changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["seeker", "job_order"], name="placement_unique"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["job_order", "stage"]),
            models.Index(fields=["stage", "stage_changed_at"]),
        ]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.seeker_id} @ {self.job_order_id}: {self.stage}"


class PlacementEvent(models.Model):
    """One stage change of a placement, with its time and who made it."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="events"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["placement", "at", "id"]
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.stage}"


class GrievanceQuerySet(LabourStaffVisible):
    """Grievances: the person who filed, the attaché and officers (confidential)."""

    owner_field = "organisation"
    owner_user_field = "filed_by"


class Grievance(models.Model):
    """A confidential complaint by a worker or their family."""

    class Category(models.TextChoices):
        UNPAID_WAGES = "unpaid_wages", _("unpaid wages")
        EXCESS_COSTS = "excess_costs", _("costs above the limit")
        NOT_AS_CONTRACTED = "not_as_contracted", _("job not as contracted")
        PASSPORT_HELD = "passport_held", _("passport held")
        LOST_CONTACT = "lost_contact", _("lost contact")
        REPATRIATION = "repatriation", _("wants repatriation")
        FAILED_DEPARTURE = "failed_departure", _("failed departure")
        ABUSE = "abuse", _("abuse or violence")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The office that recorded it on the worker's behalf, if any."),
    )
    seeker = models.ForeignKey(
        Seeker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grievances",
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grievances",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = EncryptedTextField(_("description"))
    status = models.CharField(
        _("status"), max_length=11, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category", "status"]),
        ]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_status_display()})"


# Placement follow-up models (contracts, check-ins, grievance responses, data requests).
from serumpun.labour.models_pipeline import *  # noqa: E402, F403
