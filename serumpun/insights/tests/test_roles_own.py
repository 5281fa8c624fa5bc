"""An MSME owner's own progress and a seeker's own status: own records only, fixed queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights.rules.charts import Chart
from serumpun.labour.models import Grievance, Offer, SeekerDocument
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.logistics.models import Shipment
from serumpun.readiness.models import ActionStep, Assessment, Gap
from serumpun.trade.tests.factories import SourcingRequestFactory
from serumpun.trade.tests.factories_deals import Deal, lead_parties, make_lead
from serumpun.trade.tests.factories_matching import assess

pytestmark = pytest.mark.django_db


def chart(response, chart_id: str) -> Chart:
    return next(c for c in response.context["charts"] if c.id == chart_id)


def values(c: Chart, series: int = 0) -> list[object]:
    return list(c.series[series].values)


def get(client, user: User, name: str, **params: str):
    client.force_login(user)
    return client.get(reverse(f"insights:{name}"), params)


# --- an MSME's own progress -----------------------------------------------------------------


def msme_records(deal: Deal, *, gaps: int = 2, steps_done: int = 1) -> None:
    """An assessment with gaps and a plan, two leads and two shipments of the deal's MSME."""
    Assessment.objects.filter(product=deal.product).update(is_latest=False)
    assessment = assess(deal.product, score=64.0)
    for key in ("halal", "label_malay")[:gaps]:
        Gap.objects.create(
            assessment=assessment, key=key, dimension="standards", severity="high"
        )
    for order in range(3):
        ActionStep.objects.create(
            assessment=assessment,
            order=order,
            gap_key="halal",
            agency="BPJPH",
            status="done" if order < steps_done else "todo",
        )
    make_lead(deal, stage="negotiating")
    other_request = SourcingRequestFactory(buyer=deal.request.buyer)
    make_lead(dataclasses.replace(deal, request=other_request), stage="lost")
    for kg, status in (("1500", "booked"), ("500", "pledged")):
        Shipment.objects.create(
            msme=deal.product.msme,
            product=deal.product,
            hs_code="090111",
            origin_regency=exporters_regency("1801"),
            destination_locode="MYPKG",
            weight_kg=Decimal(kg),
            volume_m3=Decimal("3"),
            ready_date=timezone.localdate(),
            status=status,
        )


def test_my_progress_shows_the_owners_readiness_plan_leads_and_shipments(client):
    deal = lead_parties()
    msme_records(deal)

    response = get(client, deal.owner, "my_progress")

    assert response.status_code == 200
    readiness = chart(response, "my-readiness")
    assert values(readiness) == [64.0]
    assert readiness.links == [f"/readiness/products/{deal.product.pk}/"]
    assert sorted(values(chart(response, "my-gaps"))) == [1, 1]
    assert values(chart(response, "my-plan")) == [1, 0, 2]  # done, in progress, to do
    assert response.context["progress"].steps_done == 1
    leads = chart(response, "my-leads")
    assert values(leads) == [0, 0, 1, 0, 0, 0, 1]
    assert leads.links[2] == "/trade/leads/?stage=negotiating"
    shipments = chart(response, "my-shipments")
    assert values(shipments) == [1, 1, 0, 0]  # pledged, booked, shipped, cancelled


def test_an_owner_never_sees_another_msmes_figures(client):
    mine, theirs = lead_parties(), lead_parties()
    msme_records(theirs, gaps=2, steps_done=3)

    response = get(client, mine.owner, "my_progress")

    assert response.status_code == 200
    assert values(chart(response, "my-readiness")) == [80.0]  # its own supplier's
    assert values(chart(response, "my-plan")) == [0, 0, 0]
    assert values(chart(response, "my-leads")) == [0] * 7
    assert values(chart(response, "my-shipments")) == [0] * 4
    assert theirs.product.name_id.encode() not in response.content


def test_an_owner_without_a_business_is_asked_to_register_it(client):
    response = get(client, make_user(Role.MSME_OWNER), "my_progress")
    assert response.status_code == 200
    assert response.context["msme"] is None
    assert reverse("exporters:my_msme").encode() in response.content


def test_my_progress_query_count_is_constant(client, django_assert_num_queries):
    deal = lead_parties()
    msme_records(deal, gaps=1)
    client.force_login(deal.owner)
    url = reverse("insights:my_progress")
    client.get(url)  # the first request after signing in also saves the session
    with django_assert_num_queries(MY_PROGRESS_QUERIES):
        client.get(url)
    msme_records(dataclasses.replace(deal, request=SourcingRequestFactory()), gaps=2)
    with django_assert_num_queries(MY_PROGRESS_QUERIES):
        client.get(url)


