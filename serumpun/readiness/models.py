"""Export readiness: self-assessment answers, assessments with gaps, action plans, cohorts.

An assessment scores one product of one MSME for one market (MY now) with the method of
data/readiness/assessment.yaml (research/trade.md §3). Its gaps and action-plan steps are rows,
so officers can count which gaps block the most MSMEs and see overdue steps. `is_latest`
marks each product × market's current assessment; older ones are its history.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import has_permission
from serumpun.core.access import VisibleQuerySet

PRIVATE_UPLOADS = "private/readiness"  # under MEDIA_ROOT, outside the web root
ANSWER_MAX = 4  # the 0–4 scale of research/trade.md §3a


class Level(models.TextChoices):
    """Readiness levels: Lampung's pemula / menengah / mahir classes."""

    BEGINNER = "beginner", _("beginner")
    INTERMEDIATE = "intermediate", _("intermediate")
    READY = "ready", _("ready")


class Trigger(models.TextChoices):
    """Why an assessment was made."""

    MANUAL = "manual", _("assessed")
    STEP_DONE = "step_done", _("a plan step was done")
    RULE_CHANGE = "rule_change", _("the requirement rules changed")
    ANSWER = "answer", _("an answer changed")


class StepStatus(models.TextChoices):
    """Where a plan step stands."""

    TODO = "todo", _("to do")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class Market(models.TextChoices):
    """Destination markets with requirement rules (Singapore and Brunei can follow)."""

    MY = "MY", _("Malaysia")


class _StaffSeesAll(VisibleQuerySet):
    """Owners see their own MSME's records; officers and attachés (msme.view_all) see all."""

    def role_grants(self, user: Any) -> Q | None:
        return Q(pk__isnull=False) if has_permission(user, "msme.view_all") else None


class AnswerQuerySet(_StaffSeesAll):
    """Self-assessment answers, by the product's MSME."""

    owner_field = "product__msme__organisation"


class Answer(models.Model):
    """The owner's current answer to one question for one product and market, with evidence."""

    product = models.ForeignKey(
        "exporters.Product", on_delete=models.CASCADE, related_name="readiness_answers"
    )
    market = models.CharField(max_length=2, choices=Market.choices, default=Market.MY)
    question = models.CharField(_("question"), max_length=60)
    value = models.PositiveSmallIntegerField(
        _("answer"), validators=[MinValueValidator(0), MaxValueValidator(ANSWER_MAX)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.FileField(
        _("evidence document"), upload_to=f"{PRIVATE_UPLOADS}/%Y/%m", blank=True
    )
    certificate = models.ForeignKey(
        "exporters.Certificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked certificate"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "question"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["product", "market", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(value__lte=ANSWER_MAX), name="answer_at_most_four"
            ),
        ]
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")

    def __str__(self) -> str:
        return f"{self.product_id}/{self.question}={self.value}"

    @property
    def has_evidence(self) -> bool:
        """An uploaded document or a linked certificate backs the answer."""
        return bool(self.evidence) or self.certificate_id is not None


class AssessmentQuerySet(_StaffSeesAll):
    """Assessments, by the MSME they concern."""

    owner_field = "msme__organisation"

    def current(self) -> AssessmentQuerySet:
        """Each product × market's current assessment."""
        return self.filter(is_latest=True)


class Assessment(models.Model):
    """One scoring of one product for one market: score, level, gates, dimensions, evidence."""

    product = models.ForeignKey(
        "exporters.Product", on_delete=models.CASCADE, related_name="assessments"
    )
    msme = models.ForeignKey(
        "exporters.MSME", on_delete=models.CASCADE, related_name="assessments"
    )
    market = models.CharField(max_length=2, choices=Market.choices, default=Market.MY)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    gates = models.JSONField(default=list)  # [{key, passed, requirement_id}]
    dimensions = models.JSONField(
        default=list
    )  # [{key, weight, score, questions: [...]}]
    answers = models.JSONField(default=dict)  # question → {value, evidenced, confirmed}
    as_of = models.DateField(_("as of"))
    config_version = models.CharField(max_length=20)
    book_version = models.CharField(max_length=40)
    requirement_fingerprints = models.JSONField(default=dict)  # rule id → fingerprint
    trigger = models.CharField(
        max_length=12, choices=Trigger.choices, default=Trigger.MANUAL
    )
    rule_changes = models.JSONField(default=list)  # [{rule_id, change}] on rule_change
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_latest = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["product", "market", "is_latest"]),
            models.Index(fields=["is_latest", "level"]),
            models.Index(fields=["is_latest", "book_version"]),
            models.Index(fields=["msme", "created_at"]),
        ]
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")

    def __str__(self) -> str:
        return f"{self.product_id} {self.market} {self.score} ({self.level})"

    @property
    def gates_passed(self) -> bool:
        """True when every applicable gate passed."""
        return all(gate["passed"] for gate in self.gates)


