"""Bearer-token authentication for the API (tokens stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

#: how often last_used_at is refreshed, to avoid a write on every call
LAST_USED_GRANULARITY = timedelta(minutes=5)


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


class BearerToken(HttpBearer):
    """Accepts `Authorization: Bearer <token>` for a live (unexpired, unrevoked) token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from serumpun.accounts.models import ApiToken

        now = timezone.now()
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=now
            )
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        if (
            api_token.last_used_at is None
            or now - api_token.last_used_at > LAST_USED_GRANULARITY
        ):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        # DELETE /auth/token revokes the very token this call was made with.
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user
