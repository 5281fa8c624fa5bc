"""The assessment method read from data/readiness/assessment.yaml (cached, validated).

`parse_config` turns the file into `rules.scoring.Config` and raises `ConfigError` naming the
file and the entry at fault; the system check readiness.E001 runs it at start-up.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from serumpun.readiness.rules.scoring import (
    APPLIES,
    LEVELS,
    REGISTRY_KINDS,
    Config,
    Dimension,
    Gate,
    Question,
    StepTemplate,
    title_in,
)

CONFIG_FILE = "assessment.yaml"
LANGUAGES = ("id", "en", "ms")
GATE_CHECKS = ("nib", "food_registration", "halal_certificate", "importer_permit")
MARKETS = ("MY",)  # Singapore and Brunei follow once their requirement rules exist


class ConfigError(ValueError):
    """The assessment file is malformed; the message names the file and the entry."""


def config_path() -> Path:
    """Where the assessment method lives."""
    return Path(settings.DATA_DIR) / "readiness" / CONFIG_FILE


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"data/readiness/{CONFIG_FILE}: {where}: {message}")


def _title(value: Any, where: str) -> Mapping[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value.get(lang) for lang in LANGUAGES
    ):
        raise _fail(where, "title needs id, en and ms texts")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def _step(value: Any, where: str) -> StepTemplate:
    if not isinstance(value, dict) or not isinstance(value.get("agency"), str):
        raise _fail(where, "a step needs an agency")
    return StepTemplate(
        agency=value["agency"],
        documents=tuple(str(d) for d in value.get("documents") or ()),
        est_days=None if value.get("est_days") is None else int(value["est_days"]),
        est_cost_idr=None
        if value.get("est_cost_idr") is None
        else int(value["est_cost_idr"]),
        depends_on=tuple(str(d) for d in value.get("depends_on") or ()),
        confidence=str(value.get("confidence", "low")),
        source=str(value.get("source", "")),
        keep_agency=bool(value.get("keep_agency", False)),
    )


def parse_config(text: str) -> Config:  # noqa: PLR0912, PLR0915  (one pass over a small file)
    """Validate and build the Config; raise ConfigError naming what is wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("file", f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise _fail("file", "must hold a mapping")
    try:
        levels = data["levels"]
        orders = data["typical_orders"]
        dimensions = []
        seen_questions: set[str] = set()
        gate_keys = {g["key"] for g in data["gates"]}
        for d in data["dimensions"]:
            key = str(d["key"])
            questions = []
            for q in d["questions"]:
                qkey = f"{key}.{q['key']}"
                if qkey in seen_questions:
                    raise _fail(qkey, "duplicate question")
                seen_questions.add(qkey)
                applies = q.get("applies")
                if applies is not None and applies not in APPLIES:
                    raise _fail(qkey, f"unknown applies {applies!r}")
                registry = dict(q.get("registry") or {})
                if any(kind not in REGISTRY_KINDS for kind in registry):
                    raise _fail(qkey, f"unknown registry evidence {sorted(registry)}")
                if q.get("gate") is not None and q["gate"] not in gate_keys:
                    raise _fail(qkey, f"unknown gate {q['gate']!r}")
                questions.append(
                    Question(
                        key=qkey,
                        dimension=key,
                        title=_title(q.get("title"), qkey),
                        applies=applies,
                        registry=registry,
                        gate=q.get("gate"),
                        requirement_id=q.get("requirement_id"),
                    )
                )
            weight = float(d["weight"])
            if weight <= 0:
                raise _fail(key, "weight must be positive")
            dimensions.append(
                Dimension(key, weight, _title(d.get("title"), key), tuple(questions))
            )
        gates = []
        for g in data["gates"]:
            if g["check"] not in GATE_CHECKS:
                raise _fail(f"gate.{g['key']}", f"unknown check {g['check']!r}")
            if g.get("applies") is not None and g["applies"] not in APPLIES:
                raise _fail(f"gate.{g['key']}", f"unknown applies {g['applies']!r}")
            gates.append(
                Gate(
                    key=str(g["key"]),
                    check=g["check"],
                    title=_title(g.get("title"), f"gate.{g['key']}"),
                    source=str(g.get("source", "")),
                    applies=g.get("applies"),
                    requirement_id=g.get("requirement_id"),
                )
            )
        gap_keys = seen_questions | {f"gate.{key}" for key in gate_keys}
        steps = {}
        for key, value in (data.get("steps") or {}).items():
            if key not in gap_keys:
                raise _fail(f"steps.{key}", "no gate or question has this key")
            step = _step(value, f"steps.{key}")
            unknown = [dep for dep in step.depends_on if dep not in gap_keys]
            if unknown:
                raise _fail(f"steps.{key}", f"depends on unknown {unknown}")
            steps[str(key)] = step
        _check_cycles(steps)
        gate_cap = str(levels.get("gate_cap", "intermediate"))
        if gate_cap not in LEVELS:
            raise _fail("levels.gate_cap", f"unknown level {gate_cap!r}")
        intermediate, ready = (
            float(levels["intermediate_from"]),
            float(levels["ready_from"]),
        )
        if not 0 < intermediate < ready <= 100:  # noqa: PLR2004  (scores are 0–100)
            raise _fail("levels", "need 0 < intermediate_from < ready_from ≤ 100")
        typical = sorted(
            ((str(p), float(kg)) for p, kg in orders["by_hs_prefix"].items()),
            key=lambda item: -len(item[0]),
        )
        capacity = sorted(
            ((float(r["ratio"]), int(r["score"])) for r in orders["capacity_scores"]),
            reverse=True,
        )
        config = Config(
            version=hashlib.sha256(text.encode()).hexdigest()[:12],
            answer_max=int(data["answer_max"]),
            evidence_min_answer=int(data["evidence_min_answer"]),
            unconfirmed_cap=int(data["unconfirmed_cap"]),
            gap_below=int(data["gap_below"]),
            intermediate_from=intermediate,
            ready_from=ready,
            gate_cap=gate_cap,
            default_order_kg=float(orders["default_kg"]),
            typical_orders=tuple(typical),
            capacity_scores=tuple(capacity),
            fish_hs_prefixes=tuple(str(p) for p in data["fish_hs_prefixes"]),
            dimensions=tuple(dimensions),
            gates=tuple(gates),
            steps=steps,
            default_step=_step(data["default_step"], "default_step"),
        )
    except ConfigError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _fail("file", f"missing or malformed entry ({exc!r})") from exc
    return config


def _check_cycles(steps: Mapping[str, StepTemplate]) -> None:
    state: dict[str, int] = {}

    def visit(key: str) -> None:
        if state.get(key) == 1:
            raise _fail(f"steps.{key}", "dependency cycle")
        if state.get(key) == 2:  # noqa: PLR2004  (visited)
            return
        state[key] = 1
        for dep in steps[key].depends_on if key in steps else ():
            visit(dep)
        state[key] = 2

    for key in steps:
        visit(key)


@functools.cache
def assessment_config() -> Config:
    """The assessment method in force (cached for the process)."""
    return parse_config(config_path().read_text(encoding="utf-8"))


@functools.cache
def _document_names() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(config_path().read_text(encoding="utf-8")) or {}
    names = data.get("document_names") or {}
    return {
        str(k): {str(lang): str(v) for lang, v in (t or {}).items()}
        for k, t in names.items()
    }


def document_title(name: str, language: str) -> str:
    """A step document's name in `language` (the English name when none is given)."""
    return _document_names().get(name, {}).get(language, name)


def question_title(key: str, language: str) -> str:
    """The title of a question or gate key in `language` (the key itself when unknown)."""
    config = assessment_config()
    gate_key = key.removeprefix("gate.")
    found = (
        next((q for q in config.questions if q.key == key), None)
        or next((g for g in config.gates if g.key == gate_key), None)
        or next((d for d in config.dimensions if d.key == key), None)
    )
    return key if found is None else title_in(found.title, language)