#: session, user, memberships; the MSME; assessments, gaps, steps, leads, shipments
MY_PROGRESS_QUERIES = 9


def test_my_progress_tables_download(client):
    deal = lead_parties()
    msme_records(deal)

    response = get(client, deal.owner, "my_progress", download="my-shipments")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-shipments.csv"'
    assert "dijanjikan,1\r\ndipesan,1\r\n" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "role", [Role.BUYER, Role.OFFICER, Role.SEEKER, Role.TRADE_ATTACHE]
)
def test_my_progress_is_for_msme_owners(client, role):
    assert get(client, make_user(role), "my_progress").status_code == 403


# --- a seeker's own status ------------------------------------------------------------------


def seeker_records(user: User | None = None):
    """A seeker in training with two documents verified, offers, and two grievances."""
    seeker = SeekerFactory(
        user=user or make_user(Role.SEEKER),
        stage="training",
        preferred_sectors=["plantation"],
    )
    kinds = list(
        SeekerDocument.objects.filter(seeker=seeker).values_list("kind", flat=True)
    )
    SeekerDocument.objects.filter(seeker=seeker, kind__in=kinds[:2]).update(
        status="verified"
    )
    Offer.objects.create(
        seeker=seeker, job_order=JobOrderFactory(endorsed=True), score=1
    )
    Offer.objects.create(
        seeker=seeker,
        job_order=JobOrderFactory(endorsed=True),
        score=1,
        status="declined",
    )
    answered = Grievance.objects.create(
        seeker=seeker, filed_by=seeker.user, category="unpaid_wages", description="a"
    )
    Grievance.objects.filter(pk=answered.pk).update(
        first_response_at=answered.created_at + dt.timedelta(hours=3)
    )
    Grievance.objects.create(filed_by=seeker.user, category="other", description="b")
    return seeker, len(kinds)


def test_my_status_shows_the_seekers_stage_documents_offers_and_grievances(client):
    seeker, documents = seeker_records()
    JobOrderFactory(endorsed=True, sector="construction")  # not a sector they want

    response = get(client, seeker.user, "my_status")

    assert response.status_code == 200
    path = response.context["path"]
    assert [s.code for s in path if s.state == "current"] == ["training"]
    assert [s.state for s in path[:4]] == ["done"] * 4
    assert values(chart(response, "my-documents")) == [2, 0, documents - 2]
    assert len(response.context["missing"]) == documents - 2
    assert values(chart(response, "my-offers")) == [1, 0, 1, 0]
    assert response.context["status"].open_vacancies == 2  # plantation only
    grievances = chart(response, "my-grievances")
    assert sorted(values(grievances), key=str) == [3.0, None]
    assert response.context["answered"] == 1


def test_a_seeker_sees_only_their_own_status_and_never_their_full_nik(client):
    mine, _n = seeker_records()
    theirs, _n = seeker_records()

    response = get(client, mine.user, "my_status")

    content = response.content.decode()
    assert mine.nik not in content
    assert mine.nik[-4:] in content  # the masked NIK shows its last four digits
    assert theirs.full_name not in content
    assert len(chart(response, "my-grievances").labels) == 2
    assert values(chart(response, "my-offers")) == [1, 0, 1, 0]


def test_a_signed_up_seeker_without_a_profile_is_asked_to_register(client):
    response = get(client, make_user(Role.SEEKER), "my_status")
    assert response.status_code == 200
    assert reverse("labour:seeker_register").encode() in response.content


def test_my_status_query_count_is_constant(client, django_assert_num_queries):
    seeker, _n = seeker_records()
    client.force_login(seeker.user)
    url = reverse("insights:my_status")
    client.get(url)  # the first request after signing in also saves the session
    with django_assert_num_queries(MY_STATUS_QUERIES):
        client.get(url)
    Grievance.objects.create(filed_by=seeker.user, category="other", description="c")
    Offer.objects.create(
        seeker=seeker, job_order=JobOrderFactory(endorsed=True), score=1
    )
    with django_assert_num_queries(MY_STATUS_QUERIES):
        client.get(url)


#: session, user, memberships; the seeker; documents, offers, vacancies, grievances
MY_STATUS_QUERIES = 8


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.LABOUR_ATTACHE, Role.OFFICER])
def test_my_status_is_for_seekers(client, role):
    assert get(client, make_user(role), "my_status").status_code == 403


def test_a_seeker_without_grievances_is_offered_to_file_one(client):
    seeker = SeekerFactory(user=make_user(Role.SEEKER))

    response = get(client, seeker.user, "my_status")

    assert "my-grievances" not in [c.id for c in response.context["charts"]]
    assert reverse("labour:grievance_new").encode() in response.content
