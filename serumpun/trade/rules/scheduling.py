"""Business-matching event scheduler: one-to-one buyer × MSME meetings in time slots.

Pure: dataclasses in, a `Schedule` out; no Django, no database, no clock.

The problem (issue 5 §7): every participant meets at most one counterpart per slot, a slot
holds at most `tables` meetings, a participant has at most `max_meetings` meetings, a pair
meets at most once, only pairs where at least one side wished are candidates, and the total
weight of the meetings held is maximised. A participant may be unavailable in some slots.

How it is solved (a decomposition that loses nothing when nobody is unavailable):

1. **Pairs** — a bipartite b-matching with one extra row: choose candidate pairs so that each
   participant has at most `min(max_meetings, slots they can attend)` meetings and there are
   at most `slots × tables` meetings in all, maximising weight. Solved with OR-Tools CP-SAT
   within the time limit (the greedy schedule is the hint). Every schedule of the full
   problem is a feasible pair choice, so the solver's proven bound for this model is an
   honest upper bound on the full problem's optimum: `Schedule.bound`.
2. **Slots** — the chosen pairs form a bipartite graph of maximum degree ≤ slots, so König's
   theorem gives a proper edge colouring with `slots` colours (colour = slot), and de Werra's
   theorem says it can be made *equitable*: every colour class holds ⌊E/slots⌋ or ⌈E/slots⌉
   edges. With E ≤ slots × tables that is ≤ tables per slot, so table capacity holds and
   every chosen pair is placed: the schedule's weight equals the pair model's. The colouring
   is built by alternating-path swaps and balanced by swapping colours on a path that holds
   one more edge of the fuller colour.
3. When someone is unavailable in some slots the colouring argument no longer applies (list
   edge colouring), so the chosen pairs are placed by a second CP-SAT model that maximises
   the weight placed; pairs it cannot place are dropped (the bound stays valid, the ratio
   shows the loss).

`greedy_schedule` is the baseline (heaviest pair first, earliest slot both sides and a table
are free). Repairing a schedule after a withdrawal lives in `rules/rescheduling.py`.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ortools.sat.python import cp_model

STATUS_OPTIMAL = "optimal"
STATUS_FEASIBLE = "feasible"
STATUS_EMPTY = "empty"
STATUS_UNKNOWN = "unknown"

#: fixed, so the same input gives the same schedule (as far as a time limit allows)
SOLVER_SEED = 2026
#: weights are integers for CP-SAT: a weight of 1.0 is this many points
WEIGHT_SCALE = 1000


@dataclass(frozen=True)
class WishWeights:
    """How wishes and match scores make a meeting's weight (data/trade/events.yaml)."""

    #: points of a wish by its priority (1 = first choice … 3)
    priority_points: Mapping[int, float]
    #: factor applied when both sides wished to meet each other
    mutual_factor: float
    #: share of the weight a pair keeps even with match score 0
    score_floor: float

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> WishWeights:
        """Read the `weights` entry of events.yaml; ValueError names the bad entry."""
        raw_points = data.get("priority_points")
        if not isinstance(raw_points, Mapping) or set(raw_points) != {1, 2, 3}:
            msg = "weights.priority_points must give points for priorities 1, 2 and 3"
            raise ValueError(msg)
        points = {}
        for priority, value in raw_points.items():
            if not isinstance(value, int | float) or value <= 0:
                msg = f"weights.priority_points.{priority} must be a positive number"
                raise ValueError(msg)
            points[int(priority)] = float(value)
        mutual = data.get("mutual_factor")
        if not isinstance(mutual, int | float) or mutual < 1:
            msg = "weights.mutual_factor must be a number ≥ 1"
            raise ValueError(msg)
        floor = data.get("score_floor")
        if not isinstance(floor, int | float) or not 0 < floor <= 1:
            msg = "weights.score_floor must be in (0, 1]"
            raise ValueError(msg)
        return cls(MappingProxyType(points), float(mutual), float(floor))


