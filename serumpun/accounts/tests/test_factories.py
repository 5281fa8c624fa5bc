import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_make_user_gives_every_role_a_working_login(role):
    user = make_user(role)
    assert user.role == role
    assert user.check_password(TEST_PASSWORD)
    assert (user.organisation is None) == (role == Role.SEEKER)
