"""Event pages added to finish issue 5 §7: edit (with the slot-discard confirmation), the
attaché's participants and wishes overview (register, withdraw), unavailable slots, reasons
on "whom to meet", agendas with the counterpart's products or requests, and the PDFs."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from serumpun.exporters.tests.factories import ProductFactory
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import (
    EventParticipant,
    MatchingEvent,
    Meeting,
    ScheduleRun,
)
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    SourcingRequestFactory,
    attache_user,
    buyer_user,
)
from serumpun.trade.tests.factories_events import EVENT_DAY, crowd, msme_owner
from serumpun.trade.tests.factories_matching import assess

pytestmark = pytest.mark.django_db


def scheduled(**kw):
    c = crowd(**kw)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    return c


def edit_data(event, **changes):
    data = {
        "title": event.title,
        "venue": event.venue,
        "city": event.city,
        "date": event.date.isoformat(),
        "timezone": event.timezone,
        "registration_deadline": event.registration_deadline.isoformat(),
        "tables": event.tables,
        "max_meetings_per_participant": event.max_meetings_per_participant,
    }
    data.update(changes)
    return data


# --- edit ----------------------------------------------------------------------------------


def test_the_edit_page_saves_facts(client):
    c = crowd(n_buyers=1, n_msmes=1)
    client.force_login(c.attache)
    url = reverse("trade:event_edit", args=[c.event.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="MITEC"' in page.content.decode()
    assert 'value="2027-02-18"' in page.content.decode()
    response = client.post(url, edit_data(c.event, venue="KLCC", tables=5))
    assert response.status_code == 302
    c.event.refresh_from_db()
    assert (c.event.venue, c.event.tables) == ("KLCC", 5)


def test_regenerating_slots_asks_first_then_discards_the_schedule(client):
    c = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=2, max_meetings=1)
    client.force_login(c.attache)
    url = reverse("trade:event_edit", args=[c.event.pk])
    data = edit_data(
        c.event, regenerate="on", first_start="10:00", slot_minutes=30, slot_count=4
    )
    asked = client.post(url, data)
    assert asked.status_code == 200
    assert 'id="confirm-discard"' in asked.content.decode()
    assert c.event.slots.count() == 2
    assert Meeting.objects.filter(event=c.event).count() == 1
    done = client.post(url, {**data, "confirm": "on"})
    assert done.status_code == 302
    c.event.refresh_from_db()
    assert c.event.slots.count() == 4
    assert c.event.status == "open"
    assert not Meeting.objects.filter(event=c.event).exists()


def test_regenerating_needs_the_slot_fields_and_is_refused_once_published(client):
    c = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    client.force_login(c.attache)
    url = reverse("trade:event_edit", args=[c.event.pk])
    missing = client.post(url, edit_data(c.event, regenerate="on"))
    assert missing.status_code == 200
    assert missing.context["form"].errors["slot_count"]
    actions.publish_schedule(by=c.attache, event=c.event)
    data = edit_data(
        c.event, regenerate="on", first_start="10:00", slot_minutes=30, slot_count=2
    )
    refused = client.post(url, {**data, "confirm": "on"})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert c.event.slots.count() == 1
    shape = client.post(url, edit_data(c.event, tables=9))
    assert "tables" in shape.context["form"].errors


def test_edit_is_403_for_a_buyer_and_404_for_an_unknown_event(client):
    c = crowd(n_buyers=1, n_msmes=1)
    client.force_login(c.buyers[0])
    assert client.get(reverse("trade:event_edit", args=[c.event.pk])).status_code == 403
    client.force_login(c.attache)
    assert client.get(reverse("trade:event_edit", args=[999999])).status_code == 404


# --- participants and wishes overview -------------------------------------------------------


def test_the_overview_marks_mutual_wishes_and_who_nobody_wished(client):
    c = crowd(n_buyers=1, n_msmes=2)
    buyer, (m1, m2) = c.buyers[0], c.msmes
    actions.mark_wish(by=m1, participant=c.me(m1), target=c.me(buyer), priority=2)
    lonely = msme_owner()
    actions.register_participant(
        by=c.attache, event=c.event, organisation=lonely.organisation
    )
    client.force_login(c.attache)
    page = client.get(reverse("trade:event_participants", args=[c.event.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["mutual_count"] == 1
    assert [p.organisation for p in page.context["unwished"]] == [lonely.organisation]
    row = next(r for r in page.context["rows"] if r["participant"] == c.me(buyer))
    assert {(w["other"].pk, w["mutual"]) for w in row["made"]} == {
        (c.me(m1).pk, True),
        (c.me(m2).pk, False),
    }
    assert 'class="wish-mutual"' in html


def test_the_overview_query_count_does_not_grow(client):
    c = crowd(n_buyers=1, n_msmes=1)
    client.force_login(c.attache)
    url = reverse("trade:event_participants", args=[c.event.pk])
    client.get(url)  # warm the per-process caches (menu, settings)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(4):
        owner = msme_owner()
        p = actions.register_participant(
            by=c.attache, event=c.event, organisation=owner.organisation
        )
        actions.mark_wish(
            by=c.attache, participant=p, target=c.me(c.buyers[0]), priority=1
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_attache_registers_a_verified_msme_and_withdraws_a_buyer(
    client, django_capture_on_commit_callbacks
):
    c = crowd(n_buyers=1, n_msmes=1)
    owner = msme_owner()
    client.force_login(c.attache)
    page = client.get(reverse("trade:event_participants", args=[c.event.pk]))
    choices = {
        o.pk for o in page.context["register_form"].fields["organisation"].queryset
    }
    assert owner.organisation.pk in choices
    assert c.buyers[0].organisation.pk not in choices  # already registered
    assert c.attache.organisation.pk not in choices
    response = client.post(
        reverse("trade:event_register_other", args=[c.event.pk]),
        {"organisation": owner.organisation.pk},
    )
    assert response.status_code == 302
    assert EventParticipant.objects.filter(
        event=c.event, organisation=owner.organisation, side="msme"
    ).exists()
    target = c.me(c.buyers[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trade:event_withdraw_other", args=[c.event.pk, target.pk]))
    target.refresh_from_db()
    assert target.withdrawn_at is not None


def test_an_unverified_msme_is_not_offered_and_a_bad_choice_is_refused(client):
    from serumpun.exporters.tests.factories import MSMEFactory

    c = crowd(n_buyers=1, n_msmes=1)
    draft = MSMEFactory()
    client.force_login(c.attache)
    response = client.post(
        reverse("trade:event_register_other", args=[c.event.pk]),
        {"organisation": draft.organisation.pk},
    )
    assert response.status_code == 302
    assert not EventParticipant.objects.filter(organisation=draft.organisation).exists()


def test_participants_pages_are_the_attaches_only(client):
    c = crowd(n_buyers=1, n_msmes=1)
    client.force_login(c.msmes[0])
    pk = c.event.pk
    assert client.get(reverse("trade:event_participants", args=[pk])).status_code == 403
    target = c.me(c.buyers[0])
    url = reverse("trade:event_withdraw_other", args=[pk, target.pk])
    assert client.post(url).status_code == 403
    client.force_login(c.attache)
    foreign = crowd(n_buyers=1, n_msmes=0)
    stranger = foreign.me(foreign.buyers[0])
    url = reverse("trade:event_withdraw_other", args=[pk, stranger.pk])
    assert client.post(url).status_code == 404


# --- unavailable slots ----------------------------------------------------------------------


def test_a_participant_ticks_the_times_they_cannot_attend(client):
    c = crowd(n_buyers=1, n_msmes=1, slots=3)
    buyer = c.buyers[0]
    client.force_login(buyer)
    page = client.get(reverse("trade:event_detail", args=[c.event.pk])).content.decode()
    assert 'id="unavailable"' in page
    assert "09:20–09:40" in page
    url = reverse("trade:event_unavailable", args=[c.event.pk])
    assert client.post(url, {"slots": ["0", "2"]}).status_code == 302
    assert EventParticipant.objects.get(pk=c.me(buyer).pk).unavailable_slots == [0, 2]
    client.post(url, {"slots": ["9"]})
    assert EventParticipant.objects.get(pk=c.me(buyer).pk).unavailable_slots == [0, 2]
    client.force_login(buyer_user())
    assert client.post(url, {"slots": ["1"]}).status_code == 404


# --- whom to meet, with reasons -------------------------------------------------------------


def fitting_pair(c):
    """The crowd's first buyer posts a robusta request; the first MSME offers robusta."""
    buyer = c.buyers[0].organisation
    BuyerPermitFactory(buyer=buyer.buyer_profile)
    request = SourcingRequestFactory(buyer=buyer, title="Robusta hijau Grade 4")
    product = ProductFactory(
        msme=c.msmes[0].organisation.msme, monthly_capacity_kg=Decimal("9000")
    )
    assess(product)
    return request, product