def meeting_weight(
    buyer_priority: int | None,
    msme_priority: int | None,
    match_score: float,
    weights: WishWeights,
) -> int:
    """The integer weight of a buyer–MSME meeting; 0 when neither side wished.

    weight = (points(buyer's wish) + points(MSME's wish)) × (mutual_factor if both wished)
             × (score_floor + (1 − score_floor) × match_score) × WEIGHT_SCALE
    """
    points = sum(
        weights.priority_points.get(p, 0.0)
        for p in (buyer_priority, msme_priority)
        if p is not None
    )
    if points <= 0:
        return 0
    if buyer_priority is not None and msme_priority is not None:
        points *= weights.mutual_factor
    score = min(1.0, max(0.0, match_score))
    fit = weights.score_floor + (1.0 - weights.score_floor) * score
    return max(1, round(points * fit * WEIGHT_SCALE))


@dataclass(frozen=True)
class Candidate:
    """A pair that may meet (at least one side wished), with its weight."""

    buyer: int
    msme: int
    weight: int


@dataclass(frozen=True)
class EventProblem:
    """An event to schedule: its shape, participants (ids) and candidate pairs."""

    slots: int
    tables: int
    max_meetings: int
    buyers: tuple[int, ...]
    msmes: tuple[int, ...]
    candidates: tuple[Candidate, ...]
    #: participant id → slot indexes (0-based) they cannot attend
    unavailable: Mapping[int, frozenset[int]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        if self.slots < 0 or self.tables < 0 or self.max_meetings < 0:
            msg = "slots, tables and max_meetings must not be negative"
            raise ValueError(msg)
        buyers, msmes = set(self.buyers), set(self.msmes)
        if buyers & msmes:
            msg = "a participant cannot be on both sides"
            raise ValueError(msg)
        seen: set[tuple[int, int]] = set()
        for c in self.candidates:
            if c.buyer not in buyers or c.msme not in msmes:
                msg = f"candidate {c.buyer}–{c.msme} is not a buyer–MSME pair"
                raise ValueError(msg)
            if (c.buyer, c.msme) in seen:
                msg = f"candidate {c.buyer}–{c.msme} appears twice"
                raise ValueError(msg)
            seen.add((c.buyer, c.msme))

    def free_slots(self, participant: int) -> list[int]:
        """Slots the participant can attend."""
        blocked = self.unavailable.get(participant, frozenset())
        return [s for s in range(self.slots) if s not in blocked]

    def capacity(self, participant: int) -> int:
        """How many meetings the participant can have at most."""
        return min(self.max_meetings, len(self.free_slots(participant)))

    @property
    def has_unavailability(self) -> bool:
        """Whether anybody is unavailable in some slot."""
        return any(self.unavailable.get(p) for p in (*self.buyers, *self.msmes))


@dataclass(frozen=True)
class Meeting:
    """A scheduled meeting: who, in which slot (0-based), at which table (1-based)."""

    buyer: int
    msme: int
    slot: int
    table: int
    weight: int

    @property
    def pair(self) -> tuple[int, int]:
        """The (buyer, MSME) pair."""
        return (self.buyer, self.msme)


@dataclass(frozen=True)
class Schedule:
    """A schedule with its total weight, the solver's proven upper bound, and status."""

    meetings: tuple[Meeting, ...]
    objective: int
    bound: int
    status: str
    seconds: float = 0.0

    @property
    def ratio_to_bound(self) -> float:
        """Objective over the proven bound (1.0 when the bound is 0)."""
        return self.objective / self.bound if self.bound else 1.0


def status_name(code: Any) -> str:
    """Our name of a CP-SAT status code (also used by `rules/rescheduling.py`)."""
    if code == cp_model.OPTIMAL:
        return STATUS_OPTIMAL
    if code == cp_model.FEASIBLE:
        return STATUS_FEASIBLE
    return STATUS_UNKNOWN


def make_solver(time_limit_s: float, workers: int) -> cp_model.CpSolver:
    """A CP-SAT solver with the time limit, worker count and fixed seed of every run."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = SOLVER_SEED
    return solver


def _number_tables(meetings: Iterable[tuple[Candidate, int]]) -> list[Meeting]:
    """Give each slot's meetings tables 1, 2, … in a stable order."""
    by_slot: dict[int, list[Candidate]] = defaultdict(list)
    for cand, slot in meetings:
        by_slot[slot].append(cand)
    placed = []
    for slot in sorted(by_slot):
        ordered = sorted(by_slot[slot], key=lambda c: (c.buyer, c.msme))
        for table, c in enumerate(ordered, start=1):
            placed.append(Meeting(c.buyer, c.msme, slot, table, c.weight))
    return placed


# --- greedy baseline ---------------------------------------------------------------------


def greedy_schedule(problem: EventProblem) -> Schedule:
    """Baseline: heaviest pair first, in the earliest slot where both and a table are free."""
    busy: dict[int, set[int]] = defaultdict(set)
    count: dict[int, int] = defaultdict(int)
    per_slot = [0] * problem.slots
    chosen: list[tuple[Candidate, int]] = []
    blocked = problem.unavailable
    order = sorted(problem.candidates, key=lambda c: (-c.weight, c.buyer, c.msme))
    for c in order:
        if c.weight <= 0:
            continue
        if (
            count[c.buyer] >= problem.max_meetings
            or count[c.msme] >= problem.max_meetings
        ):
            continue
        for s in range(problem.slots):
            if per_slot[s] >= problem.tables or s in busy[c.buyer] or s in busy[c.msme]:
                continue
            if s in blocked.get(c.buyer, ()) or s in blocked.get(c.msme, ()):
                continue
            busy[c.buyer].add(s)
            busy[c.msme].add(s)
            count[c.buyer] += 1
            count[c.msme] += 1
            per_slot[s] += 1
            chosen.append((c, s))
            break
    meetings = _number_tables(chosen)
    total = sum(m.weight for m in meetings)
    return Schedule(tuple(meetings), total, total, STATUS_FEASIBLE)


# --- step 1: pairs -------------------------------------------------------------------------


def choose_pairs(
    problem: EventProblem,
    *,
    time_limit_s: float,
    workers: int,
    hint: Iterable[tuple[int, int]] = (),
) -> tuple[list[Candidate], int, int, str, float]:
    """The pair model: (chosen pairs, objective, proven bound, status, seconds)."""
    usable = [c for c in problem.candidates if c.weight > 0]
    if not usable or problem.slots == 0 or problem.tables == 0:
        return [], 0, 0, STATUS_EMPTY, 0.0
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(usable))]
    incident: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for var, c in zip(x, usable, strict=True):
        incident[c.buyer].append(var)
        incident[c.msme].append(var)
    for participant, vars_ in incident.items():
        cap = problem.capacity(participant)
        if len(vars_) > cap:
            model.add(sum(vars_) <= cap)
    if len(x) > problem.slots * problem.tables:
        model.add(sum(x) <= problem.slots * problem.tables)
    model.maximize(sum(c.weight * var for var, c in zip(x, usable, strict=True)))
    hinted = set(hint)
    for var, c in zip(x, usable, strict=True):
        model.add_hint(var, (c.buyer, c.msme) in hinted)
    solver = make_solver(time_limit_s, workers)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], 0, 0, STATUS_UNKNOWN, solver.wall_time
    chosen = [c for var, c in zip(x, usable, strict=True) if solver.boolean_value(var)]
    objective = sum(c.weight for c in chosen)
    bound = math.floor(solver.best_objective_bound + 1e-6)
    return chosen, objective, max(bound, objective), status_name(code), solver.wall_time


