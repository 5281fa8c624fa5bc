"""The buyer catalogue pages: search page, htmx partial, product and supplier pages, language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.search import refresh_catalogue_tokens
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
)
from serumpun.exporters.tests.test_search import make_product

CATALOG = reverse("exporters:catalog")


@pytest.fixture
def supplier(db):
    msme = MSMEFactory(verified=True, name="CV Kopi Liwa", brand_name="Kopi Liwa")
    coffee = make_product(
        msme=msme,
        name_id="Kopi robusta bubuk",
        name_en="Ground robusta coffee",
        name_ms="Serbuk kopi robusta",
        description_id="Bubuk kopi dari Liwa.",
        description_ms="Serbuk kopi dari Liwa.",
    )
    make_product(
        msme=msme,
        name_id="Lada hitam",
        name_en="Black pepper",
        hs_code=hs_code("090411"),
    )
    CertificateFactory(msme=msme, kind="halal", products=[coffee])
    CertificateFactory(
        msme=msme,
        kind="pirt",
        number="PIRT-EXPIRED",
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    refresh_catalogue_tokens()  # factories write rows directly, not through the actions
    return msme


@pytest.fixture
def buyer_client(client):
    client.force_login(make_user(Role.BUYER, preferred_language="en"))
    return client


@pytest.mark.django_db
def test_catalogue_page_lists_verified_products(buyer_client, supplier):
    MSMEFactory()  # draft: its products never show
    ProductFactory(name_id="Kopi dari profil draf", search_text="kopi draf")
    refresh_catalogue_tokens()
    response = buyer_client.get(CATALOG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ground robusta coffee" in html
    assert "Black pepper" in html
    assert "profil draf" not in html
    assert 'data-verification="verified"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=serbuk", "Ground robusta coffee", "Black pepper"),
        ("q=pepp", "Black pepper", "Ground robusta coffee"),
        ("hs=0904", "Black pepper", "Ground robusta coffee"),
        ("certificate=halal", "Ground robusta coffee", "Black pepper"),
        ("certificate=pirt", None, "Ground robusta coffee"),  # expired
        ("min_capacity_kg=999999", None, "Black pepper"),
    ],
)
def test_htmx_request_gets_the_results_partial(
    buyer_client, supplier, query, shown, hidden
):
    response = buyer_client.get(f"{CATALOG}?{query}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="catalog-results"' in html
    assert "<form" not in html  # only the partial
    if shown:
        assert shown in html
    assert hidden not in html


@pytest.mark.django_db
def test_a_bad_filter_shows_its_error_not_a_crash(buyer_client, supplier):
    response = buyer_client.get(f"{CATALOG}?hs=9a&q=%22NEAR(*")
    assert response.status_code == 200
    assert "Ground robusta coffee" not in response.content.decode()
    assert response.context["form"].errors["hs"]


@pytest.mark.django_db
def test_catalogue_page_query_count_is_constant(
    buyer_client, supplier, django_assert_max_num_queries
):
    for n in range(12):
        ProductFactory(msme=supplier, name_id=f"Kopi {n}", search_text=f"kopi {n}")
    refresh_catalogue_tokens()
    # session, user, memberships, regencies, count, page, certificates, their products,
    # photos, and the menu's own lookups
    with django_assert_max_num_queries(14) as few:
        buyer_client.get(f"{CATALOG}?q=kopi")
    with django_assert_max_num_queries(len(few.captured_queries)):
        buyer_client.get(f"{CATALOG}?q=")


@pytest.mark.django_db
def test_buyer_preferring_malay_sees_malay_names(client, supplier):
    client.force_login(make_user(Role.BUYER, preferred_language="ms"))
    html = client.get(CATALOG).content.decode()
    assert "Serbuk kopi robusta" in html
    assert "Ground robusta coffee" not in html
    assert "Lada hitam" in html  # no Malay name: Indonesian

    coffee = supplier.products.get(name_id="Kopi robusta bubuk")
    html = client.get(reverse("exporters:catalog_product", args=[coffee.pk])).content
    assert b"Serbuk kopi dari Liwa." in html


@pytest.mark.django_db
def test_language_cookie_wins_over_the_profile(client, supplier):
    client.force_login(make_user(Role.BUYER, preferred_language="ms"))
    client.cookies["serumpun_language"] = "en"
    assert b"Ground robusta coffee" in client.get(CATALOG).content


@pytest.mark.django_db
@pytest.mark.usefixtures("in_english")
def test_product_page(buyer_client, supplier):
    coffee = supplier.products.get(name_id="Kopi robusta bubuk")
    response = buyer_client.get(reverse("exporters:catalog_product", args=[coffee.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ground robusta coffee" in html
    assert "halal" in html.lower()
    assert "PIRT" not in html  # expired certificates count as absent
    assert reverse("exporters:catalog_introduction", args=[coffee.pk]) in html
    assert reverse("exporters:catalog_supplier", args=[supplier.pk]) in html


@pytest.mark.django_db
@pytest.mark.usefixtures("in_english")
def test_supplier_page(buyer_client, supplier):
    response = buyer_client.get(
        reverse("exporters:catalog_supplier", args=[supplier.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kopi Liwa" in html
    assert "Ground robusta coffee" in html
    assert "Black pepper" in html
    assert 'data-verification="verified"' in html
    assert "PIRT-EXPIRED" not in html


@pytest.mark.django_db
def test_unverified_or_inactive_records_are_not_found(buyer_client, supplier):
    draft = MSMEFactory()
    hidden = ProductFactory(msme=draft, search_text="x")
    inactive = ProductFactory(msme=supplier, is_active=False, search_text="x")
    for pk in (hidden.pk, inactive.pk):
        url = reverse("exporters:catalog_product", args=[pk])
        assert buyer_client.get(url).status_code == 404
    url = reverse("exporters:catalog_supplier", args=[draft.pk])
    assert buyer_client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("in_english")
def test_introduction_button_leads_to_the_trade_introduction_page(
    buyer_client, supplier
):
    coffee = supplier.products.get(name_id="Kopi robusta bubuk")
    url = reverse("exporters:catalog_introduction", args=[coffee.pk])
    response = buyer_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('trade:introduction_new')}?product={coffee.pk}"
    )
    page = buyer_client.get(response["Location"])
    assert page.status_code == 200
    assert b"You have no open request this product could fit" in page.content
    assert buyer_client.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.SEEKER, Role.EMPLOYER])
def test_roles_without_catalog_view_are_refused(client, supplier, role):
    client.force_login(make_user(role))
    coffee = supplier.products.first()
    for url in (
        CATALOG,
        reverse("exporters:catalog_product", args=[coffee.pk]),
        reverse("exporters:catalog_supplier", args=[supplier.pk]),
    ):
        assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN])
def test_staff_may_browse(client, supplier, role):
    client.force_login(make_user(role))
    assert client.get(CATALOG).status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, supplier):
    assert client.get(CATALOG).status_code == 302


@pytest.mark.django_db
def test_only_buyers_see_the_introduction_button(client, supplier):
    coffee = supplier.products.get(name_id="Kopi robusta bubuk")
    button = reverse("exporters:catalog_introduction", args=[coffee.pk])
    client.force_login(make_user(Role.TRADE_ATTACHE))
    html = client.get(reverse("exporters:catalog_product", args=[coffee.pk])).content
    assert (
        button not in html.decode()
    )  # the attaché browses; the trade page would be a 403