def test_whom_to_meet_shows_the_best_request_and_product_and_its_reasons(client):
    c = crowd(n_buyers=1, n_msmes=2)
    request, product = fitting_pair(c)
    client.force_login(c.buyers[0])
    page = client.get(reverse("trade:event_wishes", args=[c.event.pk]))
    rows = page.context["rows"]
    best = rows[0]
    assert best["participant"] == c.me(c.msmes[0])
    assert best["score"] > 0
    assert best["fit"].request == request
    assert best["fit"].product_name == product.name_id
    assert best["fit"].reasons
    assert rows[1]["fit"] is None
    html = page.content.decode()
    assert "Robusta hijau Grade 4" in html
    assert "data-fit" in html


def test_an_msme_does_not_see_a_private_request_addressed_to_another(client):
    c = crowd(n_buyers=1, n_msmes=2)
    request, _product = fitting_pair(c)
    request.visibility = "invited"
    request.save()
    request.invited.set([c.msmes[1].organisation.msme])
    client.force_login(c.msmes[0])
    html = client.get(reverse("trade:event_wishes", args=[c.event.pk])).content.decode()
    assert "Robusta hijau Grade 4" not in html


def test_whom_to_meet_query_count_does_not_grow_with_the_candidates(client):
    c = crowd(n_buyers=1, n_msmes=1)
    fitting_pair(c)
    client.force_login(c.buyers[0])
    url = reverse("trade:event_wishes", args=[c.event.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(4):
        owner = msme_owner()
        actions.register_participant(
            by=c.attache, event=c.event, organisation=owner.organisation
        )
        assess(ProductFactory(msme=owner.organisation.msme))
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(page.context["rows"]) == 5
    assert len(large) == len(small)


# --- agendas and PDFs -----------------------------------------------------------------------


def test_agendas_name_the_counterparts_products_and_requests(client):
    c = scheduled(n_buyers=1, n_msmes=2, tables=2, slots=2, max_meetings=2)
    request, product = fitting_pair(c)
    actions.publish_schedule(by=c.attache, event=c.event)
    client.force_login(c.buyers[0])
    html = client.get(reverse("trade:event_agenda", args=[c.event.pk])).content.decode()
    assert f"{product.name_id} (HS {product.hs_code_id})" in html
    client.force_login(c.msmes[0])
    html = client.get(reverse("trade:event_agenda", args=[c.event.pk])).content.decode()
    assert request.title in html


def test_print_all_query_count_does_not_grow(client):
    small_crowd = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    client.force_login(small_crowd.attache)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("trade:event_agendas_print", args=[small_crowd.event.pk]))
    big = scheduled(n_buyers=3, n_msmes=3, tables=3, slots=3, max_meetings=3)
    client.force_login(big.attache)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("trade:event_agendas_print", args=[big.event.pk]))
    assert page.content.decode().count("data-agenda=") == 6
    assert len(large) == len(small)


