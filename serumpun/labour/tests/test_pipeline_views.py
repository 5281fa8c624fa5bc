"""Placement board and detail pages: roles, foreign records, stuck highlighting, forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent
from serumpun.core.testing import AccessCase, access_matrix, check_foreign_404
from serumpun.labour.models import Placement
from serumpun.labour.models_pipeline import ContractRecord
from serumpun.labour.tests.factories import JobOrderFactory, occupation
from serumpun.labour.tests.pipeline_builders import (
    make_placement,
    seeker_with_account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _occupations():
    occupation("9211")


PLACEMENT = AccessCase(
    name="placement-detail",
    make_owned=lambda org: make_placement(
        job_order=JobOrderFactory(organisation=org, endorsed=True)
    ),
    url_for=lambda placement: reverse("labour:placement_detail", args=[placement.pk]),
)
OWN_PLACEMENT = AccessCase(
    name="own-placement-detail",
    owner="user",
    make_owned=lambda user: make_placement(
        seeker=seeker_with_account()[1] if user is None else _profile(user)
    ),
    url_for=lambda placement: reverse("labour:placement_detail", args=[placement.pk]),
)


def _profile(user):
    from serumpun.labour.tests.factories import SeekerFactory

    return SeekerFactory(user=user)


@pytest.mark.parametrize(
    ("role", "case"), access_matrix([PLACEMENT], [Role.EMPLOYER, Role.AGENCY])
)
def test_another_organisations_placement_is_not_found(client, role, case):
    check_foreign_404(client, role, case)


@pytest.mark.parametrize(
    ("role", "case"), access_matrix([OWN_PLACEMENT], [Role.SEEKER])
)
def test_another_seekers_placement_is_not_found(client, role, case):
    check_foreign_404(client, role, case)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.LABOUR_ATTACHE, 200),
        (Role.OFFICER, 200),
        (Role.EMPLOYER, 403),
        (Role.AGENCY, 403),
        (Role.SEEKER, 403),
    ],
)
def test_the_board_is_for_the_attache_and_officers(client, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("labour:placement_board")).status_code == status


@pytest.mark.usefixtures("in_english")
def test_the_board_counts_stages_and_highlights_stuck_placements(
    client, django_assert_max_num_queries
):
    stuck = make_placement(stage="matched", days_in_stage=30)
    fresh = make_placement(stage="matched", days_in_stage=1)
    make_placement(stage="working", days_in_stage=300)
    client.force_login(make_user(Role.LABOUR_ATTACHE))

    with django_assert_max_num_queries(12):
        page = client.get(reverse("labour:placement_board")).content.decode()
    assert f'data-placement="{stuck.pk}"' in page
    matched_row = page.split('data-stage="matched"')[1].split("</tr>")[0]
    assert ">2<" in matched_row and 'badge-danger">1<' in matched_row

    only_stuck = client.get(
        reverse("labour:placement_board"),
        {"stuck": "on"},
        headers={"HX-Request": "true"},
    )
    body = only_stuck.content.decode()
    assert "<h1>" not in body  # the partial only
    assert (
        f'data-placement="{stuck.pk}"' in body
        and f'data-placement="{fresh.pk}"' not in body
    )


def test_the_board_query_count_does_not_grow_with_placements(
    client, django_assert_num_queries
):
    attache = make_user(Role.LABOUR_ATTACHE)
    client.force_login(attache)
    make_placement(stage="matched", days_in_stage=30)
    client.get(reverse("labour:placement_board"))  # warm caches (session, menu)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("labour:placement_board"))
    for days in range(5):
        make_placement(stage="interviewed", days_in_stage=days * 10)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("labour:placement_board"))


def test_the_board_filters_by_sector(client):
    plantation = make_placement(stage="matched")
    factory = make_placement(
        stage="matched",
        job_order=JobOrderFactory(sector="manufacturing", endorsed=True),
    )
    client.force_login(make_user(Role.OFFICER))
    page = client.get(
        reverse("labour:placement_board"), {"sector": "manufacturing"}
    ).content.decode()
    assert f'data-placement="{factory.pk}"' in page
    assert f'data-placement="{plantation.pk}"' not in page


@pytest.mark.usefixtures("in_english")
def test_the_detail_shows_the_timeline_and_verdict_and_audits_the_officers_read(client):
    placement = make_placement(stage="working")
    ContractRecord.objects.create(
        placement=placement, kind="payslip", basic_wage_myr=1400
    )
    officer = make_user(Role.OFFICER)
    client.force_login(officer)

    page = client.get(
        reverse("labour:placement_detail", args=[placement.pk])
    ).content.decode()

    assert 'data-verdict="fail"' in page
    assert 'data-finding="paid_below_contract"' in page
    assert placement.seeker.full_name in page
    assert placement.seeker.nik not in page
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PERSONAL_DATA_READ,
        actor=officer,
        object_type="labour.seeker",
    ).exists()


def test_the_employer_sees_the_placement_without_the_workers_identity(client):
    placement = make_placement(stage="working")
    client.force_login(make_user(Role.EMPLOYER, placement.job_order.organisation))
    page = client.get(
        reverse("labour:placement_detail", args=[placement.pk])
    ).content.decode()
    assert placement.seeker.full_name not in page
    assert placement.seeker.phone not in page and placement.seeker.nik not in page


def test_the_attache_moves_a_placement_on_from_the_page(client):
    placement = make_placement(stage="matched")
    client.force_login(make_user(Role.LABOUR_ATTACHE))
    response = client.post(
        reverse("labour:placement_advance", args=[placement.pk]),
        {"to_stage": "interviewed"},
    )
    assert response.status_code == 302
    assert Placement.objects.get(pk=placement.pk).stage == "interviewed"
    skipped = client.post(
        reverse("labour:placement_advance", args=[placement.pk]),
        {"to_stage": "departed"},
    )
    assert skipped.status_code == 302
    assert Placement.objects.get(pk=placement.pk).stage == "interviewed"


def test_a_worker_records_a_payslip_from_the_page(client):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="working")
    client.force_login(user)
    response = client.post(
        reverse("labour:placement_contract", args=[placement.pk]),
        {
            "kind": "payslip",
            "basic_wage_myr": "1800",
            "weekly_hours": "45",
            "deduction_passport": "30",
        },
    )
    assert response.status_code == 302
    record = ContractRecord.objects.get(placement=placement)
    assert record.deductions == [
        {"kind": "passport", "amount_myr": "30.00", "note": ""}
    ]
    bad = client.post(
        reverse("labour:placement_contract", args=[placement.pk]),
        {"kind": "payslip", "basic_wage_myr": "-5"},
    )
    assert bad.status_code == 422


def test_an_employer_cannot_post_to_another_organisations_placement(client):
    placement = make_placement(stage="working")
    client.force_login(make_user(Role.EMPLOYER))
    response = client.post(
        reverse("labour:placement_contract", args=[placement.pk]),
        {"kind": "signed", "basic_wage_myr": "1"},
    )
    assert response.status_code == 404
    assert not ContractRecord.objects.exists()
