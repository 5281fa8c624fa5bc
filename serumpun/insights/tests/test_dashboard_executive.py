"""The executive dashboard: each figure equals the records made here, filters, downloads, access."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import HSCode
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights import actions
from serumpun.insights.models import RollupRefresh
from serumpun.insights.queries import clear_cache
from serumpun.labour.models import Grievance, JobOrder, Placement, PlacementEvent
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.logistics.models import Shipment
from serumpun.logistics.queries_demand import teu_box
from serumpun.logistics.rules.lane_demand import teu_equivalent
from serumpun.readiness.config import question_title
from serumpun.readiness.models import Assessment, Gap
from serumpun.trade.tests.factories_deals import lead_parties, make_lead

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
AS_OF = dt.date(2026, 11, 20)
PERIOD = {"from": "2026-06", "to": "2026-11"}
URL = "/insights/"


def at(year: int, month: int, day: int = 10, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=JAKARTA)


def msme(code: str, created: dt.datetime, *, verified: dt.datetime | None = None):
    record = MSMEFactory(regency=exporters_regency(code))
    fields = {"created_at": created}
    if verified:
        fields |= {"verification": "verified", "verified_at": verified}
    type(record).objects.filter(pk=record.pk).update(**fields)
    return record


def assess(owner, level: str, gaps: tuple[tuple[str, str], ...] = ()) -> None:
    product = ProductFactory(msme=owner)
    assessment = Assessment.objects.create(
        product=product,
        msme=owner,
        market="MY",
        score=Decimal("50"),
        level=level,
        as_of=AS_OF,
        config_version="test",
        book_version="test",
    )
    for key, dimension in gaps:
        Gap.objects.create(
            assessment=assessment, key=key, dimension=dimension, severity="high"
        )


def ship(owner, to: str, kg: str, m3: str, *, status: str = "booked") -> None:
    Shipment.objects.create(
        msme=owner,
        hs_code="090111",
        origin_regency=owner.regency,
        destination_locode=to,
        weight_kg=Decimal(kg),
        volume_m3=Decimal(m3),
        ready_date=dt.date(2026, 10, 3),
        status=status,
    )


def depart(sector: str, regency_code: str) -> None:
    seeker = SeekerFactory(regency_code=regency_code)
    order = JobOrderFactory(endorsed=True, sector=sector)
    placement = Placement.objects.create(
        seeker=seeker, job_order=order, stage="departed"
    )
    event = PlacementEvent.objects.create(placement=placement, stage="departed")
    PlacementEvent.objects.filter(pk=event.pk).update(at=at(2026, 9, 15))


@pytest.fixture
def world():
    """Records across the three pillars, June–November 2026, and refreshed roll-ups."""
    barat = msme("1801", at(2026, 9, 3), verified=at(2026, 10, 2))
    msme("1801", at(2026, 10, 3))
    kota = msme("1871", at(2026, 9, 20))
    msme("1871", at(2025, 1, 5))  # before the period
    assess(barat, "ready")
    assess(
        kota,
        "beginner",
        gaps=(("gate.halal", "standards"), ("quality.specification", "quality")),
    )

    deal = lead_parties()
    lead = make_lead(deal, stage="ordered", at=at(2026, 10, 5))
    type(lead).objects.filter(pk=lead.pk).update(created_at=at(2026, 10, 1))
    type(deal.request).objects.filter(pk=deal.request.pk).update(
        created_at=at(2026, 9, 28)
    )
    supplier = deal.product.msme
    type(supplier).objects.filter(pk=supplier.pk).update(
        created_at=at(2025, 1, 1), verified_at=at(2025, 1, 2)
    )
    Assessment.objects.filter(msme=supplier).delete()

    ship(barat, "MYPKG", "1000", "2.5")
    ship(barat, "MYPKG", "500", "1.0")
    ship(kota, "MYPEN", "100", "0.2")
    ship(kota, "MYPEN", "999", "9", status="cancelled")

    endorsed = JobOrderFactory(endorsed=True, sector="plantation")
    rejected = JobOrderFactory(
        sector="construction",
        status=JobOrder.Status.REJECTED,
        compliance={"status": "fail", "violations": [{"rule_id": "MY-1"}]},
    )
    JobOrder.objects.filter(pk__in=[endorsed.pk, rejected.pk]).update(
        reviewed_at=at(2026, 10, 15)
    )

    depart("services", "1804")
    depart("services", "1804")
    depart("domestic", "1801")

    seeker = SeekerFactory()
    seekers = type(seeker).objects
    seekers.filter(pk=seeker.pk).update(created_at=at(2026, 8, 1))
    answered = Grievance.objects.create(
        seeker=seeker, category="unpaid_wages", description="x"
    )
    waiting = Grievance.objects.create(
        seeker=seeker, category="passport_held", description="y"
    )
    Grievance.objects.filter(pk=answered.pk).update(
        created_at=at(2026, 10, 1, 8), first_response_at=at(2026, 10, 2, 14)
    )
    Grievance.objects.filter(pk=waiting.pk).update(created_at=at(2026, 10, 3))
    # the placements' seekers count as registered now, outside the period
    seekers.exclude(pk=seeker.pk).update(created_at=at(2025, 1, 1))

    actions.refresh_rollups(as_of=AS_OF)


@pytest.fixture
def officer(client):
    user = make_user(Role.OFFICER)
    client.force_login(user)
    return user


def figures(response, section: str) -> dict[str, object]:
    dashboard = response.context["dashboard"]
    found = next(s for s in dashboard.sections if s.id == section)
    return {str(f.label): f.value for f in found.figures}


def chart(response, chart_id: str):
    return next(c for c in response.context["dashboard"].charts if c.id == chart_id)


def rows(chart_spec) -> dict[str, list[object]]:
    return {str(r["label"]): r["values"] for r in chart_spec.table_rows()}


def test_trade_figures_equal_the_records(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    assert response.status_code == 200
    trade = figures(response, "trade")
    assert trade["MSMEs registered"] == 3
    assert trade["MSMEs verified"] == 1
    assert trade["MSMEs export-ready for Malaysia"] == 1
    by_regency = rows(chart(response, "trade-msmes-by-regency"))
    assert by_regency["Lampung Barat"] == [2, 1, 1]
    assert by_regency["Kota Bandar Lampung"] == [1, 0, 0]
    assert by_regency["Tanggamus"] == [0, 0, 0]
    assert trade["Buyer requests"] == 1
    assert trade["Introductions"] == 1
    assert trade["Deals (orders)"] == 1
    assert trade["Export value of deals"] == 10000
    products = chart(response, "trade-products")
    code = HSCode.objects.get(pk=products.labels[0].split()[0])
    assert products.labels == [f"{code.code} {code.description}"]
    assert products.series[0].values == [10000]
    value_by_month = rows(chart(response, "trade-deal-value"))
    assert value_by_month["Oct 2026"] == [10000]
    assert value_by_month["Sep 2026"] == [0]
    gaps = rows(chart(response, "trade-gaps"))
    assert gaps == {
        question_title("gate.halal", "en"): [1],
        question_title("quality.specification", "en"): [1],
    }
    assert question_title("gate.halal", "en") != "gate.halal"  # a title, not the key


def test_transport_figures_and_teu_by_lane(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    transport = figures(response, "transport")
    assert transport["Shipments"] == 3
    assert transport["Cargo"] == pytest.approx(1.6)
    box = teu_box()
    expected = teu_equivalent(3.5, 1500, box) + teu_equivalent(0.2, 100, box)
    assert transport["Containers (TEU-equivalent)"] == pytest.approx(round(expected, 1))
    lanes = chart(response, "transport-lanes")
    pkg = next(r for r in lanes.table_rows() if "MYPKG" in r["label"])
    assert pkg["values"][:2] == [2, 1.5]
    assert pkg["link"] == reverse("logistics:lane_demand") + "?to=MYPKG"


def test_labour_figures_rejection_reasons_and_grievances(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    labour = figures(response, "labour")
    assert labour["Job orders endorsed"] == 1
    assert labour["Job orders rejected"] == 1
    assert labour["Placements (departures)"] == 3
    assert labour["Formal-sector share of placements"] == pytest.approx(66.7)
    assert labour["Grievances"] == 2
    assert labour["Mean time to first response"] == pytest.approx(30.0)
    assert labour["Job seekers registered"] == 1
    reasons = rows(chart(response, "labour-rejections"))
    assert reasons == {"Sector open to foreign workers (MY-1)": [1]}
    sectors = rows(chart(response, "labour-placements-sector"))
    assert sectors == {"services": [2], "domestic work": [1]}
    assert rows(chart(response, "labour-formal-share")) == {
        "formal sectors": [2],
        "domestic work": [1],
    }
    grievances = rows(chart(response, "labour-grievances"))
    assert grievances == {"unpaid wages": [1, 1], "passport held": [1, 0]}
    hours = rows(chart(response, "labour-grievance-response"))
    assert hours == {"unpaid wages": [30.0], "passport held": [None]}


def test_where_it_is_stuck_names_the_trouble(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    stuck = {str(f.title): f for f in response.context["dashboard"].stuck}
    assert stuck["Grievances without a first response"].value == 1
    assert stuck["Share of reviewed job orders rejected"].value == 50.0
    none_ready = stuck["Regencies with assessed MSMEs but none export-ready"]
    assert (none_ready.value, none_ready.detail) == (1, "Kota Bandar Lampung")
    assert "Where it is stuck" in response.content.decode()


def test_figures_link_to_the_records_the_viewer_may_open(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    by_regency = chart(response, "trade-msmes-by-regency")
    assert by_regency.links[0] == reverse("exporters:registry") + "?regency=1801"
    html = response.content.decode()
    assert f'href="{reverse("labour:job_order_list")}?status=rejected"' in html
    # the officer holds no deal tracking: no link to the attaché's pipeline
    assert reverse("trade:pipeline") not in html


def test_the_regency_filter_narrows_regional_figures(in_english, officer, world):
    response = in_english.get(URL, {**PERIOD, "regency": "1801"})

    trade = figures(response, "trade")
    assert trade["MSMEs registered"] == 2
    assert rows(chart(response, "trade-msmes-by-regency")) == {
        "Lampung Barat": [2, 1, 1]
    }
    assert figures(response, "transport")["Shipments"] == 2
    # job orders have no regency: shown for the province, and the page says so
    assert figures(response, "labour")["Job orders endorsed"] == 1
    assert "belong to no regency" in response.content.decode()


def test_the_period_filter_leaves_out_other_months(in_english, officer, world):
    response = in_english.get(URL, {"from": "2026-10", "to": "2026-10"})

    assert figures(response, "trade")["MSMEs registered"] == 1
    assert figures(response, "labour")["Placements (departures)"] == 0
    assert chart(response, "trade-funnel").labels == ["Oct 2026"]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13", "to": "abc"},
        {"from": "2026-11", "to": "2026-06"},
        {"from": "1850-01"},
        {"from": "2010-01", "to": "2026-01"},  # more than ten years
        {"regency": "9999"},
        {"regency": "<script>"},
    ],
)
def test_bad_filters_show_an_error_and_the_default_period(
    in_english, officer, world, query
):
    response = in_english.get(URL, query)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Some filters could not be used" in response.content.decode()
    period = response.context["period"]
    assert (period.last_month - period.first_month).days < 366
    assert period.regency is None


def test_the_default_period_is_the_last_twelve_months(officer, client):
    response = client.get(URL)

    period = response.context["period"]
    assert period.last_month.month == timezone.localdate().month
    assert len(chart(response, "trade-funnel").labels) == 12
    assert response.context["form"]["from"].value() == f"{period.first_month:%Y-%m}"


def test_a_table_downloads_as_csv_with_the_same_filters(in_english, officer, world):
    response = in_english.get(
        URL, {**PERIOD, "download": "labour-placements-sector", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "labour-placements-sector.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Placements by sector"]
    assert table[2:] == [["services", "2"], ["domestic work", "1"]]

    filtered = in_english.get(
        URL,
        {**PERIOD, "regency": "1801", "download": "labour-placements-sector"},
    )
    table = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))
    assert table[2:] == [["domestic work", "1"]]


def test_a_table_downloads_as_xlsx(in_english, officer, world):
    from openpyxl import load_workbook

    response = in_english.get(
        URL, {**PERIOD, "download": "trade-msmes-by-regency", "format": "xlsx"}
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "MSMEs by regency"
    assert values[2] == ("Lampung Barat", 2, 1, 1)


def test_an_unknown_table_or_format_is_not_found(officer, client, world):
    assert client.get(URL, {"download": "nope"}).status_code == 404
    assert (
        client.get(URL, {"download": "trade-gaps", "format": "pdf"}).status_code == 404
    )


def test_every_chart_offers_its_downloads(officer, client, world):
    response = client.get(URL, PERIOD)

    html = response.content.decode()
    for spec in response.context["dashboard"].charts:
        assert f"download={spec.id}&amp;format=csv" in html
        assert f"download={spec.id}&amp;format=xlsx" in html
        assert f'data-chart="{spec.id}-data"' in html


@pytest.mark.parametrize("role", [Role.BUYER, Role.SEEKER, Role.MSME_OWNER])
def test_roles_without_oversight_are_refused(client, role):
    client.force_login(make_user(role))

    assert client.get(URL).status_code == 403
    assert client.post(reverse("insights:refresh_rollups")).status_code == 403


@pytest.mark.parametrize(
    "role",
    [
        Role.OFFICER,
        Role.TRADE_ATTACHE,
        Role.TRANSPORT_ATTACHE,
        Role.LABOUR_ATTACHE,
        Role.ADMIN,
    ],
)
def test_oversight_roles_open_the_page_and_see_the_menu_entry(client, role):
    client.force_login(make_user(role))

    response = client.get(URL)

    assert response.status_code == 200
    assert f'href="{URL}"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_costs_the_same_queries_whatever_the_data(
    officer, client, world, django_assert_num_queries
):
    client.get(URL, PERIOD)  # the staff session's idle clock is written once a minute
    # session, user, memberships; the latest refresh (figures kept?); the cube's four (cold);
    # HS names; port names; two refreshes
    expected = 12
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(expected):
        client.get(URL, PERIOD)
    for code in ("1802", "1803", "1804", "1805"):
        owner = msme(code, at(2026, 9, 3), verified=at(2026, 9, 4))
        ship(owner, "MYPGU", "300", "1")
    depart("mining", "1805")
    actions.refresh_rollups(as_of=AS_OF)
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(expected):
        client.get(URL, PERIOD)
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(expected):
        client.get(URL, {**PERIOD, "regency": "1801"})
    # warm: the figures are kept until the next refresh; session, user, memberships, the
    # latest refresh, and the two refreshes the page shows
    with django_assert_num_queries(6):
        client.get(URL, {**PERIOD, "regency": "1801"})


def test_kept_figures_follow_the_language_and_the_next_refresh(
    in_english, officer, world
):
    before = in_english.get(URL, PERIOD).context["dashboard"]
    assert in_english.get(URL, PERIOD).context["dashboard"] is before
    with translation.override("id"):
        in_indonesian = in_english.get(URL, PERIOD, HTTP_ACCEPT_LANGUAGE="id")
    assert in_indonesian.context["dashboard"] is not before
    msme("1806", at(2026, 9, 3), verified=at(2026, 9, 4))
    actions.refresh_rollups(as_of=AS_OF)
    after = in_english.get(URL, PERIOD).context["dashboard"]
    assert after is not before


def test_the_page_shows_the_last_refresh(in_english, officer, world):
    response = in_english.get(URL, PERIOD)

    assert response.context["refreshed"] == RollupRefresh.objects.latest()
    assert "Figures as of" in response.content.decode()


def test_refresh_now_recomputes_and_returns_to_the_same_filters(
    in_english, officer, world
):
    msme("1801", at(2026, 11, 2))
    before = RollupRefresh.objects.count()

    response = in_english.post(
        reverse("insights:refresh_rollups"), {**PERIOD, "regency": "1801"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?from=2026-06&to=2026-11&regency=1801"
    assert RollupRefresh.objects.count() == before + 1
    assert RollupRefresh.objects.latest().requested_by == officer
    page = in_english.get(response["Location"])
    assert "being refreshed" in page.content.decode()
    # the immediate task backend has already rewritten the cells
    assert figures(page, "trade")["MSMEs registered"] == 3


def test_refresh_is_post_only(officer, client):
    assert client.get(reverse("insights:refresh_rollups")).status_code == 405


def test_the_map_shows_export_ready_msmes_by_regency(officer, client, world):
    response = client.get(URL, PERIOD)

    values = response.context["map_values"]
    assert len(values) == 15
    assert (values["1801"], values["1871"], values["1802"]) == (1, 0, 0)
    html = response.content.decode()
    assert 'data-regency="1801"' in html
    assert f"{reverse('exporters:registry')}?regency=1801" in html

    filtered = client.get(URL, {**PERIOD, "regency": "1871"})
    assert filtered.context["map_values"] == {"1871": 0}
