"""Demo readiness: assessments at every level across the demo MSMEs' products, a history of
earlier scores, plans in progress (some steps overdue) and three coaching cohorts.

Answers are drawn from `ctx.rng_for(...)` keyed by NIB and product name, so the same seed gives
the same demo everywhere. Evidence for confirmed answers points at one shared placeholder
document marked as demo. Every record hangs off demo MSMEs (`is_demo`), and assessments,
cohorts and their rows are flagged `is_demo`. Idempotent: products already assessed are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from serumpun.accounts.models import Membership
from serumpun.accounts.roles import Role
from serumpun.core.demo import SeedContext, register_seeder
from serumpun.exporters.models import Product
from serumpun.readiness.actions import _persist, score_products
from serumpun.readiness.config import assessment_config
from serumpun.readiness.models import (
    ActionStep,
    Answer,
    Assessment,
    Cohort,
    CohortSession,
    Level,
    StepStatus,
    Trigger,
)

EVIDENCE_PATH = "private/readiness/demo/bukti-demo.pdf"
EVIDENCE_BYTES = (
    b"%PDF-1.4\n% Serumpun demo evidence placeholder (not a real document)\n%%EOF\n"
)
#: how a product's answers are drawn: beginner, intermediate, advanced
TIERS = ("beginner", "intermediate", "advanced")
HISTORY_DAYS = (120, 60)
COHORTS = (
    ("Kelas Pemula Ekspor Malaysia 2026 (demo)", Cohort.Tier.BEGINNER, Level.BEGINNER),
    (
        "Kelas Menengah Ekspor Malaysia 2026 (demo)",
        Cohort.Tier.INTERMEDIATE,
        Level.INTERMEDIATE,
    ),
    ("Kelas Mahir Ekspor Malaysia 2026 (demo)", Cohort.Tier.ADVANCED, Level.READY),
)
SESSION_TOPICS = (
    "Standar & sertifikasi: PIRT, BPOM, halal BPJPH",
    "Label untuk Malaysia dan penandaan tanggal",
    "Dokumen ekspor: PEB, e-SKA Form D, karantina",
)


def _evidence_name() -> str:
    if not default_storage.exists(EVIDENCE_PATH):
        return default_storage.save(EVIDENCE_PATH, ContentFile(EVIDENCE_BYTES))
    return EVIDENCE_PATH


def _answers(ctx: SeedContext, product: Product) -> tuple[str, dict[str, int]]:
    rng = ctx.rng_for("readiness", product.msme.nib, product.name_id)
    tier = rng.choices(TIERS, weights=(4, 4, 3))[0]
    if product.msme.organisation_id is not None:
        # The demo logins' own products start low, so their plan shows the way to a container.
        tier = "beginner" if product.hs_code_id == "090111" else "intermediate"
    values: dict[str, int] = {}
    for question in assessment_config().questions:
        if tier == "beginner":
            values[question.key] = rng.choice((0, 0, 1, 1, 2))
        elif tier == "intermediate":
            values[question.key] = rng.choice((1, 2, 2, 3, 4))
        else:
            values[question.key] = rng.choice((3, 4, 4, 4))
    return tier, values


def seed_readiness(ctx: SeedContext) -> None:
    """Assess every demo product (with an earlier score for history) and open three cohorts."""
    officer = (
        Membership.objects.filter(role=Role.OFFICER, user__is_demo=True)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    products = list(
        Product.objects.filter(is_demo=True)
        .exclude(assessments__isnull=False)
        .select_related("msme")
        .order_by("msme__nib", "name_id")
    )
    if not products:
        return
    evidence = _evidence_name()
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        final: dict[int, dict[str, int]] = {}
        tiers: dict[int, str] = {}
        for product in products:
            tiers[product.pk], final[product.pk] = _answers(ctx, product)
        # Earlier rounds: lower answers, then the current ones.
        for round_index, days in enumerate(HISTORY_DAYS):
            drop = len(HISTORY_DAYS) - round_index  # 2, then 1 below the final answers
            _write_answers(ctx, products, final, drop, evidence, officer, tiers)
            ids = [p.pk for p in products]
            rows, batch, answers = score_products(
                ids, market="MY", as_of=today - dt.timedelta(days=days)
            )
            made = _persist(
                rows,
                batch,
                answers,
                market="MY",
                as_of=today - dt.timedelta(days=days),
                trigger=Trigger.MANUAL,
                by=officer.user if officer else None,
            )
            Assessment.objects.filter(pk__in=[a.pk for a in made]).update(
                created_at=now - dt.timedelta(days=days), is_demo=True
            )
        _write_answers(ctx, products, final, 0, evidence, officer, tiers)
        rows, batch, answers = score_products(
            [p.pk for p in products], market="MY", as_of=today
        )
        latest = _persist(
            rows,
            batch,
            answers,
            market="MY",
            as_of=today,
            trigger=Trigger.MANUAL,
            by=officer.user if officer else None,
        )
        Assessment.objects.filter(pk__in=[a.pk for a in latest]).update(is_demo=True)
        _progress(ctx, latest, today)
        if officer is not None:
            _cohorts(ctx, officer, today)
    levels: defaultdict[str, int] = defaultdict(int)
    for level in Assessment.objects.filter(is_latest=True, is_demo=True).values_list(
        "level", flat=True
    ):
        levels[level] += 1
    ctx.out(f"  readiness: {len(products)} products assessed, levels {dict(levels)}")


def _write_answers(  # noqa: PLR0917  (a private helper of one seeder)
    ctx: SeedContext,
    products: list[Product],
    final: dict[int, dict[str, int]],
    drop: int,
    evidence: str,
    officer: Membership | None,
    tiers: dict[int, str],
) -> None:
    Answer.objects.filter(product__in=products).delete()
    rows = []
    for product in products:
        for key, value in final[product.pk].items():
            counted = max(value - drop, 0)
            # Advanced products have their evidence confirmed; others only some of it.
            confirmed = counted >= 3 and (  # noqa: PLR2004  (3 = "done", trade.md §3a)
                tiers[product.pk] == "advanced"
                or ctx.rng_for(
                    "confirm", product.msme.nib, product.name_id, key
                ).random()
                < 0.5  # noqa: PLR2004
            )
            rows.append(
                Answer(
                    product=product,
                    market="MY",
                    question=key,
                    value=counted,
                    evidence=evidence if confirmed else "",
                    confirmed_by=officer.user if confirmed and officer else None,
                    confirmed_at=timezone.now() if confirmed and officer else None,
                    note="demo",
                )
            )
    Answer.objects.bulk_create(rows)


def _progress(ctx: SeedContext, latest: list[Assessment], today: dt.date) -> None:
    """Plans in progress: the first steps started, some done, some overdue."""
    steps = list(
        ActionStep.objects.filter(assessment__in=latest, is_current=True).order_by(
            "assessment_id", "order"
        )
    )
    for step in steps:
        rng = ctx.rng_for("readiness-step", step.assessment.product_id, step.gap_key)
        if step.order <= 3:  # noqa: PLR2004  (the first three steps of each plan)
            step.status = rng.choice(
                (StepStatus.IN_PROGRESS, StepStatus.IN_PROGRESS, StepStatus.TODO)
            )
            step.owner = rng.choice(("Pemilik", "Petugas Disperindag", "Koperasi"))
            step.due_date = today + dt.timedelta(days=rng.randint(-20, 60))
    ActionStep.objects.bulk_update(
        steps, ["status", "owner", "due_date"], batch_size=2000
    )


def _cohorts(ctx: SeedContext, officer: Membership, today: dt.date) -> None:
    for name, tier, level in COHORTS:
        cohort, created = Cohort.objects.get_or_create(
            organisation=officer.organisation,
            name=name,
            defaults={
                "tier": tier,
                "starts_on": today - dt.timedelta(days=45),
                "created_by": officer.user,
                "is_demo": True,
            },
        )
        if not created:
            continue
        members = list(
            Assessment.objects.filter(is_latest=True, is_demo=True, level=level)
            .values_list("msme_id", flat=True)
            .distinct()
        )
        cohort.members.set(members)
        for index, topic in enumerate(SESSION_TOPICS[:2]):
            session = CohortSession.objects.create(
                cohort=cohort,
                held_on=cohort.starts_on + dt.timedelta(days=14 * index),
                topic=topic,
            )
            rng = ctx.rng_for("cohort", name, index)
            session.attendees.set([m for m in members if rng.random() < 0.8])  # noqa: PLR2004


register_seeder("readiness.assessments", seed_readiness)
