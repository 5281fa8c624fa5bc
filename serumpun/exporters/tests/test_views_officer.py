"""Officer pages: the registry (filters, htmx, map, query count), its export, verification."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.home import home_counts
from serumpun.core.models import AuditEvent
from serumpun.core.navigation import menu_for
from serumpun.exporters.models import MSME, SizeClass, Verification
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
    regency,
)
from serumpun.exporters.views_officer import map_tiles

pytestmark = pytest.mark.django_db

REGISTRY = reverse("exporters:registry")
EXPORT = reverse("exporters:registry_export")
QUEUE = reverse("exporters:verification_queue")
HTMX = {"HX-Request": "true"}


def sign_in_as(client, role: str):
    user = make_user(role)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def officer(client):
    return sign_in_as(client, Role.OFFICER)


def listed(response) -> set[int]:
    return {msme.pk for msme in response.context["page"].object_list}


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [REGISTRY, EXPORT + "?format=csv", QUEUE], ids=["list", "export", "queue"]
)
def test_an_msme_owner_may_not_open_the_registry(client, url):
    sign_in_as(client, Role.MSME_OWNER)
    assert client.get(url).status_code == 403


def test_a_trade_attache_sees_the_registry_but_not_the_verification_queue(client):
    MSMEFactory()
    sign_in_as(client, Role.TRADE_ATTACHE)
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert len(listed(response)) == 1
    assert b"Review" not in response.content  # no verification buttons for attachés
    assert client.get(QUEUE).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(REGISTRY)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Filters -----------------------------------------------------------------------------------


def test_the_regency_filter_keeps_that_regency_only(client, officer):
    barat = MSMEFactory(regency=regency("1801"))
    kota = MSMEFactory(regency=regency("1871"))
    assert listed(client.get(REGISTRY, {"regency": "1871"})) == {kota.pk}
    assert listed(client.get(REGISTRY)) == {barat.pk, kota.pk}


def test_the_state_and_size_filters(client, officer):
    verified = MSMEFactory(verified=True, size_class=SizeClass.SMALL)
    MSMEFactory(submitted=True, size_class=SizeClass.SMALL)
    MSMEFactory(verified=True, size_class=SizeClass.MICRO)
    response = client.get(REGISTRY, {"state": "verified", "size_class": "small"})
    assert listed(response) == {verified.pk}


def test_the_certificate_filter_counts_only_certificates_valid_today(client, officer):
    today = timezone.localdate()
    holder = MSMEFactory()
    CertificateFactory(msme=holder, kind="halal")
    expired = MSMEFactory()
    CertificateFactory(msme=expired, kind="halal", valid_until=today - dt.timedelta(1))
    rejected = MSMEFactory()
    CertificateFactory(msme=rejected, kind="halal", verification=Verification.REJECTED)
    other_kind = MSMEFactory()
    CertificateFactory(msme=other_kind, kind="pirt")
    last_day = MSMEFactory()
    CertificateFactory(msme=last_day, kind="halal", valid_until=today)
    response = client.get(REGISTRY, {"certificate": "halal"})
    assert listed(response) == {holder.pk, last_day.pk}


def test_the_hs_chapter_filter_matches_any_product_of_the_business(client, officer):
    coffee = ProductFactory(hs_code=hs_code("090111")).msme
    ProductFactory(msme=coffee, hs_code=hs_code("030617"))
    crab = ProductFactory(hs_code=hs_code("030617")).msme
    MSMEFactory()  # no products at all
    assert listed(client.get(REGISTRY, {"hs_chapter": "09"})) == {coffee.pk}
    assert listed(client.get(REGISTRY, {"hs_chapter": "03"})) == {coffee.pk, crab.pk}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kopi", {"kopi"}),
        ("SARI", {"sari"}),  # brand name, any case
        ("9120001", {"kopi"}),  # NIB prefix
        ("Wulandari", {"sari"}),  # owner
        ("kopi gunung", {"kopi"}),  # every word must match somewhere
        ("kopi sari", set()),
    ],
)
def test_the_search_covers_name_brand_nib_and_owner(client, officer, q, expected):
    made = {
        "kopi": MSMEFactory(
            name="CV Kopi Gunung", brand_name="Gunung", nib="9120001000001"
        ),
        "sari": MSMEFactory(
            name="UD Makmur", brand_name="Sari Rasa", owner_name="Dewi Wulandari"
        ),
    }
    response = client.get(REGISTRY, {"q": q})
    assert listed(response) == {made[key].pk for key in expected}


def test_a_bad_filter_value_is_ignored_not_an_error(client, officer):
    MSMEFactory()
    response = client.get(REGISTRY, {"state": "bogus", "hs_chapter": "x"})
    assert response.status_code == 200
    assert len(listed(response)) == 1


# --- htmx, pagination and query count ------------------------------------------------------------


def test_the_full_page_has_the_filter_form_wired_to_htmx(client, officer):
    content = client.get(REGISTRY).content.decode()
    assert 'hx-get="/exporters/registry/"' in content
    assert 'hx-push-url="true"' in content
    assert 'hx-target="#registry-results"' in content


def test_an_htmx_request_gets_only_the_results(client, officer):
    MSMEFactory(name="CV Kopi Gunung")
    response = client.get(REGISTRY, {"q": "gunung"}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="registry-results"')
    assert "<html" not in content
    assert "CV Kopi Gunung" in content
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, officer):
    response = client.get(
        REGISTRY, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def make_registry_rows(count: int) -> None:
    for n in range(count):
        msme = MSMEFactory(regency=regency("1801" if n % 2 else "1871"))
        product = ProductFactory(msme=msme)
        CertificateFactory(msme=msme, kind="halal", products=[product])
        CertificateFactory(msme=msme, kind="pirt", verification=Verification.SUBMITTED)


def test_the_registry_costs_the_same_queries_for_3_or_30_businesses(
    client, officer, django_assert_num_queries
):
    make_registry_rows(3)
    client.get(REGISTRY)  # warm the session
    with django_assert_num_queries(8):
        response = client.get(REGISTRY, {"certificate": "halal"})
    assert len(listed(response)) == 3
    make_registry_rows(27)
    with django_assert_num_queries(8):
        response = client.get(REGISTRY, {"certificate": "halal"})
    assert len(listed(response)) == 30


def test_the_queue_costs_the_same_queries_for_3_or_30_businesses(
    client, officer, django_assert_num_queries
):
    make_registry_rows(3)
    client.get(QUEUE)  # warm the session
    with django_assert_num_queries(7):  # the registry's, less the map
        assert len(listed(client.get(QUEUE))) == 3
    make_registry_rows(27)
    with django_assert_num_queries(7):
        assert len(listed(client.get(QUEUE))) == 30


@pytest.mark.parametrize("page", ["registry", "verify_msme", "verify_certificate"])
def test_officer_pages_have_no_inline_style_or_script(client, officer, page):
    certificate = CertificateFactory(msme=MSMEFactory(submitted=True))
    urls = {
        "registry": REGISTRY,
        "verify_msme": verify_url(certificate.msme),
        "verify_certificate": reverse(
            "exporters:verify_certificate", args=[certificate.pk]
        ),
    }
    html = client.get(urls[page]).content.decode()
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_the_registry_shows_50_per_page(client, officer):
    for _ in range(51):
        MSMEFactory()
    first = client.get(REGISTRY)
    assert len(listed(first)) == 50
    assert "page=2" in first.content.decode()
    assert len(listed(client.get(REGISTRY, {"page": 2}))) == 1


# --- The map -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_the_map_shows_counts_per_regency_and_is_labelled_schematic(client, officer):
    MSMEFactory(regency=regency("1801"))
    MSMEFactory(regency=regency("1801"))
    MSMEFactory(regency=regency("1871"))
    content = client.get(REGISTRY, headers=HTMX).content.decode()
    assert 'data-regency="1801" data-count="2"' in content
    assert 'data-regency="1871" data-count="1"' in content
    assert 'data-regency="1813" data-count="0"' in content  # every regency has a tile
    assert content.count("<circle") == 15
    assert "Schematic map: positions of regency capitals, not boundaries" in content
    assert "?regency=1801" in content  # a tile is a link that filters the list


def test_the_map_keeps_other_filters_and_ignores_its_own_regency(client, officer):
    MSMEFactory(regency=regency("1801"), verified=True)
    MSMEFactory(regency=regency("1871"), verified=True)
    MSMEFactory(regency=regency("1871"))
    response = client.get(REGISTRY, {"state": "verified", "regency": "1801"})
    counts = {tile.code: tile.count for tile in response.context["map"]["tiles"]}
    assert counts["1801"] == 1
    assert counts["1871"] == 1  # the draft one is filtered out; 1871 stays comparable
    assert "state=verified&amp;regency=1871" in response.content.decode()


def test_map_tiles_grow_with_the_count_and_sit_by_capital_position():
    from serumpun.exporters.forms_officer import lampung_regencies

    places = lampung_regencies()
    tiles = {
        t.code: t
        for t in map_tiles(places, {"1801": 100, "1871": 25}, lambda c: f"?r={c}")
    }
    assert len(tiles) == 15
    assert tiles["1801"].r > tiles["1871"].r > tiles["1813"].r
    assert tiles["1811"].y < tiles["1803"].y  # Mesuji (north) above Lampung Selatan
    assert tiles["1813"].x < tiles["1803"].x  # Pesisir Barat (west) left of it


# --- Export ------------------------------------------------------------------------------------


def exported_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_has_the_filtered_rows_and_escapes_formulas(client, officer):
    evil = MSMEFactory(
        verified=True, name='=HYPERLINK("http://x")', brand_name="@SUM(A1)"
    )
    CertificateFactory(msme=evil, kind="halal")
    MSMEFactory()  # a draft: filtered out
    response = client.get(EXPORT, {"format": "csv", "state": "verified"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = exported_csv(response)
    assert [row["nib"] for row in rows] == [evil.nib]
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["brand_name"] == "'@SUM(A1)"
    assert rows[0]["phone"] == "'" + evil.phone  # E.164 starts with "+"
    assert rows[0]["valid_certificates"] == "halal"
    assert rows[0]["regency_code"] == "1801"


def test_the_xlsx_export_has_the_filtered_rows_and_escapes_formulas(client, officer):
    evil = MSMEFactory(
        regency=regency("1871"), name="-2+3", owner_name="+cmd|' /C calc'!A0"
    )
    MSMEFactory(regency=regency("1801"))
    response = client.get(EXPORT, {"format": "xlsx", "regency": "1871"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, rows = table[0], table[1:]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["nib"] == evil.nib
    assert row["name"] == "'-2+3"
    assert row["owner_name"] == "'+cmd|' /C calc'!A0"
    assert row["assets_idr"] == 250_000_000  # numbers stay numbers


def test_every_export_is_audited_without_values(client, officer):
    MSMEFactory()
    client.get(EXPORT, {"format": "csv", "q": "secret-name"})
    event = AuditEvent.objects.get(action="exporters.registry.exported")
    assert event.actor == officer
    assert event.kind == AuditEvent.Kind.PERSONAL_DATA_READ
    assert "phone" in event.fields
    assert "q" in event.purpose
    assert "secret-name" not in event.purpose


def test_an_unknown_export_format_is_refused(client, officer):
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400


# --- Verification ------------------------------------------------------------------------------


def verify_url(msme: MSME) -> str:
    return reverse("exporters:verify_msme", args=[msme.pk])


def test_an_officer_verifies_a_submitted_profile(client, officer):
    msme = MSMEFactory(submitted=True)
    response = client.post(verify_url(msme), {"decision": "verified", "confirm": "on"})
    assert response.status_code == 302
    msme.refresh_from_db()
    assert msme.verification == Verification.VERIFIED
    assert msme.verified_by == officer
    assert AuditEvent.objects.filter(action="exporters.msme.verified").exists()


@pytest.mark.usefixtures("in_english")
def test_a_rejection_needs_a_reason(client, officer):
    msme = MSMEFactory(submitted=True)
    response = client.post(verify_url(msme), {"decision": "rejected", "confirm": "on"})
    assert response.status_code == 400
    assert "Say why you reject it" in response.content.decode()
    msme.refresh_from_db()
    assert msme.verification == Verification.SUBMITTED


def test_a_rejection_with_a_reason_is_recorded_for_the_owner(client, officer):
    msme = MSMEFactory(submitted=True)
    client.post(
        verify_url(msme),
        {
            "decision": "rejected",
            "reason": "NIB tidak cocok dengan OSS",
            "confirm": "on",
        },
    )
    msme.refresh_from_db()
    assert msme.verification == Verification.REJECTED
    assert msme.verification_reason == "NIB tidak cocok dengan OSS"


@pytest.mark.usefixtures("in_english")
def test_a_decision_needs_the_confirmation_box(client, officer):
    msme = MSMEFactory(submitted=True)
    response = client.post(verify_url(msme), {"decision": "verified"})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    msme.refresh_from_db()
    assert msme.verification == Verification.SUBMITTED


@pytest.mark.usefixtures("in_english")
def test_an_illegal_transition_is_shown_not_a_crash(client, officer):
    msme = (
        MSMEFactory()
    )  # draft: an owner has not submitted it, so it cannot be rejected
    response = client.post(
        verify_url(msme), {"decision": "rejected", "reason": "x", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "cannot be" in response.content.decode()


def test_an_htmx_decision_answers_the_panel(client, officer):
    msme = MSMEFactory(submitted=True)
    response = client.post(
        verify_url(msme), {"decision": "verified", "confirm": "on"}, headers=HTMX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<section id="verify-panel-{msme.pk}"')
    assert 'data-verification="verified"' in content


def test_the_confirmation_page_shows_the_profile_and_its_certificate_forms(
    client, officer
):
    msme = MSMEFactory(submitted=True)
    pending = CertificateFactory(msme=msme, kind="halal")
    response = client.get(verify_url(msme))
    content = response.content.decode()
    assert response.status_code == 200
    assert msme.nib in content
    assert reverse("exporters:verify_certificate", args=[pending.pk]) in content
    assert 'name="confirm"' in content


def test_an_officer_verifies_and_rejects_certificates(client, officer):
    msme = MSMEFactory(verified=True)
    good = CertificateFactory(msme=msme, kind="halal")
    bad = CertificateFactory(msme=msme, kind="pirt")
    url = "exporters:verify_certificate"
    client.post(reverse(url, args=[good.pk]), {"decision": "verified", "confirm": "on"})
    missing_reason = client.post(
        reverse(url, args=[bad.pk]), {"decision": "rejected", "confirm": "on"}
    )
    assert missing_reason.status_code == 400
    client.post(
        reverse(url, args=[bad.pk]),
        {"decision": "rejected", "reason": "Nomor tidak terdaftar", "confirm": "on"},
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.verification == Verification.VERIFIED
    assert (bad.verification, bad.verification_reason) == (
        Verification.REJECTED,
        "Nomor tidak terdaftar",
    )


def test_the_certificate_page_renders(client, officer):
    certificate = CertificateFactory()
    response = client.get(
        reverse("exporters:verify_certificate", args=[certificate.pk])
    )
    assert response.status_code == 200
    assert certificate.number in response.content.decode()


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.TRADE_ATTACHE, Role.BUYER])
def test_only_verifiers_may_decide(client, role):
    user = sign_in_as(client, role)
    msme = MSMEFactory(submitted=True, organisation=user.organisation)
    certificate = CertificateFactory(msme=msme)
    data = {"decision": "verified", "confirm": "on"}
    assert client.post(verify_url(msme), data).status_code == 403
    url = reverse("exporters:verify_certificate", args=[certificate.pk])
    assert client.post(url, data).status_code == 403
    msme.refresh_from_db()
    assert msme.verification == Verification.SUBMITTED


def test_an_unknown_profile_is_not_found(client, officer):
    assert (
        client.get(reverse("exporters:verify_msme", args=[999999])).status_code == 404
    )


def test_the_queue_lists_submitted_profiles_first_then_pending_certificates(
    client, officer
):
    now = timezone.now()
    MSMEFactory(verified=True)  # nothing to do
    with_certificate = MSMEFactory(verified=True, name="A first by name")
    CertificateFactory(msme=with_certificate)
    newer = MSMEFactory(submitted=True, submitted_at=now)
    older = MSMEFactory(submitted=True, submitted_at=now - dt.timedelta(days=3))
    response = client.get(QUEUE)
    order = [msme.pk for msme in response.context["page"].object_list]
    assert order == [older.pk, newer.pk, with_certificate.pk]


# --- Badge, menu and home counts -----------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_the_verified_badge_partial():
    from django.template.loader import render_to_string

    badge = "exporters/_verified_badge.html"
    assert "Verified" in render_to_string(badge, {"state": "verified"})
    assert "Awaiting" in render_to_string(badge, {"state": "submitted"})
    assert (
        render_to_string(badge, {"state": "draft", "verified_only": True}).strip() == ""
    )


def test_the_menu_lists_the_registry_for_officers_and_the_business_for_owners():
    officer_urls = [entry["url"] for entry in menu_for(make_user(Role.OFFICER))]
    owner_urls = [entry["url"] for entry in menu_for(make_user(Role.MSME_OWNER))]
    assert REGISTRY in officer_urls
    assert REGISTRY not in owner_urls
    assert reverse("exporters:my_msme") in owner_urls


def test_home_counts_for_officers_and_owners(django_assert_max_num_queries):
    owner = make_user(Role.MSME_OWNER)
    own = MSMEFactory(organisation=owner.organisation, submitted=True)
    ProductFactory(msme=own)
    soon = timezone.localdate() + dt.timedelta(days=10)
    CertificateFactory(msme=own, valid_until=soon)
    CertificateFactory(msme=own)  # a year left: not expiring
    MSMEFactory(verified=True)
    officer_counts = {c.key: c.value for c in home_counts(make_user(Role.OFFICER))}
    assert officer_counts["msmes_registered"] == 2
    assert officer_counts["msmes_awaiting_verification"] == 1
    assert officer_counts["msmes_verified"] == 1
    owner.refresh_from_db()
    owner_counts = {c.key: c.value for c in home_counts(owner)}
    assert owner_counts["products"] == 1
    assert owner_counts["certificates_expiring"] == 1
    assert "msmes_registered" not in owner_counts