# --- step 2: slots by equitable edge colouring ------------------------------------------------


class _Colouring:
    """A proper edge colouring of a bipartite graph; colour = slot."""

    def __init__(self, pairs: Sequence[Candidate], colours: int) -> None:
        self.pairs = pairs
        self.colours = colours
        self.colour: list[int] = [-1] * len(pairs)
        #: node → colour → edge index
        self.at: dict[tuple[str, int], dict[int, int]] = defaultdict(dict)

    def _ends(self, e: int) -> tuple[tuple[str, int], tuple[str, int]]:
        return ("b", self.pairs[e].buyer), ("m", self.pairs[e].msme)

    def _set(self, e: int, colour: int) -> None:
        for node in self._ends(e):
            self.at[node][colour] = e
        self.colour[e] = colour

    def _unset(self, e: int) -> None:
        for node in self._ends(e):
            del self.at[node][self.colour[e]]
        self.colour[e] = -1

    def _free(self, node: tuple[str, int]) -> int:
        used = self.at[node]
        return next(c for c in range(self.colours) if c not in used)

    def _path(self, start: tuple[str, int], first: int, second: int) -> list[int]:
        """Edges of the path from `start` alternating colours first, second, first, …"""
        path: list[int] = []
        node, colour = start, first
        while colour in self.at[node]:
            e = self.at[node][colour]
            path.append(e)
            u, v = self._ends(e)
            node = v if node == u else u
            colour = second if colour == first else first
        return path

    def _swap(self, path: Sequence[int], a: int, b: int) -> None:
        old = [(e, self.colour[e]) for e in path]
        for e, _ in old:
            self._unset(e)
        for e, c in old:
            self._set(e, b if c == a else a)

    def colour_all(self) -> None:
        """König: colour every edge with ≤ `colours` colours (max degree ≤ colours)."""
        for e in range(len(self.pairs)):
            u, v = self._ends(e)
            a, b = self._free(u), self._free(v)
            if a not in self.at[v]:
                self._set(e, a)
                continue
            # the a/b path from v cannot reach u in a bipartite graph; swapping frees a at v
            self._swap(self._path(v, a, b), a, b)
            self._set(e, a)

    def balance(self, limit: int) -> None:
        """de Werra: move edges from over-full colours until each holds ≤ `limit`."""
        sizes = [0] * self.colours
        for c in self.colour:
            sizes[c] += 1
        while max(sizes) > limit:
            a = max(range(self.colours), key=lambda c: sizes[c])
            b = min(range(self.colours), key=lambda c: sizes[c])
            for node, used in list(self.at.items()):
                if a not in used or b in used:
                    continue
                path = self._path(node, a, b)
                if len(path) % 2 == 1:  # starts and ends with a: one more a than b
                    self._swap(path, a, b)
                    sizes[a] -= 1
                    sizes[b] += 1
                    break
            else:  # pragma: no cover - impossible while sizes[a] > sizes[b] (de Werra)
                msg = "no alternating path to balance colours"
                raise AssertionError(msg)


