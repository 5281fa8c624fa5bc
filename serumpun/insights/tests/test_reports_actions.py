"""The monthly briefing: its figures equal the records, it is kept, rewritten and scheduled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights import actions, actions_reports, reports
from serumpun.insights.models import Briefing
from serumpun.insights.tests.test_rollups import at, msme, ship
from serumpun.labour.models import Grievance, JobOrder, PlacementEvent
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.labour.tests.pipeline_builders import make_placement
from serumpun.logistics.queries_demand import teu_box
from serumpun.logistics.rules.lane_demand import teu_equivalent
from serumpun.trade.tests.factories_deals import lead_parties, make_lead

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def october_records():
    """September and October records across the three pillars."""
    msme("1801", at(2026, 9, 3))
    msme("1801", at(2026, 10, 4), verified=at(2026, 10, 9))
    msme("1871", at(2026, 10, 20))
    owner = MSMEFactory(regency=exporters_regency("1801"))
    ship(owner, "1801", "MYPKG", dt.date(2026, 10, 3), "1000", "2.5")
    ship(owner, "1801", "MYPKG", dt.date(2026, 10, 20), "500", "1.0")
    ship(owner, "1801", "MYPKG", dt.date(2026, 9, 20), "250", "0.5")
    endorsed = JobOrderFactory(endorsed=True, sector="plantation", workers_needed=12)
    rejected = JobOrderFactory(
        status=JobOrder.Status.REJECTED,
        compliance={"status": "fail", "violations": [{"rule_id": "MY-MINWAGE-2025"}]},
    )
    JobOrder.objects.filter(pk__in=[endorsed.pk, rejected.pk]).update(
        reviewed_at=at(2026, 10, 15)
    )
    for sector in ("plantation", "plantation", "domestic"):
        placement = make_placement(stage="departed", sector=sector)
        PlacementEvent.objects.filter(placement=placement).update(at=at(2026, 10, 6))
    seeker = SeekerFactory()
    grievance = Grievance.objects.create(
        seeker=seeker, category="unpaid_wages", description="x"
    )
    Grievance.objects.filter(pk=grievance.pk).update(
        created_at=at(2026, 10, 1, 8), first_response_at=at(2026, 10, 2, 14)
    )
    deal = lead_parties()
    make_lead(
        deal,
        stage="ordered",
        at=at(2026, 10, 12),
        deal_value_usd=Decimal("4903.20"),
        ordered_quantity_kg=Decimal("600"),
    )
    actions.refresh_rollups(as_of=AS_OF)
    return deal


def test_the_briefings_figures_and_html_equal_the_records():
    deal = october_records()

    briefing = actions_reports.generate_briefing(OCTOBER, "en")

    trade = briefing.figures["trade"]
    assert trade["msmes_registered"] == {
        "value": 2,
        "previous": 1,
        "delta": 1,
        "percent": 100.0,
    }
    assert trade["msmes_verified"]["value"] == 1
    assert trade["deals"]["value"] == 1
    assert trade["deal_value_usd"]["value"] == pytest.approx(4903.2)
    assert trade["top_products"] == [
        {"hs_code": deal.product.hs_code_id, "deals": 1, "value_usd": 4903.2}
    ]
    transport = briefing.figures["transport"]
    assert transport["shipments"]["value"] == 2
    assert transport["shipments"]["previous"] == 1
    assert transport["tonnes"]["value"] == 1.5
    teu = round(teu_equivalent(3.5, 1500, teu_box()), 2)
    assert transport["lanes"] == [
        {"destination": "MYPKG", "shipments": 2, "tonnes": 1.5, "teu": teu}
    ]
    labour = briefing.figures["labour"]
    assert labour["job_orders_endorsed"]["value"] == 1
    assert labour["job_orders_rejected"]["value"] == 1
    assert labour["rejection_rules"] == [{"rule": "MY-MINWAGE-2025", "orders": 1}]
    assert labour["placements"]["value"] == 3
    assert labour["placements_by_sector"] == [
        {"sector": "plantation", "placements": 2},
        {"sector": "domestic", "placements": 1},
    ]
    assert labour["formal_share"] == pytest.approx(66.7)
    assert labour["response_hours"]["value"] == 30.0
    assert {"code": "rejection_rule", "rule": "MY-MINWAGE-2025", "orders": 1} in (
        briefing.figures["stuck"]
    )

    html = briefing.html
    assert 'lang="en"' in html
    assert "October 2026" in html
    assert "4,903" in html  # deal value, English grouping
    assert "MY-MINWAGE-2025" in html
    assert "66.7" in html  # formal share
    assert "MYPKG" in html
    assert "<script" not in html
    assert 'style="' not in html
    assert briefing.pdf.name.endswith(".pdf")
    with briefing.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_two_languages_say_the_same_figures_in_their_own_words(monkeypatch):
    october_records()
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-1.7 stub")

    english = actions_reports.generate_briefing(OCTOBER, "en")
    indonesian = actions_reports.generate_briefing(OCTOBER, "id")

    assert english.figures["trade"] == indonesian.figures["trade"]
    assert 'lang="id"' in indonesian.html
    assert "Oktober 2026" in indonesian.html
    assert "4.903" in indonesian.html  # Indonesian grouping
    assert "October 2026" not in indonesian.html
    assert "4,903" not in indonesian.html


def test_regenerating_replaces_the_one_row_and_its_pdf(
    monkeypatch, django_capture_on_commit_callbacks
):
    october_records()
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-first")
    first = actions_reports.generate_briefing(OCTOBER, "en")
    old_file = first.pdf.name

    msme("1801", at(2026, 10, 25))
    actions.refresh_rollups(as_of=AS_OF)
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-second")
    officer = make_user(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        second = actions_reports.generate_briefing(OCTOBER, "en", by=officer)

    assert Briefing.objects.filter(month=OCTOBER, language="en").count() == 1
    assert second.pk == first.pk
    assert second.figures["trade"]["msmes_registered"]["value"] == 3
    with second.pdf.open("rb") as pdf:
        assert pdf.read() == b"%PDF-second"
    assert not second.pdf.storage.exists(old_file)  # the old PDF went after commit
    assert AuditEvent.objects.filter(
        action="insights.generate_briefing", actor=officer
    ).exists()


def test_a_failed_rendering_leaves_the_archived_briefing_as_it_was(monkeypatch):
    october_records()
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-kept")
    kept = actions_reports.generate_briefing(OCTOBER, "en")

    def broken(*args, **kwargs):
        raise RuntimeError("pango went away")

    monkeypatch.setattr(reports, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        actions_reports.generate_briefing(OCTOBER, "en")

    again = Briefing.objects.get(pk=kept.pk)
    assert again.generated_at == kept.generated_at
    with again.pdf.open("rb") as pdf:
        assert pdf.read() == b"%PDF-kept"


def test_an_archived_briefing_keeps_its_figures_after_later_records(monkeypatch):
    october_records()
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-1.7")
    briefing = actions_reports.generate_briefing(OCTOBER, "en")
    kept = briefing.figures

    msme("1801", at(2026, 10, 28))
    owner = MSMEFactory(regency=exporters_regency("1801"))
    ship(owner, "1801", "MYPKG", dt.date(2026, 10, 29), "9000", "9")
    actions.refresh_rollups(as_of=AS_OF)

    archived = Briefing.objects.get(pk=briefing.pk)
    assert archived.figures == kept
    assert archived.figures["trade"]["msmes_registered"]["value"] == 2
    assert (
        actions_reports.briefing_figures(OCTOBER)["trade"]["msmes_registered"]["value"]
        == 3
    )


def test_the_daily_task_writes_last_months_briefings_once(monkeypatch):
    from serumpun.insights.tasks_reports import generate_monthly_briefings

    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-1.7")
    msme("1801", at(2026, 10, 4))
    reader = make_user(Role.LABOUR_ATTACHE)
    make_user(Role.BUYER)

    assert generate_monthly_briefings.call(as_of="2026-11-02") == 2
    assert generate_monthly_briefings.call(as_of="2026-11-02") == 0
    assert generate_monthly_briefings.call(as_of="2026-11-30") == 0

    written = Briefing.objects.filter(month=OCTOBER)
    assert sorted(written.values_list("language", flat=True)) == ["en", "id"]
    # the task refreshed the roll-ups before writing: the record is in the figures
    assert written.get(language="en").figures["trade"]["msmes_registered"]["value"] == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [reader.pk]


def test_the_daily_task_is_registered():
    from serumpun.core.daily import daily_tasks
    from serumpun.insights.tasks_reports import generate_monthly_briefings

    assert generate_monthly_briefings in daily_tasks()


def test_a_month_not_yet_begun_and_an_unknown_language_are_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions_reports.check_month(dt.date(2026, 12, 1), today=dt.date(2026, 11, 30))
    with pytest.raises(ValueError, match="language"):
        actions_reports.generate_briefing(OCTOBER, "fr")


def test_a_buyer_may_not_generate_a_briefing():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions_reports.generate_briefing(OCTOBER, "en", by=make_user(Role.BUYER))


def test_the_figures_cost_the_same_queries_whatever_the_data(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        actions_reports.briefing_figures(OCTOBER)
    october_records()
    with django_assert_num_queries(len(empty.captured_queries)):
        actions_reports.briefing_figures(OCTOBER)