class GapQuerySet(_StaffSeesAll):
    """Gaps, by the MSME of their assessment."""

    owner_field = "assessment__msme__organisation"


class Gap(models.Model):
    """One gap an assessment found: a failed gate or a question below "done"."""

    class Severity(models.TextChoices):
        GATE = "gate", _("gate")
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="gap_rows"
    )
    key = models.CharField(max_length=60)
    dimension = models.CharField(max_length=20)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    requirement_id = models.CharField(max_length=60, blank=True)
    is_latest = models.BooleanField(
        default=True
    )  # copy of the assessment's, for counting

    objects = GapQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["is_latest", "key"]),
            models.Index(fields=["is_latest", "dimension"]),
        ]
        verbose_name = _("gap")
        verbose_name_plural = _("gaps")

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.key}"


class ActionStepQuerySet(_StaffSeesAll):
    """Plan steps, by the MSME of their assessment."""

    owner_field = "assessment__msme__organisation"

    def current(self) -> ActionStepQuerySet:
        """Steps of the current plans (of each product's latest assessment)."""
        return self.filter(is_current=True)

    def overdue(self, day: Any) -> ActionStepQuerySet:
        """Current steps not done by their due date."""
        return self.current().filter(due_date__lt=day).exclude(status=StepStatus.DONE)


class ActionStep(models.Model):
    """One step of an action plan, closing one gap: agency, documents, time, cost, status."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField()
    gap_key = models.CharField(max_length=60)
    agency = models.CharField(_("responsible agency"), max_length=120)
    documents = models.JSONField(default=list)
    est_days = models.PositiveIntegerField(null=True, blank=True)
    est_cost_idr = models.PositiveBigIntegerField(null=True, blank=True)
    confidence = models.CharField(max_length=6, default="low")
    depends_on = models.JSONField(default=list)  # orders of earlier steps
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.TODO
    )
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionStepQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "order"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["is_current", "due_date", "status"]),
        ]
        verbose_name = _("action-plan step")
        verbose_name_plural = _("action-plan steps")

    def __str__(self) -> str:
        return f"{self.assessment_id}#{self.order} {self.gap_key}"


class CohortQuerySet(VisibleQuerySet):
    """Cohorts belong to the office that runs them."""

    owner_field = "organisation"


class Cohort(models.Model):
    """A coaching class of MSMEs (beginner / intermediate / advanced), run by an office."""

    class Tier(models.TextChoices):
        BEGINNER = "beginner", _("beginner class")
        INTERMEDIATE = "intermediate", _("intermediate class")
        ADVANCED = "advanced", _("advanced class")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    tier = models.CharField(_("class"), max_length=12, choices=Tier.choices)
    starts_on = models.DateField(_("starts on"))
    members = models.ManyToManyField(
        "exporters.MSME", blank=True, related_name="cohorts", verbose_name=_("members")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class CohortSession(models.Model):
    """One coaching session of a cohort, with who attended."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField(
        "exporters.MSME", blank=True, related_name="+", verbose_name=_("attended")
    )

    class Meta:
        ordering = ["cohort_id", "held_on", "id"]
        verbose_name = _("cohort session")
        verbose_name_plural = _("cohort sessions")

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.held_on}"
