"""API: trade matching (../shared/API.md "Trade")."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["trade"])
