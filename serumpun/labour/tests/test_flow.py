"""From candidate to placement: starting a placement, answering offers, the allocation run
and its fairness report — the actions, then the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour import actions_flow as flow
from serumpun.labour.models import (
    JobOrderSkill,
    Offer,
    Placement,
    SeekerSkill,
    Skill,
    Stage,
)
from serumpun.labour.tests.factories import (
    EmployerProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    load_skills_and_courses,
)
from serumpun.labour.tests.pipeline_builders import make_placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An endorsed plantation order of an agency, a fitting seeker with an account and a
    case officer, and the labour attaché."""
    load_skills_and_courses()
    harvesting = Skill.objects.get(code="palm_harvesting")
    order = JobOrderFactory(endorsed=True, workers_needed=2)
    JobOrderSkill.objects.create(job_order=order, skill=harvesting, weight=1.0)
    officer = make_user(Role.OFFICER)
    seeker_user = make_user(Role.SEEKER)
    seeker = SeekerFactory(
        user=seeker_user, preferred_sectors=["plantation"], case_officer=officer
    )
    SeekerSkill.objects.create(seeker=seeker, skill=harvesting)
    return {
        "order": order,
        "seeker": seeker,
        "officer": officer,
        "attache": make_user(Role.LABOUR_ATTACHE),
        "agency": make_user(Role.AGENCY, order.organisation),
        "harvesting": harvesting,
    }


def fitting_seeker(world, **fields):
    seeker = SeekerFactory(**{"preferred_sectors": ["plantation"], **fields})
    SeekerSkill.objects.create(seeker=seeker, skill=world["harvesting"])
    return seeker


# --- start_placement ----------------------------------------------------------------------------


def test_the_attache_starts_a_placement_at_matched(world):
    order, seeker = world["order"], world["seeker"]
    offer = Offer.objects.create(seeker=seeker, job_order=order, score=0.9)

    placement = flow.start_placement(
        by=world["attache"], job_order=order, seeker=seeker
    )

    assert placement.stage == Stage.MATCHED
    assert [e.stage for e in placement.events.all()] == [Stage.MATCHED]
    assert placement.events.get().by == world["attache"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    seeker.refresh_from_db()
    assert seeker.stage == Stage.MATCHED
    assert AuditEvent.objects.filter(
        action="labour.placement.started", object_id=str(placement.pk)
    ).exists()
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {seeker.user_id, world["officer"].pk} <= told


def test_the_orders_agency_and_named_employer_may_start_one(world):
    order = world["order"]
    employer = make_user(Role.EMPLOYER)
    order.employer_profile = EmployerProfileFactory(organisation=employer.organisation)
    order.save()

    first = flow.start_placement(
        by=world["agency"], job_order=order, seeker=world["seeker"]
    )
    second = flow.start_placement(
        by=employer, job_order=order, seeker=fitting_seeker(world)
    )

    assert Placement.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_another_agency_does_not_find_the_order(world):
    with pytest.raises(Http404):
        flow.start_placement(
            by=make_user(Role.AGENCY), job_order=world["order"], seeker=world["seeker"]
        )
    assert not Placement.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SEEKER])
def test_officers_and_seekers_may_not_start_a_placement(world, role):
    with pytest.raises(PermissionDenied):
        flow.start_placement(
            by=make_user(role), job_order=world["order"], seeker=world["seeker"]
        )


def test_an_order_not_endorsed_cannot_be_filled(world):
    order = JobOrderFactory()  # checked, awaiting review
    with pytest.raises(ConflictError):
        flow.start_placement(
            by=world["attache"], job_order=order, seeker=world["seeker"]
        )


@pytest.mark.usefixtures("in_english")
def test_a_full_order_takes_no_one_but_ended_placements_free_their_place(world):
    order = world["order"]  # two workers needed
    make_placement(job_order=order, stage=Stage.INTERVIEWED)
    make_placement(job_order=order, stage=Stage.WITHDRAWN)
    make_placement(job_order=order, stage=Stage.SELECTED)

    with pytest.raises(ConflictError, match="full"):
        flow.start_placement(
            by=world["attache"], job_order=order, seeker=world["seeker"]
        )

    Placement.objects.filter(stage=Stage.SELECTED).update(stage=Stage.RETURNED)
    flow.start_placement(by=world["attache"], job_order=order, seeker=world["seeker"])


