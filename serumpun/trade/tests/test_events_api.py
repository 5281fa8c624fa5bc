"""Events API: list and read (draft → 404 for others), register, wish (422 naming the field),
agenda of the caller only."""

from __future__ import annotations

import pytest

from serumpun.readiness.tests.factories import Api
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import ScheduleRun
from serumpun.trade.tests.factories import attache_user, buyer_user
from serumpun.trade.tests.factories_events import (
    EVENT_DAY,
    crowd,
    make_event,
    msme_owner,
)

pytestmark = pytest.mark.django_db


def test_a_draft_event_is_the_organisers_only(client):
    attache = attache_user()
    draft = make_event(attache, open_=False)
    opened = make_event(attache)
    buyer = Api(client, buyer_user())
    listed = buyer.get("/trade/events").json()
    assert listed["count"] == 1
    assert [e["id"] for e in listed["items"]] == [opened.pk]
    assert buyer.get(f"/trade/events/{draft.pk}").status_code == 404
    assert buyer.get(f"/trade/events/{opened.pk}").json()["slot_count"] == 3
    assert Api(client, attache).get(f"/trade/events/{draft.pk}").status_code == 200


def test_register_then_wish_then_read_ones_agenda(client):
    event = make_event(tables=1, slots=2)
    buyer, owner = buyer_user(), msme_owner()
    api_b, api_m = Api(client, buyer), Api(client, owner)
    first = api_b.post(f"/trade/events/{event.pk}/registrations")
    assert first.status_code == 201, first.content
    assert first.json()["side"] == "buyer"
    assert api_b.post(f"/trade/events/{event.pk}/registrations").status_code == 409
    mine = api_m.post(f"/trade/events/{event.pk}/registrations").json()
    wished = api_b.post(
        f"/trade/events/{event.pk}/wishes",
        {"participant_id": mine["id"], "priority": 1},
    )
    assert wished.status_code == 201, wished.content
    bad = api_b.post(
        f"/trade/events/{event.pk}/wishes",
        {"participant_id": mine["id"], "priority": 9},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][-1] == "priority"
    attache = event.organiser.memberships.first().user
    run = ScheduleRun.objects.create(event=event, started_by=attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    assert (
        api_b.get(f"/trade/events/{event.pk}/agenda").json()["count"] == 0
    )  # unpublished
    actions.publish_schedule(by=attache, event=event)
    agenda = api_b.get(f"/trade/events/{event.pk}/agenda").json()
    assert agenda["count"] == 1
    assert agenda["items"][0]["counterpart_participant_id"] == mine["id"]
    outsider = Api(client, buyer_user()).get(f"/trade/events/{event.pk}/agenda").json()
    assert outsider["count"] == 0


def test_wishing_for_someone_of_another_event_is_a_404(client):
    c = crowd(n_buyers=1, n_msmes=1)
    other = crowd(n_buyers=1, n_msmes=1)
    api = Api(client, c.buyers[0])
    target = other.me(other.msmes[0])
    response = api.post(
        f"/trade/events/{c.event.pk}/wishes", {"participant_id": target.pk}
    )
    assert response.status_code == 404


def test_registering_another_organisation_is_a_404_unless_attache(client):
    event = make_event()
    owner = msme_owner()
    response = Api(client, buyer_user()).post(
        f"/trade/events/{event.pk}/registrations",
        {"organisation_id": owner.organisation.pk},
    )
    assert response.status_code == 404
    attache = event.organiser.memberships.first().user
    done = Api(client, attache).post(
        f"/trade/events/{event.pk}/registrations",
        {"organisation_id": owner.organisation.pk},
    )
    assert done.status_code == 201
    assert done.json()["side"] == "msme"
