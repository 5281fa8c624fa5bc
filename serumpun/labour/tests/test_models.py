"""Labour models, visibility, reference data and feature building."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import IntegrityError

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.labour.features import seeker_features
from serumpun.labour.models import (
    JobOrder,
    Seeker,
    SeekerCertificate,
    SeekerDocument,
    SeekerExperience,
    SeekerSkill,
    Skill,
    TrainingCourse,
)
from serumpun.labour.reference import document_stage, load_labour_reference
from serumpun.labour.tests.factories import (
    EmployerProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    load_skills_and_courses,
)

pytestmark = pytest.mark.django_db


def test_nik_masked_shows_only_the_last_four_digits():
    seeker = SeekerFactory()
    assert seeker.nik_masked == "*" * 12 + seeker.nik[-4:]
    assert Seeker(nik_last4="").nik_masked == "*" * 16


def test_workers_needed_must_be_positive():
    with pytest.raises(IntegrityError):
        JobOrderFactory(workers_needed=0)


def test_an_employer_sees_orders_naming_its_profile():
    employer = make_user(Role.EMPLOYER)
    profile = EmployerProfileFactory(organisation=employer.organisation)
    by_agency = JobOrderFactory(employer_profile=profile)
    JobOrderFactory()

    assert list(JobOrder.objects.visible_to(employer)) == [by_agency]


def test_seekers_see_only_endorsed_compliant_orders():
    endorsed = JobOrderFactory(endorsed=True)
    JobOrderFactory(endorsed=True, compliance_status="fail")
    JobOrderFactory()

    assert list(JobOrder.objects.visible_to(make_user(Role.SEEKER))) == [endorsed]


def test_loading_reference_twice_equals_once():
    load_skills_and_courses()
    counts = (
        Skill.objects.count(),
        TrainingCourse.objects.count(),
        TrainingCourse.skills.through.objects.count(),
    )
    load_labour_reference()
    assert counts == (
        Skill.objects.count(),
        TrainingCourse.objects.count(),
        TrainingCourse.skills.through.objects.count(),
    )
    assert counts[0] > 30
    assert TrainingCourse.objects.filter(is_demo=False).count() == 0


def test_document_stage_needs_every_earlier_stage():
    assert document_stage(set()) == 0
    assert document_stage({"marital_status", "family_permission"}) == 1
    assert document_stage({"marital_status", "passport"}) == 0


def test_features_take_a_constant_number_of_queries(django_assert_num_queries):
    load_skills_and_courses()
    skill = Skill.objects.get(code="palm_harvesting")

    def add_seekers(count):
        for _ in range(count):
            seeker = SeekerFactory(
                preferred_sectors=["plantation"], languages=[{"code": "ms", "level": 2}]
            )
            SeekerSkill.objects.create(seeker=seeker, skill=skill, level=0.8)
            SeekerCertificate.objects.create(
                seeker=seeker, scheme="pemanen-sawit", level=2
            )
            SeekerExperience.objects.create(seeker=seeker, isco_code="9211", years=3)
            SeekerDocument.objects.filter(seeker=seeker, kind="passport").update(
                status="verified"
            )

    add_seekers(2)
    with django_assert_num_queries(7) as few:
        seeker_features(as_of=dt.date(2026, 1, 1))
    add_seekers(5)
    with django_assert_num_queries(len(few.captured_queries)):
        features = seeker_features(as_of=dt.date(2026, 1, 1))

    matrix, vocab = features.matrix, features.vocab
    assert matrix.size == 7
    assert (matrix.age == 27).all()  # born 1998-05-17
    assert (matrix.cert_level == 2).all()
    assert matrix.skills[:, vocab.skill_index["palm_harvesting"]].toarray().ravel() == (
        pytest.approx(np.full(7, 0.8))
    )
    assert (matrix.languages[:, vocab.language_index["ms"]] == 2).all()
    assert (matrix.sector_mask == 1 << vocab.sector_index["plantation"]).all()
    assert (matrix.doc_stage == 0).all()  # a passport alone completes no stage


def test_withdrawn_consent_leaves_the_matrix():
    SeekerFactory()
    SeekerFactory(consent_withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert seeker_features(as_of=dt.date(2026, 1, 1)).matrix.size == 1