def test_agenda_pdfs(client):
    c = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    client.force_login(c.buyers[0])
    mine = reverse("trade:event_agenda_pdf", args=[c.event.pk])
    assert client.get(mine).status_code == 404  # not published yet
    actions.publish_schedule(by=c.attache, event=c.event)
    response = client.get(mine)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    every = reverse("trade:event_agendas_pdf", args=[c.event.pk])
    assert client.get(every).status_code == 403
    client.force_login(c.attache)
    response = client.get(every)
    assert response.content.startswith(b"%PDF")
    client.force_login(attache_user())
    assert client.get(mine).status_code == 404  # not registered


@pytest.mark.parametrize(
    ("zone", "language", "label"),
    [
        ("Asia/Kuala_Lumpur", "en", "Malaysia Time (MYT, UTC+8)"),
        ("Asia/Kuala_Lumpur", "id", "Waktu Malaysia (MYT, UTC+8)"),
        ("Asia/Kuala_Lumpur", "ms", "Waktu Piawai Malaysia (MYT, UTC+8)"),
        ("Asia/Jakarta", "en", "Western Indonesia Time (WIB, UTC+7)"),
        ("Asia/Jakarta", "id", "Waktu Indonesia Barat (WIB, UTC+7)"),
        ("Asia/Kolkata", "en", "Asia/Kolkata (UTC+5:30)"),  # a zone without a name
    ],
)
def test_an_event_time_zone_is_named_as_participants_know_it(zone, language, label):
    event = MatchingEvent(timezone=zone, date=EVENT_DAY)
    with translation.override(language):
        assert event.timezone_label == label


