"""The deals pipeline (issue 5 §5): legal moves between lead stages, who may make them, and the
funnel's conversion rates.

Pure: stage names are plain strings equal to `trade.models.LeadStage`; the moves table and the
movers come in as arguments (read from data/trade/deals.yaml by the caller).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

#: the stages in the order a deal normally passes them ("lost" ends a lead at any point)
CHAIN: tuple[str, ...] = (
    "introduced",
    "sample_sent",
    "negotiating",
    "ordered",
    "shipped",
    "paid",
)
LOST = "lost"
STAGES: tuple[str, ...] = (*CHAIN, LOST)
FINAL: frozenset[str] = frozenset({"paid", LOST})

#: the sides of a lead; the attaché records moves on either side's behalf
BUYER, MSME, ATTACHE = "buyer", "msme", "attache"
EITHER = "either"


class MoveError(ValueError):
    """A move the pipeline does not allow; `code` says why."""

    def __init__(self, code: str, from_stage: str, to_stage: str) -> None:
        self.code = code
        self.from_stage = from_stage
        self.to_stage = to_stage
        super().__init__(f"{code}: {from_stage} → {to_stage}")


def check_move(
    moves: Mapping[str, Iterable[str]],
    movers: Mapping[str, str],
    *,
    from_stage: str,
    to_stage: str,
    side: str,
) -> None:
    """Raise MoveError unless `side` may move a lead from `from_stage` to `to_stage`.

    Codes: unknown_stage, finished (from paid/lost), same_stage, not_allowed (not in the
    table), wrong_side (the other party records this stage).
    """
    if from_stage not in moves or to_stage not in STAGES:
        raise MoveError("unknown_stage", from_stage, to_stage)
    if from_stage in FINAL:
        raise MoveError("finished", from_stage, to_stage)
    if from_stage == to_stage:
        raise MoveError("same_stage", from_stage, to_stage)
    if to_stage not in set(moves[from_stage]):
        raise MoveError("not_allowed", from_stage, to_stage)
    mover = movers.get(to_stage, EITHER)
    if side != ATTACHE and mover not in (EITHER, side):
        raise MoveError("wrong_side", from_stage, to_stage)


def next_stages(
    moves: Mapping[str, Iterable[str]], movers: Mapping[str, str], stage: str, side: str
) -> tuple[str, ...]:
    """The stages `side` may move a lead in `stage` to, in pipeline order."""
    allowed: list[str] = []
    for target in STAGES:
        try:
            check_move(moves, movers, from_stage=stage, to_stage=target, side=side)
        except MoveError:
            continue
        allowed.append(target)
    return tuple(allowed)


# --- The funnel ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    """How many leads reached a stage, and what share of the previous stage's did."""

    stage: str
    reached: int
    #: reached / previous stage's reached (None for the first stage or when none reached it)
    conversion: float | None


def funnel(furthest: Mapping[int, int]) -> list[FunnelStep]:
    """The funnel from `furthest`: chain index of the furthest stage reached → number of leads.

    A lead *reached* a stage when its history moved it into that stage or any later one of the
    chain (a skipped sample still counts as passed); a lead lost at negotiating reached
    negotiating and nothing beyond. Conversion into a stage = reached it / reached the one
    before.
    """
    steps: list[FunnelStep] = []
    previous: int | None = None
    for index, stage in enumerate(CHAIN):
        reached = sum(n for i, n in furthest.items() if i >= index)
        conversion = None if not previous else reached / previous
        steps.append(FunnelStep(stage=stage, reached=reached, conversion=conversion))
        previous = reached
    return steps


def furthest_index(stages: Sequence[str]) -> int:
    """The chain index of the furthest stage among `stages` (0 when none is on the chain)."""
    return max((CHAIN.index(s) for s in stages if s in CHAIN), default=0)


def idle_cutoff(as_of: date, idle_days: int) -> date:
    """A lead whose last activity fell on or before this day is idle on `as_of`."""
    return as_of - timedelta(days=idle_days)
