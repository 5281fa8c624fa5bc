"""Project-wide pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # argon2 is deliberately slow; tests that check the hasher override this back.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    # Lookups cached in Django's cache (e.g. HS descriptions) must not leak between tests
    # whose databases differ.
    from django.core.cache import cache

    from serumpun.insights.queries import clear_cache

    cache.clear()
    clear_cache()
    yield
    cache.clear()
    clear_cache()


@pytest.fixture
def in_english(client):  # type: ignore[no-untyped-def]
    """Run a test in English (the msgids) when it asserts on message text.

    The interface defaults to Indonesian; tests that read a message pick English explicitly.
    """
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield client
