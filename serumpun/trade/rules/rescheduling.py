"""Repairing an event's schedule after a withdrawal: move as few meetings as possible.

Pure, like `rules/scheduling.py`, whose dataclasses it shares. `reschedule` drops the
withdrawn participants' meetings, keeps the other confirmed meetings (lexicographically
first: keep as many as possible, then move as few as possible), then fills the freed
capacity with the heaviest new meetings. When the kept meetings still fit where they are,
they are pinned to their slots and only the freed room is offered to new meetings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from serumpun.trade.rules.scheduling import (
    STATUS_UNKNOWN,
    Candidate,
    EventProblem,
    Meeting,
    make_solver,
    status_name,
)


@dataclass(frozen=True)
class Rescheduled:
    """The result of rescheduling after a withdrawal."""

    meetings: tuple[Meeting, ...]
    removed: tuple[Meeting, ...]
    #: (meeting in its new place, the slot it came from)
    moved: tuple[tuple[Meeting, int], ...]
    added: tuple[Meeting, ...]
    dropped: tuple[Meeting, ...]
    status: str
    seconds: float = 0.0

    @property
    def moved_count(self) -> int:
        """How many confirmed meetings changed slot."""
        return len(self.moved)

    @property
    def added_weight(self) -> int:
        """Total weight of the new meetings."""
        return sum(m.weight for m in self.added)


def reschedule(
    problem: EventProblem,
    current: Sequence[Meeting],
    withdrawn: Iterable[int],
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
) -> Rescheduled:
    """Drop the withdrawn participants' meetings, keep the rest in place where possible.

    Lexicographic objective: first keep as many confirmed meetings as possible, then move as
    few as possible, then maximise the weight of new meetings filling the freed capacity.
    `problem` describes the event as it is now (its candidates may still name the withdrawn
    participants; their pairs are ignored).
    """
    gone = set(withdrawn)
    removed = tuple(m for m in current if m.buyer in gone or m.msme in gone)
    kept = [m for m in current if m.buyer not in gone and m.msme not in gone]
    met = {m.pair for m in current}
    fresh = [
        c
        for c in problem.candidates
        if c.weight > 0
        and c.buyer not in gone
        and c.msme not in gone
        and (c.buyer, c.msme) not in met
    ]
    stay_feasible = _fits_in_place(problem, kept)
    model = _RescheduleModel(problem, kept, fresh, pin=stay_feasible)
    solver = make_solver(time_limit_s, workers)
    model.stage_one()
    code = solver.solve(model.model)
    seconds = solver.wall_time
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Rescheduled(tuple(kept), removed, (), (), (), STATUS_UNKNOWN, seconds)
    model.stage_two(round(solver.objective_value), solver)
    code2 = solver.solve(model.model)
    seconds += solver.wall_time
    if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - hinted
        return Rescheduled(tuple(kept), removed, (), (), (), STATUS_UNKNOWN, seconds)
    return model.read(
        solver, removed, status_name(max(code, code2, key=_rank)), seconds
    )


def _rank(code: Any) -> int:
    return 0 if code == cp_model.OPTIMAL else 1


def _fits_in_place(problem: EventProblem, kept: Sequence[Meeting]) -> bool:
    """Whether the kept meetings still satisfy the event's constraints where they are."""
    per_slot: dict[int, int] = defaultdict(int)
    busy: set[tuple[int, int]] = set()
    count: dict[int, int] = defaultdict(int)
    for m in kept:
        if not 0 <= m.slot < problem.slots:
            return False
        for p in (m.buyer, m.msme):
            if (p, m.slot) in busy or m.slot in problem.unavailable.get(p, ()):
                return False
            busy.add((p, m.slot))
            count[p] += 1
        per_slot[m.slot] += 1
    return all(n <= problem.tables for n in per_slot.values()) and all(
        n <= problem.max_meetings for n in count.values()
    )


