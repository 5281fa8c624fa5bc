"""Labour reference data: skills, training courses and the document checklist (data/labour/).

`load_labour_reference()` is idempotent (upserts by code), so running it twice equals running it
once; courses whose regency is not loaded yet are kept without a regency.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

from serumpun.core.models import Regency
from serumpun.core.reference import Dataset, register_dataset
from serumpun.labour.models import Skill, TrainingCourse

SKILL_FIELDS = ["name_id", "name_en", "name_ms", "sector", "isco_group", "confidence"]
COURSE_FIELDS = [
    "title",
    "provider",
    "regency",
    "duration_days",
    "cost_idr",
    "certificate_scheme",
    "source",
    "confidence",
    "is_demo",
]


def labour_data_dir() -> Path:
    """Where the labour reference files live."""
    return Path(settings.DATA_DIR) / "labour"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (labour_data_dir() / name).open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def load_skills(using: str = DEFAULT_DB_ALIAS) -> int:
    """Upsert data/labour/skills.csv; returns the number of rows."""
    rows = [
        Skill(code=row["code"], **{field: row[field] for field in SKILL_FIELDS})
        for row in _rows("skills.csv")
    ]
    Skill.objects.using(using).bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=SKILL_FIELDS,
    )
    return len(rows)


def load_courses(using: str = DEFAULT_DB_ALIAS) -> int:
    """Upsert data/labour/training.csv with the skills each course grants."""
    regencies = set(Regency.objects.using(using).values_list("code", flat=True))
    table = list(_rows("training.csv"))
    rows = [
        TrainingCourse(
            code=row["code"],
            title=row["title"],
            provider=row["provider"],
            regency_id=row["regency_code"]
            if row["regency_code"] in regencies
            else None,
            duration_days=int(row["duration_days"]),
            cost_idr=Decimal(row["cost_idr"]) if row["cost_idr"] else None,
            certificate_scheme=row["certificate_scheme"],
            source=row["source"],
            confidence=row["confidence"],
            is_demo=row["is_demo"] == "1",
        )
        for row in table
    ]
    TrainingCourse.objects.using(using).bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=COURSE_FIELDS,
    )
    course_ids = dict(TrainingCourse.objects.using(using).values_list("code", "id"))
    skill_ids = dict(Skill.objects.using(using).values_list("code", "id"))
    through = TrainingCourse.skills.through
    links = [
        through(trainingcourse_id=course_ids[row["code"]], skill_id=skill_ids[code])
        for row in table
        for code in row["skills"].split(";")
        if code in skill_ids
    ]
    through.objects.using(using).filter(
        trainingcourse_id__in=[course_ids[row["code"]] for row in table]
    ).delete()
    through.objects.using(using).bulk_create(links)
    return len(rows)


def load_labour_reference(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Load skills then courses (idempotent); rows written per file."""
    with transaction.atomic(using=using):
        return {"skills": load_skills(using), "training": load_courses(using)}


@cache
def _documents(path: str, mtime: float) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def document_checklist() -> list[dict[str, Any]]:
    """The UU 18/2017 Art. 13 documents: [{"kind", "stage", "title": {id, en, ms}}]."""
    path = labour_data_dir() / "documents.yaml"
    return list(_documents(str(path), path.stat().st_mtime)["documents"])


def document_kinds() -> tuple[str, ...]:
    """The document kinds, in checklist order."""
    return tuple(doc["kind"] for doc in document_checklist())


def document_stage(verified_kinds: set[str] | frozenset[str]) -> int:
    """The highest stage whose documents, and every earlier stage's, are all verified."""
    stages: dict[int, set[str]] = {}
    for doc in document_checklist():
        stages.setdefault(int(doc["stage"]), set()).add(doc["kind"])
    reached = 0
    for stage in sorted(stages):
        if not stages[stage] <= verified_kinds:
            break
        reached = stage
    return reached


def _load_for_dataset(using: str) -> int:
    return sum(load_labour_reference(using).values())


register_dataset(
    Dataset(
        "labour",
        (
            labour_data_dir() / "skills.csv",
            labour_data_dir() / "training.csv",
        ),
        _load_for_dataset,
        "data/labour/skills.csv and training.csv (research/labour.md §3; demo courses marked)",
    )
)
