"""Domain errors every app's actions raise, mapped to HTTP once (config/api.py, views)."""

from __future__ import annotations

from typing import Any


class ConflictError(Exception):
    """The change collides with existing state: a duplicate, an illegal transition (409)."""

    def __init__(
        self, message: str = "", *, field: str = "", extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        #: members added to the 409 problem document (e.g. "blockers" of a trade introduction)
        self.extra: dict[str, Any] = dict(extra or {})
