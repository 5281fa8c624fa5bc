"""Schema-driven fuzzing of the whole API: no input makes it fail with a 5xx, and documented
responses match the OpenAPI schema (STYLE.md "API fuzzing with schemathesis")."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from serumpun.accounts.api_auth import hash_token
from serumpun.accounts.models import ApiToken
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
RAW_TOKEN = "fuzzing-token-not-a-secret"


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    # Requests go through the real WSGI handler, which closes database connections when a
    # request finishes; inside a test transaction that would close it under the test (Django's
    # test client disconnects the same handler).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db):
    user = make_user(Role.OFFICER)
    ApiToken.objects.create(
        user=user,
        prefix=RAW_TOKEN[:8],
        key_hash=hash_token(RAW_TOKEN),
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    return {"Authorization": f"Bearer {RAW_TOKEN}"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_makes_the_api_fail(case, bearer):
    case.call_and_validate(
        headers=bearer,
        # Content types are not checked: error answers are application/problem+json
        # (API.md) while django-ninja documents every response as application/json.
        checks=[not_a_server_error, response_schema_conformance],
    )
