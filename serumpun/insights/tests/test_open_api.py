"""The open-data API and page: anonymous, figures equal to the records, small cells hidden,
no personal data, 422 on bad parameters, constant queries, downloads."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights import actions
from serumpun.insights.queries import clear_cache
from serumpun.insights.rules.cube import month_range
from serumpun.labour.models import Grievance, JobOrder
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.logistics.models import Shipment

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
YEAR = "from=2026-01&to=2026-12"
API = "/api/v1/open"


def at(month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, tzinfo=JAKARTA)


def msmes(code: str, n: int, *, verified: int = 0) -> list:
    made = []
    for i in range(n):
        record = MSMEFactory(regency=exporters_regency(code))
        fields = {"created_at": at(3)}
        if i < verified:
            fields |= {"verification": "verified", "verified_at": at(4)}
        type(record).objects.filter(pk=record.pk).update(**fields)
        made.append(record)
    return made


def ship(owner, to: str, kg: str, n: int = 1) -> None:
    for _ in range(n):
        Shipment.objects.create(
            msme=owner,
            hs_code="090111",
            origin_regency=owner.regency,
            destination_locode=to,
            weight_kg=Decimal(kg),
            volume_m3=Decimal("1.5"),
            ready_date=dt.date(2026, 5, 12),
            status="booked",
        )


@pytest.fixture
def corridor():
    """Records in 2026 whose open figures the tests know, then a refresh."""
    barat = msmes("1801", 7, verified=5)
    msmes("1871", 6)
    msmes("1802", 2)
    for owner in barat[:6]:
        ship(owner, "MYPKG", "1000")
    ship(barat[0], "MYPEN", "300", n=2)
    for owner in barat[1:6]:
        ship(owner, "MYPGU", "500")
    seekers = [SeekerFactory(regency_code="1805") for _ in range(8)]
    seekers += [SeekerFactory(regency_code="1804") for _ in range(6)]
    seekers += [SeekerFactory(regency_code="1801")]
    type(seekers[0]).objects.update(created_at=at(2))
    for seeker in seekers[:5]:
        grievance = Grievance.objects.create(
            seeker=seeker, category="unpaid_wages", description="gaji belum dibayar"
        )
        Grievance.objects.filter(pk=grievance.pk).update(created_at=at(7))
    orders = [JobOrderFactory(endorsed=True) for _ in range(6)]
    orders += [JobOrderFactory(status=JobOrder.Status.REJECTED) for _ in range(2)]
    JobOrder.objects.filter(pk__in=[o.pk for o in orders]).update(reviewed_at=at(6))
    actions.refresh_rollups(as_of=dt.date(2026, 12, 5))
    return {"msmes": barat, "seekers": seekers}


def get(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def row(rows: list[dict], **match) -> dict:
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_msme_figures_equal_the_records_with_small_cells_hidden(client, corridor):
    body = get(client, f"{API}/msmes?{YEAR}")
    assert body["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert body["methodology_url"].endswith("/open-data/#methodology")
    assert body["attribution"]
    assert body["generated_from_refresh_at"]
    assert row(body["by_month"], month="2026-03")["registered"] == 15
    assert row(body["by_month"], month="2026-04")["verified"] == 5
    regencies = body["by_regency"]
    assert row(regencies, regency_code="1801")["registered"] == 7
    assert row(regencies, regency_code="1802")["registered"] == "<5"
    # 1871's 6 is the smallest other figure: withheld so 1802 cannot be subtracted out
    assert row(regencies, regency_code="1871")["registered"] is None
    assert row(regencies, regency_code="1803")["registered"] == 0
    assert row(regencies, regency_code="1801")["regency_name"] == "Lampung Barat"
    assert row(body["by_year"], year=2026)["registered"] == 15


def test_shipments_per_lane_hide_thin_lanes_and_their_complements(client, corridor):
    body = get(client, f"{API}/shipments?{YEAR}")
    may = row(body["by_month"], month="2026-05")
    assert may["shipments"] == 13
    assert may["tonnes"] == {"value": 9.1, "suppressed": False}
    assert may["teu"]["value"] > 0
    assert may["co2e_tonnes"]["suppressed"]  # a lane of the month is hidden
    lanes = body["by_month_lane"]
    klang = row(lanes, month="2026-05", destination_locode="MYPKG")
    assert (klang["origin_locode"], klang["shipments"]) == ("IDPJG", 6)
    assert klang["tonnes"] == {"value": 6.0, "suppressed": False}
    penang = row(lanes, month="2026-05", destination_locode="MYPEN")
    assert penang["shipments"] == "<5"
    assert penang["tonnes"] == {"value": None, "suppressed": True}
    assert penang["teu"] == {"value": None, "suppressed": True}
    assert row(lanes, month="2026-05", destination_locode="MYPGU")["tonnes"][
        "suppressed"
    ]


def test_labour_figures_equal_the_records(client, corridor):
    body = get(client, f"{API}/labour?{YEAR}")
    june = row(body["job_orders_by_month"], month="2026-06")
    assert (june["reviewed"], june["rejected"], june["endorsed"]) == (8, "<5", None)
    seekers = body["by_regency"]
    assert row(seekers, regency_code="1805")["seekers_registered"] == 8
    assert row(seekers, regency_code="1801")["seekers_registered"] == "<5"
    assert row(seekers, regency_code="1804")["seekers_registered"] is None
    assert row(body["by_year"], year=2026)["seekers_registered"] == 15
    july = row(body["grievances_by_month_category"], month="2026-07")
    assert (july["category"], july["grievances"]) == ("unpaid_wages", 5)
    assert row(body["grievances_by_year"], year=2026)["grievances"] == 5


def test_regency_selects_rows_of_the_regency_tables_only(client, corridor):
    body = get(client, f"{API}/msmes?{YEAR}&regency=1801")
    assert {r["regency_code"] for r in body["by_regency"]} == {"1801"}
    assert body["regency"] == "1801"
    assert row(body["by_month"], month="2026-03")["registered"] == 15


def test_a_shorter_period_selects_months_without_changing_figures(client, corridor):
    whole = get(client, f"{API}/msmes?{YEAR}")
    spring = get(client, f"{API}/msmes?from=2026-03&to=2026-04")
    assert [r["month"] for r in spring["by_month"]] == ["2026-03", "2026-04"]
    assert spring["by_month"] == whole["by_month"][2:4]
    assert spring["by_regency"] == whole["by_regency"]


def test_anonymous_get_works_and_may_be_cached(client, corridor):
    for path in ("/", "/msmes", "/trade", "/shipments", "/labour"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=3600"
    index = client.get(f"{API}/").json()
    assert {d["id"] for d in index["datasets"]} == {
        "msmes",
        "trade",
        "shipments",
        "labour",
    }
    assert index["licence"]["name"] == "CC BY 4.0"
    assert index["api_docs_url"].endswith("/api/v1/docs")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13", "from"),
        ("to=26-01", "to"),
        ("from=2026-05&to=2026-01", "from"),
        ("from=2020-01&to=2026-12", "from"),  # more than 60 months
        ("regency=18x1", "regency"),
        ("regency=3171", "regency"),  # not a Lampung regency
    ],
)
def test_bad_parameters_are_422_naming_the_field(client, db, query, field):
    response = client.get(f"{API}/trade?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["loc"][-1] == field


def test_no_personal_data_in_any_answer_or_page(client, corridor):
    owners = corridor["msmes"]
    seekers = corridor["seekers"]
    secrets = {
        *(m.name for m in owners),
        *(m.owner_name for m in owners),
        *(m.phone for m in owners),
        *(m.nib for m in owners),
        *(s.full_name for s in seekers),
        *(s.nik for s in seekers),
        *(s.phone for s in seekers),
        "gaji belum dibayar",
        "@example.test",
    }
    bodies = [
        client.get(f"{API}{path}?{YEAR}").content.decode()
        for path in ("/msmes", "/trade", "/shipments", "/labour")
    ]
    bodies.append(client.get(reverse("open_data:index")).content.decode())
    for body in bodies:
        for secret in secrets:
            assert secret not in body
        assert "contributors" not in body


def test_the_api_costs_a_constant_number_of_queries(
    client, corridor, django_assert_num_queries
):
    # 4 per calendar year (the roll-up reader, cold), regencies, ports, last refresh
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(7):
        client.get(f"{API}/labour?{YEAR}")
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(11):
        client.get(f"{API}/shipments?from=2025-06&to=2026-12")
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(8):  # + the regency check
        client.get(f"{API}/msmes?{YEAR}&regency=1801")


def test_the_page_is_public_shows_the_api_figures_and_costs_constant_queries(
    client, corridor, django_assert_num_queries
):
    url = reverse("open_data:index")
    clear_cache()  # the cold path: the cube read from the table
    with django_assert_num_queries(8):  # one year: 4 + regencies, ports, refresh, demo
        response = client.get(url, {"start": "2026-01", "end": "2026-12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="methodology"' in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "/api/v1/docs" in html
    assert "&lt;5" in html
    regency_table = next(
        c for c in response.context["charts"] if c.id == "msmes-by-regency-2026"
    )
    values = dict(
        zip(regency_table.labels, regency_table.series[0].values, strict=True)
    )
    assert (values["Lampung Barat"], values["Kota Bandar Lampung"]) == (7, None)
    assert "15" in regency_table.note  # the province's total, beside the bars


def test_the_page_shows_the_figures_the_api_gives(client, corridor):
    api = get(client, f"{API}/labour?{YEAR}")
    page = client.get(
        reverse("open_data:index"), {"start": "2026-01", "end": "2026-12"}
    )
    chart = next(c for c in page.context["charts"] if c.id == "labour-by-regency-2026")
    names = {r["regency_name"]: r for r in api["by_regency"]}
    for label, seekers, placements in zip(
        chart.labels, chart.series[0].values, chart.series[1].values, strict=True
    ):
        assert (seekers, placements) == (
            names[label]["seekers_registered"],
            names[label]["placements"],
        )


def test_a_period_the_page_cannot_show_falls_back_to_the_default(client, db):
    response = client.get(
        reverse("open_data:index"), {"start": "2026-09", "end": "2026-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    first, last = response.context["first_month"], response.context["last_month"]
    assert len(month_range(first, last)) == 24


def test_the_page_works_for_a_signed_in_user_and_links_from_every_page(client, db):
    assert (
        reverse("open_data:index")
        in client.get(reverse("accounts:login")).content.decode()
    )
    client.force_login(make_user(Role.OFFICER))
    response = client.get(reverse("open_data:index"))
    assert response.status_code == 200
    assert reverse("open_data:index") in response.content.decode()


def test_the_demo_caveat_shows_only_when_demo_records_exist(client, db):
    url = reverse("open_data:index")
    assert "badge-demo" not in client.get(url).content.decode()
    make_user(Role.OFFICER, is_demo=True)
    assert "badge-demo" in client.get(url).content.decode()


def test_every_table_downloads_as_csv_and_xlsx(client, corridor):
    url = reverse("open_data:index")
    query = {"start": "2026-01", "end": "2026-12"}
    charts = client.get(url, query).context["charts"]
    assert len(charts) >= 10
    for chart in charts:
        csv_file = client.get(url, {**query, "download": chart.id, "format": "csv"})
        assert csv_file.status_code == 200
        assert csv_file["Content-Type"].startswith("text/csv")
        xlsx = client.get(url, {**query, "download": chart.id, "format": "xlsx"})
        assert xlsx.status_code == 200
    regencies = client.get(
        url, {**query, "download": "msmes-by-regency-2026", "format": "csv"}
    ).content.decode("utf-8-sig")
    assert "Lampung Barat,7," in regencies
    assert "<5" in regencies
    book = load_workbook(
        io.BytesIO(
            client.get(
                url, {**query, "download": "msmes-by-regency-2026", "format": "xlsx"}
            ).content
        )
    )
    cells = [c.value for r in book.active.iter_rows() for c in r]
    assert "<5" in cells
    assert client.get(url, {"download": "no-such-table"}).status_code == 404


def test_the_api_schema_types_counts_as_a_number_or_below_five(client, db):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    regency_row = schema["components"]["schemas"]["MsmeRegencyOut"]
    kinds = regency_row["properties"]["registered"]["anyOf"]
    assert {"type": "integer"} in kinds
    assert any(k.get("const") == "<5" or k.get("enum") == ["<5"] for k in kinds)
    assert "security" not in schema["paths"]["/api/v1/open/msmes"]["get"]
