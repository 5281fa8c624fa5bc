"""The placement pipeline's pure rules: stage moves, stuck stages, timeline, response times."""

from __future__ import annotations

import datetime as dt

import pytest

from serumpun.labour.models import Stage
from serumpun.labour.rules import pipeline
from serumpun.labour.rules.pipeline import StuckThreshold, TransitionError

AS_OF = dt.date(2026, 3, 31)
THRESHOLDS = {
    "matched": StuckThreshold("matched", 14),
    "training": StuckThreshold("training", 60),
    "orientation": StuckThreshold("orientation", 14),
}


def test_the_stages_are_the_models_stages_in_order():
    assert list(pipeline.STAGES) == list(Stage.values)


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        ("registered", "matched"),
        ("matched", "interviewed"),
        ("interviewed", "selected"),
        ("selected", "training"),
        ("selected", "documents_complete"),  # certificate already held: no training
        ("training", "documents_complete"),
        ("documents_complete", "orientation"),
        ("orientation", "departed"),
        ("departed", "working"),
        ("departed", "returned"),
        ("working", "completed"),
        ("working", "returned"),
    ],
)
def test_it_allows_the_next_stage(from_stage, to_stage):
    pipeline.check_transition(from_stage, to_stage)


@pytest.mark.parametrize("from_stage", sorted(pipeline.BEFORE_DEPARTURE))
def test_a_case_may_end_as_withdrawn_from_any_stage_before_departure(from_stage):
    pipeline.check_transition(from_stage, "withdrawn")


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "code"),
    [
        ("matched", "departed", "not_allowed"),  # skipping documents and orientation
        ("interviewed", "matched", "not_allowed"),  # backwards
        ("training", "orientation", "not_allowed"),
        ("orientation", "working", "not_allowed"),  # must depart first
        ("selected", "returned", "not_allowed"),  # only a worker abroad returns
        (
            "departed",
            "withdrawn",
            "not_allowed",
        ),  # withdrawal ends a case before departure
        ("withdrawn", "matched", "finished"),
        ("matched", "matched", "same_stage"),
        ("completed", "working", "finished"),
        ("returned", "departed", "finished"),
        ("matched", "hired", "unknown_stage"),
    ],
)
def test_it_refuses_other_moves(from_stage, to_stage, code):
    with pytest.raises(TransitionError) as caught:
        pipeline.check_transition(from_stage, to_stage)
    assert caught.value.code == code


def test_next_stages_follow_pipeline_order():
    assert pipeline.next_stages("selected") == (
        "training",
        "documents_complete",
        "withdrawn",
    )
    assert pipeline.next_stages("departed") == ("working", "returned")
    assert pipeline.next_stages("completed") == ()
    assert pipeline.next_stages("withdrawn") == ()


@pytest.mark.parametrize(
    ("stage", "days_ago", "stuck"),
    [
        ("matched", 14, False),  # exactly the threshold: not yet
        ("matched", 15, True),
        ("training", 59, False),
        ("training", 61, True),
        ("working", 900, False),  # no threshold: never stuck
        ("completed", 900, False),
    ],
)
def test_a_placement_is_stuck_only_past_its_stage_threshold(stage, days_ago, stuck):
    rows = [("p1", stage, AS_OF - dt.timedelta(days=days_ago))]
    found = pipeline.stuck_placements(rows, AS_OF, thresholds=THRESHOLDS)
    assert bool(found) is stuck
    if stuck:
        assert found[0].days_in_stage == days_ago
        assert found[0].threshold_days == THRESHOLDS[stage].days


def test_stuck_placements_are_sorted_most_overdue_first():
    rows = [
        ("a", "matched", AS_OF - dt.timedelta(days=20)),  # 6 days over
        ("b", "training", AS_OF - dt.timedelta(days=100)),  # 40 days over
        ("c", "orientation", AS_OF - dt.timedelta(days=16)),  # 2 days over
    ]
    found = pipeline.stuck_placements(rows, AS_OF, thresholds=THRESHOLDS)
    assert [s.key for s in found] == ["b", "a", "c"]


def test_timeline_measures_each_stage_and_leaves_the_last_open():
    t0 = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    events = [
        ("matched", t0),
        ("interviewed", t0 + dt.timedelta(days=10)),
        ("selected", t0 + dt.timedelta(days=13)),
    ]
    entries = pipeline.timeline(events, now=t0 + dt.timedelta(days=20))
    assert [(e.stage, e.days, e.current) for e in entries] == [
        ("matched", 10, False),
        ("interviewed", 3, False),
        ("selected", 7, True),
    ]


def test_checkin_dates_follow_departure():
    assert pipeline.checkin_dates(dt.date(2026, 1, 1), [30, 7, 7]) == [
        dt.date(2026, 1, 8),
        dt.date(2026, 1, 31),
    ]


def test_response_times_give_the_median_and_count_overdue():
    now = dt.datetime(2026, 3, 31, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    rows = [
        (now - 10 * day, now - 9 * day),  # 1 day
        (now - 10 * day, now - 7 * day),  # 3 days
        (now - 10 * day, now - 5 * day),  # 5 days
        (now - 2 * day, None),  # waiting, within target
        (now - 5 * day, None),  # waiting, overdue
    ]
    result = pipeline.response_times(rows, now, target_days=3)
    assert result.answered == 3
    assert result.median_days == 3.0
    assert result.unanswered == 2
    assert result.overdue == 1


def test_response_times_without_answers_have_no_median():
    assert (
        pipeline.response_times(
            [], dt.datetime.now(tz=dt.UTC), target_days=3
        ).median_days
        is None
    )
