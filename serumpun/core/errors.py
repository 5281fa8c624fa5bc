"""Domain errors every app's actions raise, mapped to HTTP once (config/api.py, views)."""

from __future__ import annotations


class ConflictError(Exception):
    """The change collides with existing state: a duplicate, an illegal transition (409)."""

    def __init__(self, message: str = "", *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