def test_agendas_and_the_event_page_name_the_event_time_zone(client):
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    actions.update_event(by=c.attache, event=c.event, timezone="Asia/Jakarta")
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    actions.publish_schedule(by=c.attache, event=c.event)
    client.force_login(c.buyers[0])
    agenda = client.get(reverse("trade:event_agenda", args=[c.event.pk]))
    html = agenda.content.decode()
    assert "(WIB, UTC+7)" in html  # the agenda's "all times are in" line
    assert "(WIB)</th>" in html  # the time column
    assert "09:00–09:20" in html  # slot times are the event's local times
    detail = client.get(reverse("trade:event_detail", args=[c.event.pk]))
    assert "(WIB, UTC+7)" in detail.content.decode()
    client.force_login(c.attache)
    detail = client.get(reverse("trade:event_detail", args=[c.event.pk]))
    assert "(WIB)</th>" in detail.content.decode()  # the attaché's slot × table grid


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_agenda_pdf_names_the_event_time_zone(client, tmp_path):
    c = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    actions.publish_schedule(by=c.attache, event=c.event)
    client.force_login(c.buyers[0])
    pdf = client.get(reverse("trade:event_agenda_pdf", args=[c.event.pk])).content
    (tmp_path / "agenda.pdf").write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 - a fixed local tool on a file this test wrote
        ["pdftotext", str(tmp_path / "agenda.pdf"), "-"],  # noqa: S607 - found on PATH above
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "(MYT, UTC+8)" in text
    assert "(MYT)" in text
    assert "09:00–09:20" in text


def test_rerunning_a_published_schedule_asks_and_says_participants_are_told_again(
    client,
):
    c = scheduled(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    actions.publish_schedule(by=c.attache, event=c.event)
    client.force_login(c.attache)
    html = client.get(reverse("trade:event_detail", args=[c.event.pk])).content.decode()
    action = reverse("trade:event_action", args=[c.event.pk, "schedule"])
    form = html[html.index(f'action="{action}"') :][:400]
    assert 'onsubmit="return confirm(' in form


def test_the_register_list_is_capped_and_a_name_search_narrows_it(client, monkeypatch):
    from serumpun.trade import forms_events

    monkeypatch.setattr(forms_events, "REGISTER_CHOICES", 2)
    monkeypatch.setattr(forms_events.RegisterForm, "limit", 2)
    c = crowd(n_buyers=1, n_msmes=1)
    owners = [msme_owner() for _ in range(3)]
    client.force_login(c.attache)
    url = reverse("trade:event_participants", args=[c.event.pk])
    page = client.get(url)
    form = page.context["register_form"]
    assert len(form.fields["organisation"].choices) == 3  # "---" and two
    assert form.more
    assert b'id="register-q"' in page.content
    wanted = owners[2].organisation
    found = client.get(url, {"q": wanted.name}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert b'id="register-choices"' in found.content
    assert b"<html" not in found.content  # the partial only
    choices = found.context["register_form"].fields["organisation"].choices
    assert [pk for pk, _label in choices][1:] == [wanted.pk]
    for odd in ("\x00", "x" * 500, "%", "' OR 1=1"):
        assert client.get(url, {"q": odd}).status_code == 200
    # a posted choice beyond the listed ones is still accepted
    response = client.post(
        reverse("trade:event_register_other", args=[c.event.pk]),
        {"organisation": wanted.pk},
    )
    assert response.status_code == 302
    assert EventParticipant.objects.filter(event=c.event, organisation=wanted).exists()


def test_publish_shows_only_while_unpublished_and_not_while_a_run_is_solving(client):
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    client.force_login(c.attache)
    url = reverse("trade:event_detail", args=[c.event.pk])
    assert b'id="publish"' in client.get(url).content
    client.post(reverse("trade:event_action", args=[c.event.pk, "publish"]))
    page = client.get(url)
    assert b'id="publish"' not in page.content
    ScheduleRun.objects.create(event=c.event, started_by=c.attache)  # solving
    page = client.get(url)
    assert page.context["solving"]
    assert b"/schedule/" not in page.content
    assert (
        client.post(
            reverse("trade:event_action", args=[c.event.pk, "schedule"])
        ).status_code
        == 302
    )
    assert ScheduleRun.objects.filter(event=c.event).count() == 2  # refused