def slot_by_colouring(
    pairs: Sequence[Candidate], slots: int, tables: int
) -> list[Meeting]:
    """Place pairs whose degrees are ≤ slots and count ≤ slots × tables; all are placed."""
    if not pairs:
        return []
    colouring = _Colouring(pairs, slots)
    colouring.colour_all()
    colouring.balance(tables)
    return _number_tables(zip(pairs, colouring.colour, strict=True))


def slot_by_solver(
    problem: EventProblem,
    pairs: Sequence[Candidate],
    *,
    time_limit_s: float,
    workers: int,
    hint: Iterable[Meeting] = (),
) -> tuple[list[Meeting], int, str]:
    """Pairs placed in slots respecting unavailability, maximising the weight placed.

    A time-indexed model (one variable per pair × slot both can attend): each pair at
    most once, each participant at most once per slot and at most `max_meetings` in all,
    at most `tables` per slot. Given every candidate it is the whole problem, so its
    bound is a proven bound on any schedule. Returns (meetings, bound, status).
    """
    usable = [c for c in pairs if c.weight > 0]
    if not usable or problem.slots == 0 or problem.tables == 0:
        return [], 0, STATUS_EMPTY
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, c in enumerate(usable):
        free = set(problem.free_slots(c.buyer)) & set(problem.free_slots(c.msme))
        for s in sorted(free):
            x[(i, s)] = model.new_bool_var(f"x{i}_{s}")
    by_pair: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (i, s), var in x.items():
        by_pair[i].append(var)
        by_slot[s].append(var)
        for person in (usable[i].buyer, usable[i].msme):
            by_person_slot[(person, s)].append(var)
            by_person[person].append(var)
    for vars_ in (*by_pair.values(), *by_person_slot.values()):
        model.add_at_most_one(vars_)
    for vars_ in by_slot.values():
        model.add(sum(vars_) <= problem.tables)
    for vars_ in by_person.values():
        if len(vars_) > problem.max_meetings:
            model.add(sum(vars_) <= problem.max_meetings)
    model.maximize(sum(usable[i].weight * var for (i, _), var in x.items()))
    started = {(m.buyer, m.msme, m.slot) for m in hint}
    for (i, s), var in x.items():
        model.add_hint(var, (usable[i].buyer, usable[i].msme, s) in started)
    solver = make_solver(time_limit_s, workers)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], 0, STATUS_UNKNOWN
    placed = [(usable[i], s) for (i, s), var in x.items() if solver.boolean_value(var)]
    bound = math.floor(solver.best_objective_bound + 1e-6)
    return _number_tables(placed), bound, status_name(code)