@pytest.mark.usefixtures("in_english")
def test_a_seeker_is_placed_once_per_order(world):
    args = {
        "by": world["attache"],
        "job_order": world["order"],
        "seeker": world["seeker"],
    }
    flow.start_placement(**args)
    with pytest.raises(ConflictError, match="already has a placement"):
        flow.start_placement(**args)
    assert Placement.objects.count() == 1


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"placed": True}, "already placed"),
        ({"consent_withdrawn_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "consent"),
        ({"birth_date": dt.date(1970, 1, 1)}, "not eligible"),
        ({"preferred_sectors": ["construction"]}, "not eligible"),
    ],
)
def test_an_ineligible_seeker_is_refused(world, fields, message):
    seeker = fitting_seeker(world, **fields)
    with pytest.raises(ConflictError, match=message):
        flow.start_placement(
            by=world["attache"], job_order=world["order"], seeker=seeker
        )
    assert not Placement.objects.exists()


# --- respond_to_offer ---------------------------------------------------------------------------


def test_accepting_an_offer_tells_the_orders_organisation_and_the_attache(world):
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )

    flow.respond_to_offer(by=world["seeker"].user, offer=offer, accept=True)

    assert offer.status == Offer.Status.ACCEPTED
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {world["agency"].pk, world["attache"].pk} <= told
    assert AuditEvent.objects.filter(action="labour.offer.accepted").exists()


def test_declining_frees_the_offer_and_it_cannot_be_answered_again(world):
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )
    flow.respond_to_offer(by=world["seeker"].user, offer=offer, accept=False)
    assert offer.status == Offer.Status.DECLINED
    assert AuditEvent.objects.filter(action="labour.offer.declined").exists()
    with pytest.raises(ConflictError):
        flow.respond_to_offer(by=world["seeker"].user, offer=offer, accept=True)


def test_a_declined_order_is_not_offered_to_the_same_seeker_again(world):
    from serumpun.labour import actions

    first = actions.allocate_offers(by=world["attache"])
    mine = [o for o in first if o.seeker_id == world["seeker"].pk]
    assert [o.job_order_id for o in mine] == [world["order"].pk]
    flow.respond_to_offer(by=world["seeker"].user, offer=mine[0], accept=False)

    again = actions.allocate_offers(by=world["attache"])

    assert world["seeker"].pk not in {o.seeker_id for o in again}


@pytest.mark.parametrize("role", [Role.SEEKER, Role.LABOUR_ATTACHE, Role.AGENCY])
def test_only_the_seeker_answers_their_offer(world, role):
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )
    with pytest.raises(Http404):
        flow.respond_to_offer(by=make_user(role), offer=offer, accept=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OFFERED


# --- run_allocation and fairness ----------------------------------------------------------------


def test_the_allocation_run_reports_offers_and_fairness(world):
    fitting_seeker(world, gender="female", birth_date=dt.date(1999, 3, 2))

    summary = flow.run_allocation(by=world["attache"])

    assert summary.orders == 1
    assert (
        len(summary.offers) == 2
    )  # m = 1.5 × 2 workers = 3 places, 2 eligible seekers
    assert summary.fairness is not None
    assert summary.fairness["pool"] == 2
    assert {r["group"]: r["offered"] for r in summary.fairness["by_gender"]} == {
        "male": 1,
        "female": 1,
    }


def test_a_group_below_four_fifths_is_flagged(world):
    fitting_seeker(world, gender="female", birth_date=dt.date(1999, 3, 2))
    order = world["order"]

    report = flow.fairness_for([order], [(world["seeker"].pk, order.pk)])

    rows = {r["group"]: r for r in report["by_gender"]}
    assert rows["male"]["offer_rate"] == 1.0
    assert rows["female"]["offer_rate"] == 0.0
    assert rows["female"]["flagged"] is True
    assert rows["male"]["flagged"] is False


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AGENCY, Role.SEEKER])
def test_only_the_attache_runs_the_allocation_here(world, role):
    with pytest.raises(PermissionDenied):
        flow.run_allocation(by=make_user(role))
    assert not Offer.objects.exists()


