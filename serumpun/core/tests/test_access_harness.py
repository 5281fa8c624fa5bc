"""The object-access harness, proved on TaskProgress through the progress page."""

import pytest
from django.urls import reverse

from serumpun.accounts.models import Organisation
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import TaskProgress
from serumpun.core.testing import (
    AccessCase,
    access_matrix,
    assert_foreign_records_404,
    bearer_fetch,
    check_admin_sees_all,
    check_anonymous_refused,
    check_foreign_404,
)


def make_progress(organisation: Organisation | None) -> TaskProgress:
    return TaskProgress.objects.create(
        kind="test", label="Import", organisation=organisation, total=10, done=3
    )


def progress_url(progress: TaskProgress) -> str:
    return reverse("core:task_progress", args=[progress.pk])


PROGRESS = AccessCase(
    name="task-progress", make_owned=make_progress, url_for=progress_url
)
ORG_ROLES = [Role.OFFICER, Role.MSME_OWNER, Role.BUYER, Role.TRADE_ATTACHE]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "case"), access_matrix([PROGRESS], ORG_ROLES))
def test_foreign_progress_is_not_found(client, role, case):
    check_foreign_404(client, role, case)


@pytest.mark.django_db
def test_officer_gets_own_progress_and_404_for_another_organisations(client):
    officer = make_user(Role.OFFICER)
    other = make_user(Role.OFFICER)
    own = make_progress(officer.organisation)
    foreign = make_progress(other.organisation)
    client.force_login(officer)
    assert client.get(progress_url(own)).status_code == 200
    assert client.get(progress_url(foreign)).status_code == 404


@pytest.mark.django_db
def test_loop_form_checks_every_role(client):
    assert_foreign_records_404(
        client, url_for=progress_url, make_owned=make_progress, roles=ORG_ROLES
    )


@pytest.mark.django_db
def test_admin_sees_progress_of_every_organisation(client):
    check_admin_sees_all(client, PROGRESS)


@pytest.mark.django_db
def test_anonymous_is_redirected_to_login(client):
    response = check_anonymous_refused(client, PROGRESS)
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_harness_fails_when_a_foreign_record_leaks(client):
    owners = []

    def make_in_first_owner(organisation):
        # A buggy factory: the "foreign" record lands in the owner's organisation too.
        owners.append(organisation)
        return make_progress(owners[0])

    leaky = AccessCase(
        name="leaky", make_owned=make_in_first_owner, url_for=progress_url
    )
    with pytest.raises(AssertionError, match="expected 404"):
        check_foreign_404(client, Role.OFFICER, leaky)


@pytest.mark.django_db
def test_harness_fails_when_the_owner_cannot_see_their_record(client):
    hidden = AccessCase(
        name="hidden",
        make_owned=make_progress,
        url_for=lambda progress: reverse(
            "core:task_progress", args=["00000000-0000-0000-0000-000000000000"]
        ),
    )
    with pytest.raises(AssertionError, match="own"):
        check_foreign_404(client, Role.OFFICER, hidden)


@pytest.mark.django_db
def test_user_owned_case_needs_no_organisation(client):
    seeker_case = AccessCase(
        name="seeker-own",
        owner="user",
        make_owned=lambda user: user,
        url_for=lambda user: "/healthz",
        ok_statuses=frozenset({200}),
    )
    # /healthz is public, so the foreign check must fail: proves the user path runs.
    with pytest.raises(AssertionError, match="expected 404"):
        check_foreign_404(client, Role.SEEKER, seeker_case)


@pytest.mark.django_db
def test_bearer_fetch_calls_the_api_with_a_token(client):
    officer = make_user(Role.OFFICER)
    assert client.get("/api/v1/reference/regencies").status_code == 401
    response = bearer_fetch(client, officer, "get", "/api/v1/reference/regencies")
    assert response.status_code == 200
