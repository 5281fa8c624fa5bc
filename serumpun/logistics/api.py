"""The Logistics section of API.md: quotes and lane demand."""

from ninja import Router

router = Router(tags=["logistics"])