# --- pages --------------------------------------------------------------------------------------


def candidates_url(order):
    return reverse("labour:job_order_candidates", args=[order.pk])


def start_url(order):
    return reverse("labour:placement_start", args=[order.pk])


@pytest.mark.parametrize("who", ["attache", "agency"])
def test_the_start_button_shows_for_eligible_candidates(client, world, who):
    too_old = fitting_seeker(world, birth_date=dt.date(1970, 1, 1))
    client.force_login(world[who])

    html = client.get(candidates_url(world["order"])).content.decode()

    assert html.count(f'action="{start_url(world["order"])}"') == 1
    assert f'name="seeker_id" value="{world["seeker"].pk}"' in html
    assert f'name="seeker_id" value="{too_old.pk}"' not in html
    assert "data-confirm=" in html


def test_no_start_button_before_endorsement(client, world):
    order = JobOrderFactory()
    JobOrderSkill.objects.create(job_order=order, skill=world["harvesting"])
    client.force_login(world["attache"])
    html = client.get(candidates_url(order)).content.decode()
    assert start_url(order) not in html


def test_starting_a_placement_leads_to_its_page(client, world):
    client.force_login(world["attache"])

    response = client.post(start_url(world["order"]), {"seeker_id": world["seeker"].pk})

    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "labour:placement_detail", args=[placement.pk]
    )


