"""API: /api/v1/reference/* (any authenticated user)."""

from ninja import Router

router = Router(tags=["reference"])
