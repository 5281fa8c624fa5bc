"""Trade models: pools (see models.py)."""

from __future__ import annotations

__all__: list[str] = []
