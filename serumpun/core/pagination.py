"""API list pagination: ?limit= (default 20, max 100) and ?offset=, answering
{"items": [...], "count": N} (API.md conventions). Every list endpoint uses this class."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: beyond this an offset only returns an empty page; unbounded offsets overflow SQLite's
#: 64-bit integers and made the API answer 500 (found by the schemathesis fuzz test)
MAX_OFFSET = 2**31 - 1


class LimitOffset(LimitOffsetPagination):
    """Limit/offset pagination with both parameters bounded."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