def test_a_conflict_returns_to_the_candidates_with_the_reason(client, world):
    make_placement(job_order=world["order"], seeker=world["seeker"])
    client.force_login(world["attache"])

    response = client.post(
        start_url(world["order"]), {"seeker_id": world["seeker"].pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == candidates_url(world["order"])
    assert Placement.objects.count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_foreign_agency_posting_a_start_is_not_found(client, world):
    client.force_login(make_user(Role.AGENCY))
    response = client.post(start_url(world["order"]), {"seeker_id": world["seeker"].pk})
    assert response.status_code == 404
    assert not Placement.objects.exists()


def test_an_unknown_seeker_is_not_found(client, world):
    client.force_login(world["attache"])
    response = client.post(start_url(world["order"]), {"seeker_id": 999999})
    assert response.status_code == 404


def test_the_matches_page_loads_the_offers(client, world):
    client.force_login(world["seeker"].user)
    html = client.get(reverse("labour:seeker_matches")).content.decode()
    assert f'hx-get="{reverse("labour:offer_list")}"' in html


def test_the_seeker_sees_open_offers_with_accept_and_decline(client, world):
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )
    other = Offer.objects.create(
        seeker=fitting_seeker(world), job_order=world["order"], score=0.7
    )
    client.force_login(world["seeker"].user)

    response = client.get(reverse("labour:offer_list"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert f'data-offer="{offer.pk}"' in html
    assert f'data-offer="{other.pk}"' not in html
    respond = reverse("labour:offer_respond", args=[offer.pk])
    assert html.count(f'action="{respond}"') == 2  # accept and decline


def test_accepting_from_the_page(client, world):
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )
    client.force_login(world["seeker"].user)
    url = reverse("labour:offer_respond", args=[offer.pk])

    response = client.post(url, {"answer": "accept"})

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_another_seekers_offer_is_not_found(client, world):
    offer = Offer.objects.create(
        seeker=fitting_seeker(world), job_order=world["order"], score=0.8
    )
    client.force_login(world["seeker"].user)
    url = reverse("labour:offer_respond", args=[offer.pk])
    assert client.post(url, {"answer": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OFFERED


ALLOCATION = reverse("labour:allocation")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.LABOUR_ATTACHE, 200),
        (Role.OFFICER, 403),
        (Role.AGENCY, 403),
        (Role.EMPLOYER, 403),
        (Role.SEEKER, 403),
    ],
)
def test_the_allocation_page_is_the_attaches(client, role, status):
    client.force_login(make_user(role))
    assert client.get(ALLOCATION).status_code == status


def test_running_the_allocation_shows_offers_and_the_fairness_report(client, world):
    fitting_seeker(world, gender="female", birth_date=dt.date(1999, 3, 2))
    client.force_login(world["attache"])

    response = client.post(ALLOCATION)

    assert response.status_code == 302
    assert Offer.objects.filter(status="offered").count() == 2
    html = client.get(ALLOCATION).content.decode()
    assert 'id="fairness"' in html
    assert 'data-group="female"' in html
    assert 'data-group="Lampung Timur"' in html
    assert f'data-job-order="{world["order"].pk}"' in html
    assert 'data-offers="2"' in html
    assert 'data-flagged="true"' not in html
    assert "<svg" in html
    assert "style=" not in html


def test_the_fairness_page_flags_a_group_left_out(client, world):
    fitting_seeker(world, gender="female", birth_date=dt.date(1999, 3, 2))
    Offer.objects.create(seeker=world["seeker"], job_order=world["order"], score=0.9)
    client.force_login(world["attache"])

    html = client.get(ALLOCATION).content.decode()

    assert 'data-group="female" data-flagged="true"' in html
    assert 'data-group="male" data-flagged="true"' not in html


# --- API (serumpun.labour.api_flow, additive) ---------------------------------------------------


@pytest.fixture(scope="module")
def api_client():
    # The whole API through Django's client with a real bearer token, so authentication and
    # the error handlers (409 for conflicts) answer as in production.
    from django.test import Client

    from serumpun.accounts.actions import issue_api_token

    class BearerClient:
        def post(self, path, *, json, user):
            _token, secret = issue_api_token(user=user)
            return Client().post(
                path,
                data=json,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )

    return BearerClient()


def api_path(order):
    return f"/api/v1/labour/job-orders/{order.pk}/placements"


def test_the_api_starts_a_placement(api_client, world):
    response = api_client.post(
        api_path(world["order"]),
        json={"seeker_id": world["seeker"].pk},
        user=world["agency"],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "matched"
    assert body["seeker_id"] == world["seeker"].pk
    assert Placement.objects.filter(pk=body["id"]).exists()


def test_the_api_answers_404_409_and_422(api_client, world):
    order, seeker = world["order"], world["seeker"]
    foreign = api_client.post(
        api_path(order), json={"seeker_id": seeker.pk}, user=make_user(Role.AGENCY)
    )
    assert foreign.status_code == 404
    unknown = api_client.post(
        api_path(order), json={"seeker_id": 999999}, user=world["attache"]
    )
    assert unknown.status_code == 422
    bad = api_client.post(api_path(order), json={"seeker_id": 0}, user=world["attache"])
    assert bad.status_code == 422
    make_placement(job_order=order, seeker=seeker)
    duplicate = api_client.post(
        api_path(order), json={"seeker_id": seeker.pk}, user=world["attache"]
    )
    assert duplicate.status_code == 409


def test_offers_and_placements_are_visible_to_the_employer_the_order_names(world):
    from serumpun.accounts.roles import OrganisationKind
    from serumpun.accounts.tests.factories import OrganisationFactory
    from serumpun.labour.models import EmployerProfile, JobOrder

    employer_org = OrganisationFactory(kind=OrganisationKind.EMPLOYER)
    profile = EmployerProfile.objects.create(
        organisation=employer_org, ssm_number="202301012345"
    )
    JobOrder.objects.filter(pk=world["order"].pk).update(employer_profile=profile)
    offer = Offer.objects.create(
        seeker=world["seeker"], job_order=world["order"], score=0.8
    )
    placement = make_placement(job_order=world["order"], seeker=world["seeker"])
    named = make_user(Role.EMPLOYER, employer_org)
    stranger = make_user(Role.EMPLOYER)

    assert list(Offer.objects.visible_to(named)) == [offer]
    assert list(Placement.objects.visible_to(named)) == [placement]
    assert not Offer.objects.visible_to(stranger).exists()
    assert not Placement.objects.visible_to(stranger).exists()
