"""The production-configuration system check (serumpun.core.checks)."""

from typing import Any

import pytest

from serumpun.core.checks import production_configuration

GOOD = {
    "PRODUCTION": True,
    "DEBUG": False,
    "SECRET_KEY": "k3y-" + "".join(chr(ord("a") + i % 26) for i in range(60)),
    "FIELD_ENCRYPTION_KEY": "a" * 43 + "=",
    "ALLOWED_HOSTS": ["serumpun.lampungprov.go.id"],
}


def error_ids(settings: Any, **overrides: Any) -> list[str | None]:
    for name, value in {**GOOD, **overrides}.items():
        setattr(settings, name, value)
    return [error.id for error in production_configuration(None)]


def test_correct_production_configuration_passes(settings):
    assert error_ids(settings) == []


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"DEBUG": True}, "serumpun.E001"),
        ({"SECRET_KEY": "short-secret"}, "serumpun.E002"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "serumpun.E002"),
        ({"SECRET_KEY": "ab" * 40}, "serumpun.E002"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "serumpun.E003"),
        ({"FIELD_ENCRYPTION_KEY": "dG9vLXNob3J0"}, "serumpun.E003"),  # 9 bytes
        ({"ALLOWED_HOSTS": []}, "serumpun.E004"),
    ],
)
def test_each_unsafe_setting_is_reported(settings, override, expected):
    assert error_ids(settings, **override) == [expected]


def test_everything_wrong_reports_all_four(settings):
    ids = error_ids(
        settings,
        DEBUG=True,
        SECRET_KEY="weak",
        FIELD_ENCRYPTION_KEY="",
        ALLOWED_HOSTS=[],
    )
    assert ids == ["serumpun.E001", "serumpun.E002", "serumpun.E003", "serumpun.E004"]


def test_a_missing_secret_key_is_reported_not_crashed_on(settings):
    assert error_ids(settings, SECRET_KEY="") == ["serumpun.E002"]


def test_development_is_not_checked(settings):
    assert error_ids(settings, PRODUCTION=False, DEBUG=True, SECRET_KEY="weak") == []
