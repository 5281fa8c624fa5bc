"""Shared steps of the browser journeys."""

from __future__ import annotations

from serumpun.accounts.tests.factories import TEST_PASSWORD


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Sign `user` in through the login form and land on the home page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
