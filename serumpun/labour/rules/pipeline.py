"""The placement pipeline (issue 7 §8): its stages, the moves allowed between them, and which
placements are stuck.

Pure: stage names are plain strings equal to `labour.models.Stage`; thresholds come in as
arguments (read from data/labour/pipeline.yaml by the caller) and `as_of` is passed in.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: the stages in the order a placement normally passes them
STAGES: tuple[str, ...] = (
    "registered",
    "matched",
    "interviewed",
    "selected",
    "training",
    "documents_complete",
    "orientation",
    "departed",
    "working",
    "completed",
    "returned",
    "withdrawn",
)
TERMINAL: frozenset[str] = frozenset({"completed", "returned", "withdrawn"})
#: stages before departure, from which a placement may end without the worker leaving
#: (not selected, the worker withdrew, the order was cancelled)
BEFORE_DEPARTURE: frozenset[str] = frozenset(
    {"registered", "matched", "interviewed", "selected", "training"}
    | {"documents_complete", "orientation"}
)
#: stages after the worker has left Indonesia (welfare check-ins and grievances from abroad)
ABROAD: frozenset[str] = frozenset({"departed", "working"})

#: where each stage may go next. Training is skipped when the worker already holds the
#: competence certificate (UU 18/2017 Art. 13); a worker abroad may come home early; before
#: departure a placement may end as withdrawn.
_FORWARD: Mapping[str, frozenset[str]] = {
    "registered": frozenset({"matched"}),
    "matched": frozenset({"interviewed"}),
    "interviewed": frozenset({"selected"}),
    "selected": frozenset({"training", "documents_complete"}),
    "training": frozenset({"documents_complete"}),
    "documents_complete": frozenset({"orientation"}),
    "orientation": frozenset({"departed"}),
    "departed": frozenset({"working", "returned"}),
    "working": frozenset({"completed", "returned"}),
}
TRANSITIONS: Mapping[str, frozenset[str]] = {
    **{
        stage: nexts | ({"withdrawn"} if stage in BEFORE_DEPARTURE else frozenset())
        for stage, nexts in _FORWARD.items()
    },
    **{stage: frozenset() for stage in TERMINAL},
}


class TransitionError(ValueError):
    """A move the pipeline does not allow; `code` says why."""

    def __init__(self, code: str, from_stage: str, to_stage: str) -> None:
        self.code = code
        self.from_stage = from_stage
        self.to_stage = to_stage
        super().__init__(f"{code}: {from_stage} → {to_stage}")


def next_stages(stage: str) -> tuple[str, ...]:
    """The stages `stage` may move to, in pipeline order."""
    allowed = TRANSITIONS.get(stage, frozenset())
    return tuple(s for s in STAGES if s in allowed)


def check_transition(from_stage: str, to_stage: str) -> None:
    """Raise TransitionError unless a placement may move from `from_stage` to `to_stage`."""
    if from_stage not in TRANSITIONS or to_stage not in TRANSITIONS:
        raise TransitionError("unknown_stage", from_stage, to_stage)
    if from_stage in TERMINAL:
        raise TransitionError("finished", from_stage, to_stage)
    if from_stage == to_stage:
        raise TransitionError("same_stage", from_stage, to_stage)
    if to_stage not in TRANSITIONS[from_stage]:
        raise TransitionError("not_allowed", from_stage, to_stage)


# --- Stuck stages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StuckThreshold:
    """How long a placement may stay in one stage, and why."""

    stage: str
    days: int
    reason: str = ""


@dataclass(frozen=True)
class StuckPlacement:
    """A placement that has stayed in its stage longer than the threshold allows."""

    key: Hashable
    stage: str
    since: date
    days_in_stage: int
    threshold_days: int


def stuck_cutoffs(
    thresholds: Mapping[str, StuckThreshold], as_of: date
) -> dict[str, date]:
    """Per stage, the day on or before which entering the stage means stuck on `as_of`."""
    return {
        stage: as_of - timedelta(days=t.days)
        for stage, t in thresholds.items()
        if stage not in TERMINAL
    }


def stuck_placements(
    stages_with_since: Iterable[tuple[Hashable, str, date]],
    as_of: date,
    *,
    thresholds: Mapping[str, StuckThreshold],
) -> list[StuckPlacement]:
    """The (key, stage, entered-on) rows stuck on `as_of`, longest-stuck first.

    A placement is stuck once it has spent *more* days in its stage than the threshold; a
    stage with no threshold (working, the end stages) never is.
    """
    cutoffs = stuck_cutoffs(thresholds, as_of)
    stuck = [
        StuckPlacement(
            key=key,
            stage=stage,
            since=since,
            days_in_stage=(as_of - since).days,
            threshold_days=thresholds[stage].days,
        )
        for key, stage, since in stages_with_since
        if stage in cutoffs and since < cutoffs[stage]
    ]
    stuck.sort(key=lambda s: (s.threshold_days - s.days_in_stage, str(s.key)))
    return stuck


# --- Timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One stage of a placement's history: when it was entered and how long it lasted."""

    stage: str
    entered: datetime
    left: datetime | None
    days: int
    current: bool


def timeline(
    events: Sequence[tuple[str, datetime]], now: datetime
) -> list[TimelineEntry]:
    """Stage entries from the placement's events (in time order), the last one still open."""
    entries = []
    for index, (stage, entered) in enumerate(events):
        left = events[index + 1][1] if index + 1 < len(events) else None
        end = left or now
        entries.append(
            TimelineEntry(
                stage=stage,
                entered=entered,
                left=left,
                days=max((end - entered).days, 0),
                current=left is None,
            )
        )
    return entries


# --- Welfare check-ins and grievance response times ---------------------------------------------


def checkin_dates(departed_on: date, offsets_days: Iterable[int]) -> list[date]:
    """The days welfare check-ins fall due after departure (sorted, without repeats)."""
    return sorted({departed_on + timedelta(days=int(d)) for d in offsets_days})


@dataclass(frozen=True)
class ResponseTimes:
    """How fast grievances get a first answer."""

    answered: int
    median_days: float | None
    unanswered: int
    overdue: int  # unanswered for longer than the target


def response_times(
    grievances: Iterable[tuple[datetime, datetime | None]],
    now: datetime,
    *,
    target_days: int,
) -> ResponseTimes:
    """Median days from filing to first response, and how many still wait (and too long)."""
    answered: list[float] = []
    unanswered = overdue = 0
    for filed, first_response in grievances:
        if first_response is not None:
            answered.append((first_response - filed).total_seconds() / 86400)
            continue
        unanswered += 1
        if (now - filed) > timedelta(days=target_days):
            overdue += 1
    return ResponseTimes(
        answered=len(answered),
        median_days=round(statistics.median(answered), 1) if answered else None,
        unanswered=unanswered,
        overdue=overdue,
    )