class _RescheduleModel:
    """CP-SAT model: kept meetings y[m, s] (may move or drop), new meetings x[c, s]."""

    def __init__(
        self,
        problem: EventProblem,
        kept: Sequence[Meeting],
        fresh: Sequence[Candidate],
        *,
        pin: bool,
    ) -> None:
        self.problem, self.kept, self.fresh = problem, kept, fresh
        self.model = cp_model.CpModel()
        m = self.model
        # pinned: the kept meetings fit where they are, so stage one's optimum is to keep
        # them all in place; only the freed room is offered to new meetings
        room = [problem.tables] * problem.slots
        for k in kept:
            if 0 <= k.slot < problem.slots:
                room[k.slot] -= 1
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, k in enumerate(kept):
            slots = [k.slot] if pin else self._slots_for(k.buyer, k.msme)
            for s in slots:
                self.y[(i, s)] = m.new_bool_var(f"y{i}_{s}")
        used: dict[int, int] = defaultdict(int)
        busy: set[tuple[int, int]] = set()
        for k in kept:
            used[k.buyer] += 1
            used[k.msme] += 1
            busy.update({(k.buyer, k.slot), (k.msme, k.slot)})
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        for j, c in enumerate(fresh):
            if pin and (
                used[c.buyer] >= problem.capacity(c.buyer)
                or used[c.msme] >= problem.capacity(c.msme)
            ):
                continue
            for s in self._slots_for(c.buyer, c.msme):
                if pin and (
                    room[s] <= 0 or (c.buyer, s) in busy or (c.msme, s) in busy
                ):
                    continue
                self.x[(j, s)] = m.new_bool_var(f"x{j}_{s}")
        self._constrain()
        for (i, s), var in self.y.items():
            m.add_hint(var, s == kept[i].slot)
        kept_vars = list(self.y.items())
        self.held = sum(var for _, var in kept_vars)
        self.moves = sum(var for (i, s), var in kept_vars if s != kept[i].slot)
        self.new_weight = sum(fresh[j].weight * var for (j, _), var in self.x.items())
        self.first = (len(kept) + 1) * (len(kept) - self.held) + self.moves

    def _constrain(self) -> None:
        """Each item at most once, one meeting per person and slot, tables, limits."""
        by_item: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        by_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for key, var, (b, ms) in self._all_vars():
            by_item[key[0]].append(var)
            by_slot[key[1]].append(var)
            for p in (b, ms):
                by_person_slot[(p, key[1])].append(var)
                by_person[p].append(var)
        for vars_ in (*by_item.values(), *by_person_slot.values()):
            if len(vars_) > 1:
                self.model.add_at_most_one(vars_)
        for vars_ in by_slot.values():
            if len(vars_) > self.problem.tables:
                self.model.add(sum(vars_) <= self.problem.tables)
        for p, vars_ in by_person.items():
            cap = self.problem.capacity(p)
            if len(vars_) > cap:
                self.model.add(sum(vars_) <= cap)

    def _slots_for(self, buyer: int, msme: int) -> list[int]:
        both = set(self.problem.free_slots(buyer)) & set(self.problem.free_slots(msme))
        return sorted(both)

    def _all_vars(
        self,
    ) -> Iterable[tuple[tuple[tuple[str, int], int], cp_model.IntVar, tuple[int, int]]]:
        for (i, s), var in self.y.items():
            yield (("k", i), s), var, self.kept[i].pair
        for (j, s), var in self.x.items():
            c = self.fresh[j]
            yield (("n", j), s), var, (c.buyer, c.msme)

    def stage_one(self) -> None:
        self.model.minimize(self.first)

    def stage_two(self, best_first: int, solver: cp_model.CpSolver) -> None:
        self.model.add(self.first <= best_first)
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for var in (*self.y.values(), *self.x.values()):
            self.model.add_hint(var, solver.boolean_value(var))
        self.model.maximize(self.new_weight)

    def read(
        self,
        solver: cp_model.CpSolver,
        removed: tuple[Meeting, ...],
        status: str,
        seconds: float,
    ) -> Rescheduled:
        where = {i: s for (i, s), var in self.y.items() if solver.boolean_value(var)}
        stay, moved, dropped = [], [], []
        taken: dict[int, set[int]] = defaultdict(set)
        for i, k in enumerate(self.kept):
            if where.get(i) == k.slot:
                stay.append(k)
                taken[k.slot].add(k.table)
        for i, k in enumerate(self.kept):
            if i not in where:
                dropped.append(k)
            elif where[i] != k.slot:
                table = self._free_table(taken, where[i])
                moved.append(
                    (Meeting(k.buyer, k.msme, where[i], table, k.weight), k.slot)
                )
        added = []
        for (j, s), var in sorted(self.x.items()):
            if solver.boolean_value(var):
                c = self.fresh[j]
                added.append(
                    Meeting(c.buyer, c.msme, s, self._free_table(taken, s), c.weight)
                )
        meetings = sorted(
            [*stay, *(m for m, _ in moved), *added], key=lambda m: (m.slot, m.table)
        )
        return Rescheduled(
            tuple(meetings),
            removed,
            tuple(moved),
            tuple(added),
            tuple(dropped),
            status,
            seconds,
        )

    def _free_table(self, taken: dict[int, set[int]], slot: int) -> int:
        table = next(
            t for t in range(1, self.problem.tables + 1) if t not in taken[slot]
        )
        taken[slot].add(table)
        return table
