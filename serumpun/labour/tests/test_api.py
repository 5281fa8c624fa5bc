"""API.md "Labour": job orders, review, seekers, unmasking, candidates, matches."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.core.models import AuditEvent
from serumpun.core.testing import (
    AccessCase,
    access_matrix,
    bearer_fetch,
    check_foreign_404,
)
from serumpun.labour.models import (
    JobOrder,
    JobOrderSkill,
    Offer,
    Seeker,
    SeekerDocument,
    SeekerSkill,
    Skill,
)
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    fair_terms,
    load_skills_and_courses,
    make_nik,
    occupation,
    regency,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/labour"
BIRTH = dt.date(1998, 5, 17)
FULL_NIK = re.compile(r"\d{16}")


def token(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def post(client, user, url, body=None):
    return client.post(
        url, body or {}, content_type="application/json", headers=token(client, user)
    )


def get(client, user, url):
    return client.get(url, headers=token(client, user))


def as_json(terms):
    return {
        k: (str(v) if isinstance(v, (Decimal, dt.date)) else v)
        for k, v in terms.items()
    }


@pytest.fixture
def agency_user():
    user = make_user(Role.AGENCY)
    AgencyProfileFactory(organisation=user.organisation)
    occupation("9211")
    occupation("8160")
    return user


def seeker_body(**overrides):
    regency("1804")
    body = {
        "full_name": "Siti Aminah",
        "nik": make_nik("1804", BIRTH, "female"),
        "birth_date": BIRTH.isoformat(),
        "gender": "female",
        "regency_code": "1804",
        "phone": "+6281234567890",
        "education": "smk",
        "languages": [{"code": "ms", "level": 1}],
        "experience": [{"isco_code": "9211", "years": "2.5"}],
        "certificates": [
            {"scheme": "pemanen-sawit", "issuer": "LSP", "valid_until": "2030-01-01"}
        ],
        "preferred_sectors": ["plantation"],
        "consent": True,
    }
    body.update(overrides)
    return body


# --- job orders -------------------------------------------------------------------------------


def test_post_job_order_answers_201_with_compliance(client, agency_user):
    response = post(client, agency_user, f"{BASE}/job-orders", as_json(fair_terms()))

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"id", "status", "compliance"}
    assert body["status"] == "checked"
    assert body["compliance"]["status"] in ("pass", "warn")
    assert body["compliance"]["as_of"]


@pytest.mark.usefixtures("in_english")
def test_a_rm1500_manufacturing_order_is_created_failing_my5(client, agency_user):
    terms = fair_terms(
        sector="manufacturing", isco_code="8160", basic_wage_myr="1500", gender="female"
    )
    response = post(client, agency_user, f"{BASE}/job-orders", as_json(terms))

    assert response.status_code == 201, response.content
    compliance = response.json()["compliance"]
    assert compliance["status"] == "fail"
    my5 = next(v for v in compliance["violations"] if v["rule_id"] == "MY-5")
    assert "1500" in my5["message"] or "1,500" in my5["message"]
    assert my5["source"]["title"]


def test_negative_workers_is_a_422_naming_the_field(client, agency_user):
    response = post(
        client,
        agency_user,
        f"{BASE}/job-orders",
        as_json(fair_terms(workers_needed=-3)),
    )
    assert response.status_code == 422
    assert ["body", "workers_needed"] in [e["loc"] for e in response.json()["errors"]]


def test_an_unknown_occupation_is_a_422(client, agency_user):
    response = post(
        client, agency_user, f"{BASE}/job-orders", as_json(fair_terms(isco_code="0110"))
    )
    assert response.status_code == 422
    assert ["body", "isco_code"] in [e["loc"] for e in response.json()["errors"]]


def test_a_seeker_may_not_post_job_orders(client):
    occupation("9211")
    response = post(
        client, make_user(Role.SEEKER), f"{BASE}/job-orders", as_json(fair_terms())
    )
    assert response.status_code == 403


def test_list_shows_own_orders_only(client, agency_user, django_assert_max_num_queries):
    own = JobOrderFactory(organisation=agency_user.organisation)
    JobOrderFactory()
    headers = token(client, agency_user)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/job-orders", headers=headers)
    assert response.status_code == 200
    assert [o["id"] for o in response.json()["items"]] == [own.pk]


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.OFFICER])
def test_attache_and_officer_list_every_order(client, role):
    JobOrderFactory.create_batch(2)
    response = get(client, make_user(role), f"{BASE}/job-orders")
    assert response.json()["count"] == 2


def test_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    attache = make_user(Role.LABOUR_ATTACHE)
    JobOrderFactory.create_batch(15)
    headers = token(client, attache)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/job-orders", headers=headers)
    assert len(response.json()["items"]) == 15


JOB_ORDER = AccessCase(
    name="job-order",
    make_owned=lambda org: JobOrderFactory(organisation=org),
    url_for=lambda order: f"{BASE}/job-orders/{order.pk}",
)
CANDIDATES = AccessCase(
    name="candidates",
    make_owned=lambda org: JobOrderFactory(organisation=org),
    url_for=lambda order: f"{BASE}/job-orders/{order.pk}/candidates",
)
SEEKER = AccessCase(
    name="seeker",
    owner="user",
    make_owned=lambda user: SeekerFactory(user=user),
    url_for=lambda seeker: f"{BASE}/seekers/{seeker.pk}",
)
MATCHES = AccessCase(
    name="matches",
    owner="user",
    make_owned=lambda user: SeekerFactory(user=user),
    url_for=lambda seeker: f"{BASE}/seekers/{seeker.pk}/matches",
)


@pytest.mark.parametrize(
    ("role", "case"),
    [
        *access_matrix([JOB_ORDER, CANDIDATES], [Role.EMPLOYER, Role.AGENCY]),
        *access_matrix([SEEKER, MATCHES], [Role.SEEKER]),
    ],
)
def test_foreign_records_are_not_found(client, role, case):
    check_foreign_404(client, role, case, fetch=bearer_fetch)


@pytest.mark.parametrize(
    "role", [Role.EMPLOYER, Role.AGENCY, Role.BUYER, Role.MSME_OWNER]
)
def test_organisations_cannot_read_seeker_profiles(client, role):
    seeker = SeekerFactory()
    assert (
        get(client, make_user(role), f"{BASE}/seekers/{seeker.pk}").status_code == 404
    )


def test_endorse_is_for_the_labour_attache(client):
    order = JobOrderFactory()
    assert (
        post(
            client, make_user(Role.OFFICER), f"{BASE}/job-orders/{order.pk}/endorse"
        ).status_code
        == 403
    )
    owner = make_user(Role.AGENCY, order.organisation)
    assert (
        post(client, owner, f"{BASE}/job-orders/{order.pk}/endorse").status_code == 403
    )
    foreign = make_user(Role.EMPLOYER)
    assert (
        post(client, foreign, f"{BASE}/job-orders/{order.pk}/endorse").status_code
        == 404
    )

    response = post(
        client,
        make_user(Role.LABOUR_ATTACHE),
        f"{BASE}/job-orders/{order.pk}/endorse",
        {"note": "fine"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "endorsed"


def test_endorsing_a_failing_order_is_a_409(client):
    order = JobOrderFactory(compliance_status="fail")
    response = post(
        client, make_user(Role.LABOUR_ATTACHE), f"{BASE}/job-orders/{order.pk}/endorse"
    )
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == JobOrder.Status.CHECKED


def test_reject_requires_a_reason(client):
    order = JobOrderFactory()
    attache = make_user(Role.LABOUR_ATTACHE)
    assert (
        post(client, attache, f"{BASE}/job-orders/{order.pk}/reject").status_code == 422
    )
    response = post(
        client, attache, f"{BASE}/job-orders/{order.pk}/reject", {"reason": "No quota"}
    )
    assert response.json()["status"] == "rejected"


# --- seekers ----------------------------------------------------------------------------------


def test_a_seeker_registers_and_gets_a_masked_nik(client):
    body = seeker_body()
    response = post(client, make_user(Role.SEEKER), f"{BASE}/seekers", body)

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["nik_masked"] == "*" * 12 + body["nik"][-4:]
    assert body["nik"] not in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [{"gender": "male"}, {"birth_date": "1998-05-18"}, {"nik": "123"}],
    ids=["sex", "birth-date", "format"],
)
def test_a_disagreeing_nik_is_a_422_naming_nik(client, overrides):
    response = post(
        client, make_user(Role.SEEKER), f"{BASE}/seekers", seeker_body(**overrides)
    )
    assert response.status_code == 422
    assert ["body", "nik"] in [e["loc"] for e in response.json()["errors"]]


def test_a_second_registration_of_a_nik_is_a_409(client):
    officer = make_user(Role.OFFICER)
    body = seeker_body()
    assert post(client, officer, f"{BASE}/seekers", body).status_code == 201
    assert post(client, officer, f"{BASE}/seekers", body).status_code == 409


def test_employers_may_not_register_seekers(client):
    response = post(client, make_user(Role.EMPLOYER), f"{BASE}/seekers", seeker_body())
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LABOUR_ATTACHE])
def test_staff_reads_of_a_profile_are_audited(client, role):
    seeker = SeekerFactory()
    reader = make_user(role)

    response = get(client, reader, f"{BASE}/seekers/{seeker.pk}")

    assert response.status_code == 200
    assert not FULL_NIK.search(response.content.decode())
    event = AuditEvent.objects.get(
        kind=AuditEvent.Kind.PERSONAL_DATA_READ, object_id=str(seeker.pk)
    )
    assert event.actor == reader
    assert "nik_masked" in event.fields


def test_the_attache_does_not_see_the_phone(client):
    seeker = SeekerFactory()
    response = get(
        client, make_user(Role.LABOUR_ATTACHE), f"{BASE}/seekers/{seeker.pk}"
    )
    assert response.json()["phone"] is None


def test_unmask_answers_the_nik_to_the_seeker_and_officers_only(client):
    user = make_user(Role.SEEKER)
    seeker = SeekerFactory(user=user)
    url = f"{BASE}/seekers/{seeker.pk}/unmask"

    assert post(client, user, url).json() == {"nik": seeker.nik}
    assert post(client, make_user(Role.OFFICER), url).json() == {"nik": seeker.nik}
    assert post(client, make_user(Role.LABOUR_ATTACHE), url).status_code == 403
    assert post(client, make_user(Role.EMPLOYER), url).status_code == 404
    assert post(client, make_user(Role.SEEKER), url).status_code == 404
    assert (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.PERSONAL_DATA_READ, fields=["nik"]
        ).count()
        == 2
    )


# --- candidates and matches -------------------------------------------------------------------


@pytest.fixture
def matched_world():
    load_skills_and_courses()
    order = JobOrderFactory(endorsed=True, required_certificates=[])
    harvesting = Skill.objects.get(code="palm_harvesting")
    upkeep = Skill.objects.get(code="palm_maintenance")
    JobOrderSkill.objects.create(job_order=order, skill=harvesting, weight=1.0)
    JobOrderSkill.objects.create(job_order=order, skill=upkeep, weight=0.5)
    strong = SeekerFactory(preferred_sectors=["plantation"])
    SeekerSkill.objects.create(seeker=strong, skill=harvesting)
    SeekerSkill.objects.create(seeker=strong, skill=upkeep)
    weak = SeekerFactory()
    too_old = SeekerFactory(birth_date=dt.date(1970, 1, 1))
    SeekerDocument.objects.filter(seeker=strong).update(status="verified")
    return order, strong, weak, too_old


def test_candidates_are_ranked_masked_and_explained(client, matched_world):
    order, strong, weak, too_old = matched_world
    response = get(
        client,
        make_user(Role.LABOUR_ATTACHE),
        f"{BASE}/job-orders/{order.pk}/candidates",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["job_order_id"] == order.pk
    ids = [c["seeker_id"] for c in body["candidates"]]
    assert ids[0] == strong.pk
    assert set(ids) == {strong.pk, weak.pk, too_old.pk}
    by_id = {c["seeker_id"]: c for c in body["candidates"]}
    assert by_id[strong.pk]["eligible"] is True
    assert by_id[too_old.pk]["eligible"] is False
    assert by_id[strong.pk]["score"] > by_id[weak.pk]["score"]
    gap = next(m for m in by_id[weak.pk]["missing"] if m["code"] == "palm_harvesting")
    assert gap["kind"] == "skill"
    assert gap["training"], "a course grants palm harvesting"
    text = response.content.decode()
    assert not FULL_NIK.search(text)
    assert "phone" not in text
    assert "81234567890" not in text


def test_the_orders_agency_sees_candidates_and_the_officer_may_not(
    client, matched_world
):
    order = matched_world[0]
    agency = make_user(Role.AGENCY, order.organisation)
    url = f"{BASE}/job-orders/{order.pk}/candidates?limit=2"
    response = get(client, agency, url)
    assert response.status_code == 200
    assert len(response.json()["candidates"]) == 2
    assert get(client, make_user(Role.OFFICER), url).status_code == 403
    assert get(client, make_user(Role.EMPLOYER), url).status_code == 404


def test_a_seeker_sees_endorsed_compliant_orders_that_fit(client, matched_world):
    order, strong, *_ = matched_world
    JobOrderFactory(endorsed=True, compliance_status="fail")
    JobOrderFactory()  # checked, not endorsed
    user = make_user(Role.SEEKER)
    strong.user = user
    strong.save()

    response = get(client, user, f"{BASE}/seekers/{strong.pk}/matches")

    assert response.status_code == 200, response.content
    matches = response.json()["matches"]
    assert [m["job_order_id"] for m in matches] == [order.pk]
    assert matches[0]["eligible"] is True


def test_the_attache_may_not_read_a_seekers_matches(client, matched_world):
    strong = matched_world[1]
    response = get(
        client, make_user(Role.LABOUR_ATTACHE), f"{BASE}/seekers/{strong.pk}/matches"
    )
    assert response.status_code == 403


# --- allocation -------------------------------------------------------------------------------


def test_allocation_offers_each_seeker_at_most_k_orders(client, matched_world):
    _order, strong, *_ = matched_world
    second = JobOrderFactory(endorsed=True, workers_needed=1)
    for seeker in Seeker.objects.all():
        seeker.preferred_sectors = []
        seeker.save()
    attache = make_user(Role.LABOUR_ATTACHE)

    response = post(client, attache, f"{BASE}/allocations", {"k": 1, "m": 1.0})

    assert response.status_code == 200, response.content
    offers = response.json()["offers"]
    seekers = [o["seeker_id"] for o in offers]
    assert len(seekers) == len(set(seekers))  # k = 1
    per_order = {o["job_order_id"]: 0 for o in offers}
    for o in offers:
        per_order[o["job_order_id"]] += 1
    assert per_order.get(second.pk, 0) <= 1  # m × quota = 1
    assert strong.pk in seekers
    assert Offer.objects.filter(status="offered").count() == len(offers)

    again = post(client, attache, f"{BASE}/allocations", {"k": 1, "m": 1.0})
    assert Offer.objects.filter(status="offered").count() == again.json()["count"]


def test_only_staff_allocate(client):
    response = post(client, make_user(Role.EMPLOYER), f"{BASE}/allocations", {})
    assert response.status_code == 403
