import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_page_renders_in_chromium(live_server, page, shot):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("input[name=username]").count() == 1
    assert shot("login").exists()