def schedule_event(
    problem: EventProblem, *, time_limit_s: float = 60.0, workers: int = 2
) -> Schedule:
    """The schedule of largest total weight the solver finds, with its proven bound."""
    deadline = time.monotonic() + time_limit_s
    greedy = greedy_schedule(problem)
    pairs, _, bound, status, seconds = choose_pairs(
        problem,
        time_limit_s=time_limit_s,
        workers=workers,
        hint=[m.pair for m in greedy.meetings],
    )
    if problem.has_unavailability:
        # The chosen pairs may not all fit the slots people can attend, and pairs left
        # out might: place the chosen ones (from a colouring that ignores who is away);
        # unless that reaches the pair model's bound (then it is optimal), solve the
        # whole time-indexed model from that start (exact when it proves optimality;
        # never worse than the start). The two share what is left of the time limit.
        def left(share: float) -> float:
            return max(1.0, (deadline - time.monotonic()) * share)

        meetings, _, _ = slot_by_solver(
            problem,
            pairs,
            time_limit_s=left(0.5),
            workers=workers,
            hint=slot_by_colouring(pairs, problem.slots, problem.tables),
        )
        if sum(m.weight for m in meetings) < bound:
            found, full_bound, full_status = slot_by_solver(
                problem,
                problem.candidates,
                time_limit_s=left(1.0),
                workers=workers,
                hint=meetings,
            )
            if sum(m.weight for m in found) > sum(m.weight for m in meetings):
                meetings = found
            if full_status in (STATUS_OPTIMAL, STATUS_FEASIBLE):  # a proven bound too
                bound = min(bound, max(full_bound, sum(m.weight for m in meetings)))
            status = full_status if full_status != STATUS_UNKNOWN else STATUS_FEASIBLE
    else:
        meetings = slot_by_colouring(pairs, problem.slots, problem.tables)
    objective = sum(m.weight for m in meetings)
    if (
        objective < greedy.objective
    ):  # time ran out badly: never worse than the baseline
        meetings, objective = list(greedy.meetings), greedy.objective
        status = STATUS_FEASIBLE
    bound = max(bound, objective)
    return Schedule(tuple(meetings), objective, bound, status, seconds)
