"""The home page per role: jobs, real counts, empty states and a pinned query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from serumpun.accounts.models import ApiToken, Organisation
from serumpun.accounts.roles import STAFF_ROLES, OrganisationKind, Role
from serumpun.accounts.tests.factories import OrganisationFactory, make_user
from serumpun.core import home
from serumpun.core.models import HSCode, Occupation, Port, Province, Regency

pytestmark = pytest.mark.django_db

#: session, user, the user's memberships (with organisations), and ONE statement for every
#: figure on the page, whatever the role and however many figures it has.
HOME_QUERIES = 4
#: a staff session is re-saved (the 30-minute idle timeout) at most once a minute, so the
#: first page of a minute costs these three more: savepoint, UPDATE django_session, release.
STAFF_SESSION_SAVE_QUERIES = 3

OVERSIGHT = ["officer", "trade_attache", "transport_attache", "labour_attache", "admin"]
NOT_OVERSIGHT = ["msme_owner", "buyer", "employer", "agency", "seeker", "forwarder"]


def counts_by_key(response):
    return {count.key: count.value for count in response.context["counts"]}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_home_renders_with_a_constant_query_count(
    client, role, django_assert_num_queries
):
    user = make_user(role)
    client.force_login(user)
    # More data must not mean more queries.
    for kind in OrganisationKind:
        OrganisationFactory.create_batch(2, kind=kind)
    client.get("/")  # the first page after sign-in may save the session
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_a_staff_page_that_pushes_back_the_idle_timer_costs_one_session_save(
    client, role, settings, django_assert_num_queries
):
    settings.SERUMPUN_STAFF_IDLE_REFRESH_SECONDS = 0  # every page refreshes the timer
    client.force_login(make_user(role))
    client.get("/")
    with django_assert_num_queries(HOME_QUERIES + STAFF_SESSION_SAVE_QUERIES):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", OVERSIGHT)
def test_oversight_roles_see_real_organisation_counts(client, role):
    OrganisationFactory.create_batch(3, kind=OrganisationKind.MSME)
    OrganisationFactory.create_batch(2, kind=OrganisationKind.BUYER)
    OrganisationFactory(kind=OrganisationKind.AGENCY)
    client.force_login(make_user(role))
    counts = counts_by_key(client.get("/"))
    assert counts["organisations_msme"] == 3
    assert counts["organisations_buyer"] == 2
    assert counts["organisations_employer"] == 0
    assert counts["organisations_agency"] == 1


@pytest.mark.parametrize("role", NOT_OVERSIGHT)
def test_other_roles_do_not_see_organisation_counts(client, role):
    client.force_login(make_user(role))
    counts = counts_by_key(client.get("/"))
    assert not any(key.startswith("organisations_") for key in counts)


def test_reference_counts_are_real_counts(client):
    # Reference data is loaded after migrate (serumpun.core.signals), tests included.
    province = Province.objects.create(code="99", name="Elsewhere")
    Regency.objects.create(
        code="9901", province=province, name="Not Lampung", kind="kota"
    )
    client.force_login(make_user(Role.BUYER))
    counts = counts_by_key(client.get("/"))
    assert counts["regencies"] == 15  # Lampung's 13 regencies and 2 cities, no other
    assert counts["ports"] == Port.objects.count() > 0
    assert counts["occupations"] == Occupation.objects.count() > 0
    assert counts["hs_codes"] == HSCode.objects.filter(level=6).count() > 0


def test_members_count_only_the_users_own_organisation(client):
    organisation = OrganisationFactory(kind=OrganisationKind.BUYER)
    user = make_user(Role.BUYER, organisation=organisation)
    make_user(Role.BUYER, organisation=organisation)
    make_user(Role.BUYER)  # another company
    client.force_login(user)
    assert counts_by_key(client.get("/"))["members"] == 2


def test_api_token_count_ignores_revoked_and_expired_tokens(client):
    user = make_user(Role.FORWARDER)
    now = timezone.now()
    for n, (expires, revoked) in enumerate(
        [
            (now + timedelta(hours=1), None),
            (now - timedelta(hours=1), None),
            (now + timedelta(hours=1), now),
        ]
    ):
        ApiToken.objects.create(
            user=user,
            prefix=f"tok{n}",
            key_hash=f"{n:064d}",
            expires_at=expires,
            revoked_at=revoked,
        )
    client.force_login(user)
    assert counts_by_key(client.get("/"))["api_tokens"] == 1


def test_seeker_home_has_no_organisation_or_token_figures(client):
    client.force_login(make_user(Role.SEEKER))
    counts = counts_by_key(client.get("/"))
    assert {"regencies", "hs_codes", "ports", "occupations"} <= set(counts)
    assert not {key for key in counts if key.startswith(("organisations", "members"))}
    assert "api_tokens" not in counts


@pytest.mark.usefixtures("in_english")
def test_a_zero_count_shows_an_empty_state_with_what_to_do_next(client):
    Occupation.objects.all().delete()
    client.force_login(make_user(Role.OFFICER))
    html = client.get("/").content.decode()
    assert 'class="card figure figure--empty" data-count="organisations_msme"' in html
    assert "No MSME has joined yet" in html
    assert "manage.py load_reference" in html


def test_a_nonzero_count_has_no_empty_state(client):
    OrganisationFactory(kind=OrganisationKind.MSME)
    client.force_login(make_user(Role.OFFICER))
    html = client.get("/").content.decode()
    assert 'class="card figure" data-count="organisations_msme"' in html
    assert "No MSME has joined yet" not in html


@pytest.mark.parametrize(
    ("role", "job"),
    [
        (Role.OFFICER, "Verify MSMEs and their certificates"),
        (Role.BUYER, "Post sourcing requests"),
        (Role.SEEKER, "File a grievance safely"),
        (Role.LABOUR_ATTACHE, "Endorse or reject job orders"),
    ],
)
def test_home_lists_what_the_role_does(client, role, job):
    client.force_login(make_user(role))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert job in response.content.decode()


def test_every_role_has_jobs_listed():
    assert set(home.ROLE_JOBS) == set(Role)
    assert all(home.ROLE_JOBS[role] for role in Role)


def test_htmx_request_gets_only_the_figures_partial(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="figures"')
    assert "<html" not in html


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_registered_provider_adds_its_figures_for_its_roles_only(client):
    def buyers_in_selangor(user):
        return [
            home.Figure(
                "selangor_buyers",
                "Buyers in Selangor",
                Organisation.objects.filter(kind="buyer", country="MY"),
                "Trade",
            )
        ]

    home.register_count(buyers_in_selangor, roles={Role.TRADE_ATTACHE})
    try:
        client.force_login(make_user(Role.TRADE_ATTACHE))
        assert counts_by_key(client.get("/"))["selangor_buyers"] == 0
        client.force_login(make_user(Role.BUYER))  # its own organisation is Malaysian
        assert "selangor_buyers" not in counts_by_key(client.get("/"))
    finally:
        home._PROVIDERS.remove((frozenset({Role.TRADE_ATTACHE}), buyers_in_selangor))


def test_count_all_counts_many_querysets_in_one_query(django_assert_num_queries):
    OrganisationFactory.create_batch(2, kind=OrganisationKind.MSME)
    querysets = [
        Organisation.objects.filter(kind=OrganisationKind.MSME),
        Organisation.objects.filter(kind=OrganisationKind.BUYER),
        Organisation.objects.none(),
        Organisation.objects.filter(pk__in=[]),
        Organisation.objects.filter(name__startswith="Organisation").distinct(),
    ]
    with django_assert_num_queries(1):
        assert home.count_all(querysets) == [2, 0, 0, 0, 2]


def test_count_all_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert home.count_all([]) == []
