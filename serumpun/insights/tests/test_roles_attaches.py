"""The attachés' and officers' dashboards: figures against records, queues, roles, downloads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import OrganisationFactory, make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights.actions import refresh_rollups
from serumpun.insights.queries import clear_cache
from serumpun.insights.rules.charts import Chart
from serumpun.labour.models import Grievance, JobOrder, Placement, PlacementEvent
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.logistics.models import Shipment
from serumpun.logistics.queries_demand import teu_box
from serumpun.logistics.rules.lane_demand import teu_equivalent
from serumpun.readiness.models import Cohort
from serumpun.trade.models import Introduction
from serumpun.trade.tests.factories import BuyerProfileFactory, SourcingRequestFactory
from serumpun.trade.tests.factories_deals import lead_parties, make_lead

pytestmark = pytest.mark.django_db


def chart(response, chart_id: str) -> Chart:
    return next(c for c in response.context["charts"] if c.id == chart_id)


def values(c: Chart, series: int = 0) -> list[object]:
    return list(c.series[series].values)


def get(client, user: User, name: str, **params: str):
    client.force_login(user)
    return client.get(reverse(f"insights:{name}"), params)


# --- trade attaché --------------------------------------------------------------------------


def trade_records():
    """Three leads of one buyer (ordered, negotiating, lost), one idle; a pending buyer."""
    deal = lead_parties()
    make_lead(deal, stage="ordered", deal_value_usd=Decimal("12000"))
    second = dataclasses.replace(
        deal, request=SourcingRequestFactory(buyer=deal.request.buyer)
    )
    make_lead(second, stage="negotiating")
    third = dataclasses.replace(
        deal, request=SourcingRequestFactory(buyer=deal.request.buyer, status="closed")
    )
    make_lead(third, stage="lost", lost_from="negotiating")
    Introduction.objects.filter(stage="negotiating").update(
        last_activity_at=timezone.now() - dt.timedelta(days=60)
    )
    BuyerProfileFactory(pending=True)
    refresh_rollups()
    return deal


def test_trade_dashboard_counts_requests_introductions_and_deals(client):
    deal = trade_records()

    response = get(client, deal.attache, "trade_attache")

    assert response.status_code == 200
    assert values(chart(response, "requests-status")) == [2, 1]  # open, closed
    assert chart(response, "requests-status").labels[0] == "terbuka"
    headings = chart(response, "requests-heading")
    assert values(headings) == [3]
    assert headings.links == ["/trade/requests/?hs_code=0901"]
    funnel = chart(response, "leads-funnel")
    assert values(funnel) == [0, 0, 1, 1, 0, 0, 1]
    assert values(funnel, 1) == [2, 2, 2, 1, 0, 0, None]
    assert values(chart(response, "deals-month"))[-1] == 1
    assert values(chart(response, "deal-value-month"))[-1] == 12000.0
    products = chart(response, "top-products")
    assert values(products) == [12000.0]
    assert products.links == ["/trade/pipeline/?hs=090111"]
    regencies = chart(response, "supplier-regencies")
    assert values(regencies) == [3] and values(regencies, 1) == [1]
    assert response.context["queues"] == {
        "buyers": 1,
        "permits": 0,
        "reports": 0,
        "idle": 1,
    }


def test_trade_dashboard_query_count_is_constant(client, django_assert_num_queries):
    deal = trade_records()
    client.force_login(deal.attache)
    url = reverse("insights:trade_attache")
    client.get(url)  # the first request after signing in also saves the session
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(TRADE_QUERIES):
        client.get(url)
    trade_records()  # more of everything: the same number of queries
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(TRADE_QUERIES):
        client.get(url)


#: session, user, memberships; the cube's four (cold); regency and HS names; the queues
TRADE_QUERIES = 10


def test_trade_dashboard_tables_download_as_csv_and_xlsx(client):
    deal = trade_records()

    csv = get(client, deal.attache, "trade_attache", download="leads-funnel")
    xlsx = get(
        client, deal.attache, "trade_attache", download="leads-funnel", format="xlsx"
    )
    missing = get(client, deal.attache, "trade_attache", download="nothing")

    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "negosiasi,1,2" in text
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert missing.status_code == 404


def test_a_buyer_tracking_own_deals_is_not_the_trade_attache(client):
    deal = lead_parties()
    assert get(client, deal.buyer, "trade_attache").status_code == 403


# --- transport attaché ----------------------------------------------------------------------


def ship(msme, to: str, kg: str, m3: str, status: str = "booked") -> Shipment:
    return Shipment.objects.create(
        msme=msme,
        hs_code="090111",
        origin_regency=exporters_regency("1801"),
        destination_locode=to,
        weight_kg=Decimal(kg),
        volume_m3=Decimal(m3),
        ready_date=timezone.localdate(),
        status=status,
    )


def test_transport_dashboard_sums_lanes_statuses_and_teu(client):
    a, b = MSMEFactory(), MSMEFactory()
    ship(a, "MYPKG", "4000", "10")
    ship(b, "MYPKG", "2000", "30", status="pledged")
    ship(a, "MYPEN", "1000", "2", status="shipped")
    ship(b, "MYPEN", "9000", "9", status="cancelled")
    refresh_rollups()

    response = get(client, make_user(Role.TRANSPORT_ATTACHE), "transport_attache")

    assert response.status_code == 200
    lanes = chart(response, "lanes")
    assert values(lanes) == [2, 1]  # MYPKG (6 t) before MYPEN (1 t)
    assert values(lanes, 1) == [2, 1]  # shippers
    assert values(chart(response, "lanes-tonnes")) == [6.0, 1.0]
    box = teu_box()
    assert values(chart(response, "lanes-teu")) == [
        round(teu_equivalent(40, 6000, box), 2),
        round(teu_equivalent(2, 1000, box), 2),
    ]
    assert lanes.links[0].startswith("/logistics/lanes/demand/?to=MYPKG&first=")
    assert values(chart(response, "shipments-status")) == [1, 1, 1]
    tonnes = chart(response, "tonnes-month")
    assert [s.values[-1] for s in tonnes.series] == [2.0, 4.0, 1.0]
    totals = response.context["totals"]
    assert (totals.shipments, totals.tonnes) == (3, 7.0)


def test_only_the_planners_see_the_transport_dashboard(client):
    assert get(client, make_user(Role.OFFICER), "transport_attache").status_code == 403
    admin = make_user(Role.ADMIN)
    assert get(client, admin, "transport_attache").status_code == 200


# --- labour attaché -------------------------------------------------------------------------


def labour_records():
    now = timezone.now()
    JobOrderFactory(submitted_at=now, status=JobOrder.Status.CHECKED)
    JobOrderFactory(
        submitted_at=now,
        reviewed_at=now,
        status=JobOrder.Status.ENDORSED,
        sector="manufacturing",
    )
    JobOrderFactory(
        submitted_at=now,
        reviewed_at=now,
        status=JobOrder.Status.REJECTED,
        compliance_status="fail",
        compliance={"status": "fail", "violations": [{"rule_id": "ID-1"}]},
    )
    JobOrderFactory(submitted_at=now, reviewed_at=now, status=JobOrder.Status.REJECTED)
    order = JobOrderFactory(endorsed=True, submitted_at=now, sector="domestic")
    for seeker in (SeekerFactory(), SeekerFactory()):
        placement = Placement.objects.create(
            seeker=seeker, job_order=order, stage="working"
        )
        PlacementEvent.objects.create(placement=placement, stage="departed")
    formal = Placement.objects.create(
        seeker=SeekerFactory(),
        job_order=JobOrderFactory(endorsed=True),
        stage="departed",
    )
    PlacementEvent.objects.create(placement=formal, stage="departed")
    Grievance.objects.create(category="unpaid_wages", description="x")
    answered = Grievance.objects.create(
        category="passport_held", description="y", status="in_progress"
    )
    Grievance.objects.filter(pk=answered.pk).update(
        first_response_at=answered.created_at + dt.timedelta(hours=6)
    )
    refresh_rollups()


def test_labour_dashboard_counts_orders_rejections_placements_and_grievances(client):
    labour_records()

    response = get(client, make_user(Role.LABOUR_ATTACHE), "labour_attache")

    assert response.status_code == 200
    compliance = chart(response, "orders-compliance")
    assert values(compliance) == [4, 0, 1, 0]  # pass, warn, fail, unchecked
    decisions = chart(response, "orders-decisions")
    per_sector = zip(*values_of(decisions), strict=True)
    by_sector = dict(zip(decisions.labels, per_sector, strict=True))
    assert by_sector == {"perkebunan": (0, 2), "manufaktur": (1, 0)}
    rejections = chart(response, "rejection-rules")
    assert rejections.labels[0].startswith("ID-1 Usia minimum pekerja")
    assert values(rejections) == [1, 1]
    assert values(chart(response, "formal-domestic")) == [1, 2]
    totals = response.context["totals"]
    assert totals.placements == 3
    assert totals.domestic_share == pytest.approx(2 / 3)
    assert totals.mean_hours_to_response == 6.0
    assert response.context["queues"] == {
        "orders": 1,
        "grievances": 2,
        "unanswered": 1,
    }
    assert values(chart(response, "grievances-status")) == [1, 1, 0, 0]


def values_of(c: Chart) -> list[list[object]]:
    return [list(s.values) for s in c.series]


def test_labour_dashboard_names_rejection_rules_from_the_rulebook(client, in_english):
    labour_records()

    response = get(in_english, make_user(Role.LABOUR_ATTACHE), "labour_attache")

    labels = set(chart(response, "rejection-rules").labels)
    # the rule's id and its title, cut to fit beside a bar on a phone
    assert labels == {"ID-1 Migrant workers must b…", "No coded rule (the attaché'…"}


def test_labour_dashboard_query_count_is_constant(client, django_assert_num_queries):
    labour_records()
    client.force_login(make_user(Role.LABOUR_ATTACHE))
    url = reverse("insights:labour_attache")
    client.get(url)  # the first request after signing in also saves the session
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(LABOUR_QUERIES):
        client.get(url)
    labour_records()
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(LABOUR_QUERIES):
        client.get(url)


LABOUR_QUERIES = 8


def test_an_msme_owner_may_not_open_the_attaches_dashboards(client):
    owner = make_user(Role.MSME_OWNER)
    for name in ("trade_attache", "transport_attache", "labour_attache", "office"):
        assert get(client, owner, name).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("insights:labour_attache"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- officers per office --------------------------------------------------------------------


def test_office_dashboard_counts_only_the_work_of_its_own_people(client):
    office = OrganisationFactory(kind="government_office")
    officer = make_user(Role.OFFICER, organisation=office)
    colleague = make_user(Role.OFFICER, organisation=office)
    stranger = make_user(Role.OFFICER)
    now = timezone.now()
    MSMEFactory(verified=True, verified_by=colleague, verified_at=now)
    MSMEFactory(verified=True, verified_by=stranger, verified_at=now)
    SeekerFactory(office=office)
    SeekerFactory(registered_by=officer)
    SeekerFactory(office=stranger.organisation)
    Grievance.objects.create(category="other", description="x", organisation=office)
    Grievance.objects.create(category="other", description="y")
    cohort = Cohort.objects.create(
        organisation=office, name="Kopi 2026", tier="beginner", starts_on=now.date()
    )
    cohort.members.add(MSMEFactory(), MSMEFactory())
    Cohort.objects.create(
        organisation=stranger.organisation,
        name="Lada",
        tier="beginner",
        starts_on=now.date(),
    )
    refresh_rollups()

    response = get(client, officer, "office")

    assert response.status_code == 200
    context = response.context
    assert (context["verified"], context["registered"], context["handled"]) == (1, 2, 1)
    assert (context["work"].cohorts, context["work"].cohort_members) == (1, 2)
    assert response.context["pillar"] == "labour"
    province = chart(response, "province-labour")
    assert sum(values(province)) == 3  # every seeker of the province
    trade = get(client, officer, "office", pillar="trade")
    assert sum(values(chart(trade, "province-trade"))) == 4  # MSMEs registered


def test_office_dashboard_query_count_is_constant(client, django_assert_num_queries):
    office = OrganisationFactory(kind="government_office")
    officer = make_user(Role.OFFICER, organisation=office)
    client.force_login(officer)
    url = reverse("insights:office")
    SeekerFactory(office=office)
    refresh_rollups()
    client.get(url)  # the first request after signing in also saves the session
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(OFFICE_QUERIES):
        client.get(url)
    SeekerFactory(office=office, regency_code="1801")
    MSMEFactory(verified=True, verified_by=officer, verified_at=timezone.now())
    refresh_rollups()
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(OFFICE_QUERIES):
        client.get(url)


OFFICE_QUERIES = 12


def test_transport_dashboard_query_count_is_constant(client, django_assert_num_queries):
    ship(MSMEFactory(), "MYPKG", "1000", "2")
    refresh_rollups()
    client.force_login(make_user(Role.TRANSPORT_ATTACHE))
    url = reverse("insights:transport_attache")
    client.get(url)  # the first request after signing in also saves the session
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(TRANSPORT_QUERIES):
        client.get(url)
    ship(MSMEFactory(), "MYPEN", "3000", "9", status="pledged")
    refresh_rollups()
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(TRANSPORT_QUERIES):
        client.get(url)


#: session, user, memberships; the cube's four (cold); the port names
TRANSPORT_QUERIES = 8


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.TRADE_ATTACHE, "insights:trade_attache"),
        (Role.TRANSPORT_ATTACHE, "insights:transport_attache"),
        (Role.LABOUR_ATTACHE, "insights:labour_attache"),
        (Role.OFFICER, "insights:office"),
        (Role.MSME_OWNER, "insights:my_progress"),
        (Role.SEEKER, "insights:my_status"),
    ],
)
def test_each_role_finds_its_dashboard_in_the_menu(role, url_name):
    from serumpun.core.navigation import menu_for

    urls = [entry["url"] for entry in menu_for(make_user(role))]
    assert reverse(url_name) in urls
    others = {"insights:my_progress", "insights:my_status"} - {url_name}
    assert not {reverse(name) for name in others} & set(urls)


@pytest.mark.parametrize(("asked", "months"), [("3", 3), ("24", 24), ("7", 12)])
def test_the_period_is_one_of_the_offered_lengths(client, asked, months):
    deal = lead_parties()

    response = get(client, deal.attache, "trade_attache", months=asked)

    assert len(chart(response, "introductions-month").labels) == months
    assert response.context["base_query"] == f"months={months}"
