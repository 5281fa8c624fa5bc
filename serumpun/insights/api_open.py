"""The open-data API under /api/v1/open/: aggregated statistics, no sign-in, CC BY 4.0."""

from ninja import Router

router = Router(tags=["open data"], auth=None)
