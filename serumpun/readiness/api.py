"""The Readiness section of API.md: assessments and their history (paths spelled out)."""

from ninja import Router

router = Router(tags=["readiness"])
