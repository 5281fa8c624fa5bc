"""The labour demo seeder: real verdicts, valid NIKs, every pipeline stage, idempotence."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.core.demo import DEMO_DOMAIN, SCALES, SeedContext, seed_demo_logins
from serumpun.core.models import Regency
from serumpun.core.reference import all_datasets, load_dataset
from serumpun.labour import demo
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    Grievance,
    JobOrder,
    Offer,
    Placement,
    PlacementEvent,
    Seeker,
    SeekerCertificate,
    SeekerDocument,
    SeekerExperience,
    SeekerSkill,
    Stage,
)
from serumpun.labour.rules.nik import parse_nik

NEEDED = {
    "countries",
    "my_subdivisions",
    "provinces",
    "regencies",
    "occupations",
    "labour",
}
MODELS = (
    Organisation, User, Membership, EmployerProfile, AgencyProfile, JobOrder, Seeker,
    SeekerSkill, SeekerExperience, SeekerCertificate, SeekerDocument, Offer, Placement,
    PlacementEvent, Grievance,
)  # fmt: skip


def run(seed: int = 2026) -> None:
    ctx = SeedContext(scale=SCALES["demo"], seed=seed, out=lambda _line: None)
    seed_demo_logins(ctx)
    demo.seed_profiles(ctx)
    demo.seed_job_orders(ctx)
    demo.seed_seekers(ctx)
    demo.seed_placements(ctx)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Reference data plus one demo run, shared by the module and rolled back after it
    (seeding takes seconds; each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        for dataset in all_datasets():
            if dataset.name in NEEDED:
                load_dataset(dataset)
        run()
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_seeding_twice_creates_nothing_new():
    before = counts()
    run()
    assert counts() == before
    assert before["Seeker"] >= SCALES["demo"].seekers
    assert before["JobOrder"] == len(demo.ORDERS)


def test_verdicts_include_pass_warn_and_fail_with_the_expected_rules():
    orders = {o.title: o for o in JobOrder.objects.filter(is_demo=True)}
    assert {o.compliance_status for o in orders.values()} == {"pass", "warn", "fail"}

    def failing(title: str) -> set[str]:
        return {v["rule_id"] for v in orders[title].compliance["violations"]}

    def warned(title: str) -> set[str]:
        return {w["rule_id"] for w in orders[title].compliance["warnings"]}

    assert "MY-5" in failing("Perakit elektronik lini SMT")
    assert "MY-10" in failing("Operator mesin cetak plastik")
    assert "ID-7" in failing("Perawat kebun sawit (pemupukan dan penyemprotan)")
    assert "MY-8" in failing("Tukang kayu bekisting")
    assert "OCS-1" in failing("Pekerja rumah tangga (penata laksana rumah)")
    assert "ID-5" in failing("Penambang bawah tanah (agensi izin kedaluwarsa)")
    assert "MY-15" in warned("Terapis spa dan refleksi")
    assert orders["Pemanen tandan buah segar sawit"].compliance_status == "pass"


def test_the_attache_endorsed_the_compliant_orders_returned_one_and_rejected_one():
    orders = JobOrder.objects.filter(is_demo=True)
    endorsed = orders.filter(status=JobOrder.Status.ENDORSED)
    assert endorsed.count() == sum(1 for o in demo.ORDERS if o.review == "endorse")
    assert not endorsed.filter(compliance_status="fail").exists()
    assert orders.filter(status=JobOrder.Status.RETURNED).count() == 1
    assert orders.filter(status=JobOrder.Status.REJECTED).count() == 1
    assert set(orders.values_list("sector", flat=True)) >= {
        "plantation", "agriculture", "manufacturing", "construction", "services", "mining",
    }  # fmt: skip
    main = orders.get(title="Pemanen tandan buah segar sawit")
    assert main.organisation.name == "Ladang Sawit Seri Pahang Sdn Bhd"
    assert main.employer_profile.verification == "verified"
    assert main.agency_profile.organisation.name == "PT Lampung Karya Mandiri"


def test_employers_and_agencies_are_verified_except_the_pending_and_the_expired():
    sawit = EmployerProfile.objects.get(
        organisation__name="Ladang Sawit Seri Pahang Sdn Bhd"
    )
    assert sawit.state_id == "MY-06"
    assert sawit.sector == "plantation"
    sawit.full_clean()  # the SSM number has the 12-digit form
    assert sawit.approval_reference
    assert EmployerProfile.objects.filter(verification="pending").count() == 2
    expired = AgencyProfile.objects.get(licence_number=demo.EXPIRED_AGENCY.licence)
    assert expired.valid_until < timezone.localdate()
    assert expired.verification == "rejected"
    main = AgencyProfile.objects.get(organisation__name="PT Lampung Karya Mandiri")
    assert main.verification == "verified"
    assert main.valid_until > timezone.localdate()


def test_every_seekers_nik_parses_and_agrees_with_birth_date_sex_and_regency():
    regencies = frozenset(Regency.objects.values_list("code", flat=True))
    today = timezone.localdate()
    seekers = list(Seeker.objects.filter(is_demo=True))
    assert len(seekers) >= SCALES["demo"].seekers
    for seeker in seekers:
        info = parse_nik(seeker.nik, regency_codes=regencies, today=today)
        assert info.birth_date == seeker.birth_date, seeker.full_name
        assert info.gender == seeker.gender
        assert info.regency_code == seeker.regency_id
        assert seeker.nik_last4 == seeker.nik[-4:]
        assert seeker.consent_given_at is not None
    assert all(s.regency_id.startswith("18") for s in seekers)


def test_lampung_timur_sends_the_most_and_profiles_vary():
    seekers = Seeker.objects.filter(is_demo=True)
    by_regency: dict[str, int] = {}
    for code in seekers.values_list("regency_id", flat=True):
        by_regency[code] = by_regency.get(code, 0) + 1
    assert max(by_regency, key=by_regency.__getitem__) == "1804"
    assert len(by_regency) >= 10
    assert set(seekers.values_list("gender", flat=True)) == {"female", "male"}
    assert (
        SeekerDocument.objects.filter(seeker__is_demo=True)
        .values("status")
        .distinct()
        .count()
        == 3
    )
    assert SeekerCertificate.objects.filter(seeker__is_demo=True).exists()
    assert SeekerSkill.objects.filter(seeker__is_demo=True).exists()


def test_the_demo_seeker_login_has_a_profile_that_sees_the_plantation_order():
    user = User.objects.get(email=f"seeker@{DEMO_DOMAIN}")
    seeker = Seeker.objects.get(user=user)
    assert seeker.is_demo
    assert "plantation" in seeker.preferred_sectors
    visible = JobOrder.objects.visible_to(user)
    assert visible.filter(title="Pemanen tandan buah segar sawit").exists()
    assert not visible.filter(compliance_status="fail").exists()


def test_placements_reach_every_stage_and_grievances_are_filed():
    stages = set(
        Placement.objects.filter(job_order__is_demo=True).values_list(
            "stage", flat=True
        )
    )
    assert stages == set(Stage.values) - {Stage.REGISTERED}
    placed = Placement.objects.filter(stage=Stage.WORKING).first()
    assert placed.seeker.placed
    assert list(placed.events.values_list("stage", flat=True))[-1] == Stage.WORKING
    assert placed.job_order.status == JobOrder.Status.ENDORSED
    grievances = Grievance.objects.filter(seeker__is_demo=True)
    assert grievances.count() >= 4
    assert grievances.filter(first_response_at__isnull=False).exists()
    assert grievances.filter(status=Grievance.Status.RESOLVED).exists()
