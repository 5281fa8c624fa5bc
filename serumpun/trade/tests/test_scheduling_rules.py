"""The event scheduler (rules/scheduling.py, rules/rescheduling.py): constraints,
optimality, greedy, reschedule."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serumpun.trade.rules.rescheduling import reschedule
from serumpun.trade.rules.scheduling import (
    Candidate,
    EventProblem,
    Meeting,
    WishWeights,
    greedy_schedule,
    meeting_weight,
    schedule_event,
    slot_by_colouring,
)

WEIGHTS = WishWeights({1: 3.0, 2: 2.0, 3: 1.0}, mutual_factor=1.5, score_floor=0.2)


def broken_constraints(
    problem: EventProblem, meetings: tuple[Meeting, ...]
) -> list[str]:
    wished = {(c.buyer, c.msme) for c in problem.candidates}
    found = []
    if any(n > problem.tables for n in Counter(m.slot for m in meetings).values()):
        found.append("tables")
    people = Counter((p, m.slot) for m in meetings for p in (m.buyer, m.msme))
    if any(n > 1 for n in people.values()):
        found.append("twice in a slot")
    count = Counter(p for m in meetings for p in (m.buyer, m.msme))
    if any(n > problem.max_meetings for n in count.values()):
        found.append("max meetings")
    if any(n > 1 for n in Counter(m.pair for m in meetings).values()):
        found.append("pair twice")
    if any(m.pair not in wished for m in meetings):
        found.append("not wished")
    if any(not 1 <= m.table <= problem.tables for m in meetings):
        found.append("table number")
    if any(m.slot in problem.unavailable.get(p, ()) for m in meetings for p in m.pair):
        found.append("unavailable")
    return found


@st.composite
def problems(draw: st.DrawFn) -> EventProblem:
    n_buyers = draw(st.integers(1, 5))
    n_msmes = draw(st.integers(1, 6))
    buyers = tuple(range(1, n_buyers + 1))
    msmes = tuple(range(100, 100 + n_msmes))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(buyers), st.sampled_from(msmes)), unique=True
        )
    )
    candidates = tuple(Candidate(b, m, draw(st.integers(1, 50))) for b, m in pairs)
    slots = draw(st.integers(1, 4))
    unavailable = {}
    if draw(st.booleans()):
        for p in (*buyers, *msmes):
            unavailable[p] = frozenset(
                draw(st.sets(st.integers(0, slots - 1), max_size=2))
            )
    return EventProblem(
        slots=slots,
        tables=draw(st.integers(1, 4)),
        max_meetings=draw(st.integers(1, 4)),
        buyers=buyers,
        msmes=msmes,
        candidates=candidates,
        unavailable=unavailable,
    )


def brute_force_optimum(problem: EventProblem) -> int:
    """Try every assignment of each candidate to a slot or to nothing."""
    best = 0
    options = [(-1, *range(problem.slots))] * len(problem.candidates)
    for choice in itertools.product(*options):
        meetings = tuple(
            Meeting(c.buyer, c.msme, s, 1, c.weight)
            for c, s in zip(problem.candidates, choice, strict=True)
            if s >= 0
        )
        per_slot = Counter(m.slot for m in meetings)
        people = Counter((p, m.slot) for m in meetings for p in m.pair)
        count = Counter(p for m in meetings for p in m.pair)
        if (
            all(n <= problem.tables for n in per_slot.values())
            and all(n <= 1 for n in people.values())
            and all(n <= problem.max_meetings for n in count.values())
            and not any(
                m.slot in problem.unavailable.get(p, ())
                for m in meetings
                for p in m.pair
            )
        ):
            best = max(best, sum(m.weight for m in meetings))
    return best


@pytest.mark.parametrize(
    ("buyer", "msme", "score", "expected"),
    [
        (None, None, 0.9, 0),
        (1, None, 1.0, 3000),
        (None, 3, 1.0, 1000),
        (1, 1, 1.0, 9000),  # mutual: (3 + 3) × 1.5
        (1, None, 0.0, 600),  # the floor keeps a fifth
        (2, None, 0.5, 1200),
    ],
)
def test_meeting_weight(buyer, msme, score, expected):
    assert meeting_weight(buyer, msme, score, WEIGHTS) == expected


def test_mutual_wish_weighs_more_than_either_alone():
    mutual = meeting_weight(2, 2, 0.5, WEIGHTS)
    assert mutual > meeting_weight(2, None, 0.5, WEIGHTS) + meeting_weight(
        None, 2, 0.5, WEIGHTS
    )


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (
            {"priority_points": {1: 3}, "mutual_factor": 1.5, "score_floor": 0.2},
            "priority_points",
        ),
        (
            {
                "priority_points": {1: 3, 2: 2, 3: -1},
                "mutual_factor": 1.5,
                "score_floor": 0.2,
            },
            "3",
        ),
        (
            {
                "priority_points": {1: 3, 2: 2, 3: 1},
                "mutual_factor": 0.5,
                "score_floor": 0.2,
            },
            "mutual",
        ),
        (
            {
                "priority_points": {1: 3, 2: 2, 3: 1},
                "mutual_factor": 1.5,
                "score_floor": 0,
            },
            "floor",
        ),
    ],
)
def test_bad_weights_name_the_entry(data, named):
    with pytest.raises(ValueError, match=named):
        WishWeights.from_mapping(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_schedule_respects_every_constraint_and_beats_greedy(problem):
    schedule = schedule_event(problem, time_limit_s=5, workers=1)
    greedy = greedy_schedule(problem)
    assert broken_constraints(problem, schedule.meetings) == []
    assert broken_constraints(problem, greedy.meetings) == []
    assert greedy.objective <= schedule.objective <= schedule.bound
    assert schedule.objective == sum(m.weight for m in schedule.meetings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems().filter(lambda p: len(p.candidates) <= 6 and p.slots <= 3))
def test_schedule_is_optimal_on_tiny_events(problem):
    schedule = schedule_event(problem, time_limit_s=5, workers=1)
    assert schedule.objective == brute_force_optimum(problem)


def test_equitable_colouring_fills_every_table_exactly():
    # a complete 4 × 4 bipartite graph, 4 slots of 4 tables: a Latin square is the only way
    pairs = [Candidate(b, m, 1) for b in range(4) for m in range(10, 14)]
    meetings = slot_by_colouring(pairs, slots=4, tables=4)
    assert len(meetings) == 16
    assert Counter(m.slot for m in meetings) == dict.fromkeys(range(4), 4)


def test_tables_bind_and_colouring_still_places_everything():
    # 6 disjoint pairs fit one slot by people, but only 2 tables: they must spread over 3 slots
    pairs = [Candidate(b, 10 + b, 5) for b in range(6)]
    problem = EventProblem(3, 2, 1, tuple(range(6)), tuple(range(10, 16)), tuple(pairs))
    schedule = schedule_event(problem, time_limit_s=5, workers=1)
    assert len(schedule.meetings) == 6
    assert schedule.status == "optimal"
    assert broken_constraints(problem, schedule.meetings) == []


def test_greedy_can_be_beaten():
    # greedy gives buyer 1 the heavy MSME 10 and leaves buyer 2 (who only wants 10) out
    problem = EventProblem(
        1,
        2,
        1,
        (1, 2),
        (10, 11),
        (Candidate(1, 10, 10), Candidate(1, 11, 9), Candidate(2, 10, 9)),
    )
    assert greedy_schedule(problem).objective == 10
    assert schedule_event(problem, time_limit_s=5, workers=1).objective == 18


def event_with_room() -> tuple[EventProblem, tuple[Meeting, ...]]:
    candidates = tuple(
        Candidate(b, m, 10 * b + m - 100) for b in (1, 2, 3) for m in (101, 102, 103)
    )
    problem = EventProblem(3, 3, 3, (1, 2, 3), (101, 102, 103), candidates)
    return problem, schedule_event(problem, time_limit_s=5, workers=1).meetings


def test_withdrawal_removes_exactly_that_participants_meetings_and_moves_nothing():
    problem, meetings = event_with_room()
    result = reschedule(problem, meetings, [2], time_limit_s=5, workers=1)
    assert {m.pair for m in result.removed} == {
        m.pair for m in meetings if m.buyer == 2
    }
    assert result.moved_count == 0
    assert result.dropped == ()
    kept = {(m.pair, m.slot, m.table) for m in meetings if m.buyer != 2}
    assert kept <= {(m.pair, m.slot, m.table) for m in result.meetings}
    assert all(2 not in m.pair for m in result.meetings)
    assert broken_constraints(problem, result.meetings) == []


def test_withdrawal_frees_room_for_new_meetings():
    # MSME 10 is wanted by both buyers but may meet only one; buyer 1 meets it, then withdraws
    problem = EventProblem(
        2, 1, 1, (1, 2), (10,), (Candidate(1, 10, 9), Candidate(2, 10, 5))
    )
    first = schedule_event(problem, time_limit_s=5, workers=1)
    assert [m.pair for m in first.meetings] == [(1, 10)]
    result = reschedule(problem, first.meetings, [1], time_limit_s=5, workers=1)
    assert [m.pair for m in result.added] == [(2, 10)]
    assert result.added_weight == 5
    assert result.moved_count == 0


def test_reschedule_moves_as_few_as_possible_when_a_slot_becomes_unavailable():
    problem, _ = event_with_room()
    problem = EventProblem(
        problem.slots,
        problem.tables,
        2,
        problem.buyers,
        problem.msmes,
        problem.candidates,
    )
    meetings = schedule_event(problem, time_limit_s=5, workers=1).meetings
    moved_person = meetings[0].buyer
    changed = EventProblem(
        problem.slots,
        problem.tables,
        problem.max_meetings,
        problem.buyers,
        problem.msmes,
        problem.candidates,
        unavailable={moved_person: frozenset({meetings[0].slot})},
    )
    result = reschedule(changed, meetings, [], time_limit_s=5, workers=1)
    assert broken_constraints(changed, result.meetings) == []
    # the meeting in the lost slot moves; everything else could stay, so it all does
    assert result.dropped == ()
    assert result.moved_count == 1
    assert result.moved[0][1] == meetings[0].slot


def test_unavailability_can_make_other_pairs_better_than_the_pair_models_choice():
    # The pair model (which ignores slots) takes 1–100 and 2–101 (10), but buyers 1 and 2
    # can only come in slot 0, which has one table: placing its choice gives 5. Meeting
    # 1–100 in slot 0 and 3–101 in slot 1 gives 9, the optimum (found by hypothesis).
    problem = EventProblem(
        slots=2,
        tables=1,
        max_meetings=1,
        buyers=(1, 2, 3),
        msmes=(100, 101),
        candidates=(Candidate(1, 100, 5), Candidate(2, 101, 5), Candidate(3, 101, 4)),
        unavailable={1: frozenset({1}), 2: frozenset({1}), 3: frozenset({0})},
    )
    schedule = schedule_event(problem, time_limit_s=5, workers=1)
    assert schedule.objective == brute_force_optimum(problem) == 9
    assert broken_constraints(problem, schedule.meetings) == []
    assert schedule.bound == 9
    assert schedule.status == "optimal"
