"""The report archive pages: who may see them, the list, a briefing, its PDF, "Generate now"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.insights import actions_reports, reports
from serumpun.insights.models import Briefing
from serumpun.insights.rules.cube import add_months

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _media_and_quick_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(reports, "render_pdf", lambda *a, **k: b"%PDF-1.7 test")


@pytest.fixture
def officer(client):
    user = make_user(Role.OFFICER)
    client.force_login(user)
    return user


def detail_url(language="en", month="10"):
    return reverse("insights:briefing", args=["2026", month, language])


def pdf_url(language="en", month="10"):
    return reverse("insights:briefing_pdf", args=["2026", month, language])


@pytest.mark.parametrize(
    "url",
    [
        reverse("insights:briefings"),
        detail_url(),
        pdf_url(),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url, settings):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", [Role.BUYER, Role.MSME_OWNER, Role.SEEKER])
def test_roles_without_oversight_get_403(client, role):
    actions_reports.generate_briefing(OCTOBER, "en")
    client.force_login(make_user(role))
    for url in (reverse("insights:briefings"), detail_url(), pdf_url()):
        assert client.get(url).status_code == 403
    response = client.post(reverse("insights:generate_briefing"), {"month": "2026-10"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "role",
    [Role.OFFICER, Role.TRADE_ATTACHE, Role.TRANSPORT_ATTACHE, Role.LABOUR_ATTACHE],
)
def test_the_archive_lists_each_month_with_both_languages(client, role):
    for language in ("id", "en"):
        actions_reports.generate_briefing(OCTOBER, language)
    client.force_login(make_user(role))

    response = client.get(reverse("insights:briefings"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="month-2026-10"' in html
    assert detail_url("id") in html and detail_url("en") in html
    assert pdf_url("id") in html and pdf_url("en") in html


def test_the_archive_costs_the_same_queries_however_many_briefings(
    client, officer, django_assert_max_num_queries
):
    actions_reports.generate_briefing(OCTOBER, "en")
    client.get(reverse("insights:briefings"))  # warm the session and menu
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("insights:briefings"))
    for month in (dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)):
        actions_reports.generate_briefing(month, "id")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("insights:briefings"))


def test_a_briefing_shows_its_archived_html_and_links_the_other_language(
    client, officer
):
    actions_reports.generate_briefing(OCTOBER, "en")
    response = client.get(detail_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article class="briefing" lang="en">' in html
    assert detail_url("id") in html
    assert pdf_url() in html


def test_the_pdf_downloads_as_an_attachment_named_by_month_and_language(
    client, officer
):
    actions_reports.generate_briefing(OCTOBER, "id")
    response = client.get(pdf_url("id"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="serumpun-briefing-2026-10-id.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    [
        detail_url("fr"),
        detail_url(month="13"),
        detail_url(month="09"),  # nothing on file
        pdf_url("xx"),
        pdf_url(month="00"),
        "/insights/briefings/2026-10/en/extra/",
    ],
)
def test_unknown_months_and_languages_are_404(client, officer, url):
    actions_reports.generate_briefing(OCTOBER, "en")
    assert client.get(url).status_code == 404


def test_generate_now_writes_both_languages(client, officer):
    response = client.post(reverse("insights:generate_briefing"), {"month": "2026-10"})
    assert response.status_code == 302
    assert response["Location"].endswith("#month-2026-10")
    written = Briefing.objects.filter(month=OCTOBER)
    assert sorted(written.values_list("language", flat=True)) == ["en", "id"]
    assert {b.generated_by for b in written} == {officer}


def test_generate_now_asks_before_replacing_a_briefing(client, officer):
    first = actions_reports.generate_briefing(OCTOBER, "en")

    response = client.post(reverse("insights:generate_briefing"), {"month": "2026-10"})

    assert response.status_code == 200
    assert 'name="replace" value="1"' in response.content.decode()
    assert Briefing.objects.get(pk=first.pk).generated_at == first.generated_at

    response = client.post(
        reverse("insights:generate_briefing"), {"month": "2026-10", "replace": "1"}
    )
    assert response.status_code == 302
    assert Briefing.objects.get(pk=first.pk).generated_at > first.generated_at
    assert Briefing.objects.filter(month=OCTOBER).count() == 2


@pytest.mark.parametrize(
    "month",
    ["", "October", "2026-13", "1999-12", "99999-01", "'; DROP TABLE--", "future"],
)
def test_generate_now_explains_a_bad_month(client, officer, in_english, month):
    if month == "future":
        month = f"{add_months(timezone.localdate(), 1):%Y-%m}"
    response = client.post(reverse("insights:generate_briefing"), {"month": month})
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()
    assert not Briefing.objects.exists()


def test_generate_now_needs_a_post_with_csrf(officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    response = strict.post(reverse("insights:generate_briefing"), {"month": "2026-10"})
    assert response.status_code == 403
    assert strict.get(reverse("insights:generate_briefing")).status_code == 405


def test_the_menu_offers_the_archive_to_oversight_roles_only(client, officer):
    page = client.get(reverse("insights:briefings")).content.decode()
    assert f'href="{reverse("insights:briefings")}"' in page
    client.force_login(make_user(Role.BUYER))
    assert reverse("insights:briefings") not in client.get("/").content.decode()
