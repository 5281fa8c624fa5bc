"""Event pages: list, create with slots, detail with grid, wishes, agenda and print-all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import MatchingEvent, MeetingWish, ScheduleRun
from serumpun.trade.tests.factories import attache_user, buyer_user
from serumpun.trade.tests.factories_events import EVENT_DAY, crowd, make_event

pytestmark = pytest.mark.django_db


def scheduled_crowd():
    c = crowd(n_buyers=2, n_msmes=2, tables=2, slots=2, max_meetings=2)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    return c


def test_the_attache_creates_an_event_with_generated_slots(client):
    client.force_login(attache_user())
    response = client.post(
        reverse("trade:event_new"),
        {
            "title": "Temu Bisnis",
            "venue": "MITEC",
            "city": "Kuala Lumpur",
            "date": "2027-02-18",
            "timezone": "Asia/Kuala_Lumpur",
            "registration_deadline": "2027-02-01",
            "first_start": "09:00",
            "slot_minutes": 20,
            "slot_count": 8,
            "tables": 4,
            "max_meetings_per_participant": 6,
        },
    )
    event = MatchingEvent.objects.get()
    assert response.status_code == 302
    assert event.slots.count() == 8
    assert event.status == "draft"


def test_a_buyer_may_not_open_the_new_event_page(client):
    client.force_login(buyer_user())
    assert client.get(reverse("trade:event_new")).status_code == 403


def test_a_draft_is_a_404_for_a_buyer(client):
    event = make_event(open_=False)
    client.force_login(buyer_user())
    assert client.get(reverse("trade:event_detail", args=[event.pk])).status_code == 404


def test_the_attache_sees_the_grid_and_score_against_bound(client):
    c = scheduled_crowd()
    client.force_login(c.attache)
    page = client.get(reverse("trade:event_detail", args=[c.event.pk])).content.decode()
    assert "event-grid" in page
    assert c.buyers[0].organisation.name in page
    assert "100%" in page


def test_a_participant_marks_a_wish_from_the_suggestions(client):
    c = crowd(n_buyers=1, n_msmes=2)
    owner = c.msmes[0]
    client.force_login(owner)
    url = reverse("trade:event_wishes", args=[c.event.pk])
    page = client.get(url)
    assert c.buyers[0].organisation.name in page.content.decode()
    response = client.post(url, {"participant_id": c.me(c.buyers[0]).pk, "priority": 3})
    assert response.status_code == 302
    assert MeetingWish.objects.get(from_participant=c.me(owner)).priority == 3


def test_agenda_shows_only_once_published_and_print_all_is_the_attaches(client):
    c = scheduled_crowd()
    buyer = c.buyers[0]
    client.force_login(buyer)
    url = reverse("trade:event_agenda", args=[c.event.pk])
    assert "data-agenda" not in client.get(url).content.decode()
    actions.publish_schedule(by=c.attache, event=c.event)
    page = client.get(url).content.decode()
    assert page.count("data-agenda=") == 1
    assert c.msmes[0].organisation.name in page
    assert (
        client.get(reverse("trade:event_agendas_print", args=[c.event.pk])).status_code
        == 403
    )
    client.force_login(c.attache)
    everyone = client.get(
        reverse("trade:event_agendas_print", args=[c.event.pk])
    ).content.decode()
    assert everyone.count("data-agenda=") == 4


def test_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    attache = attache_user()
    for _ in range(3):
        make_event(attache)
    client.force_login(buyer_user())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trade:event_list"))
    assert response.content.decode().count("data-event=") == 3
