"""API: POST /api/v1/auth/token."""

from ninja import Router

router = Router(tags=["auth"])
