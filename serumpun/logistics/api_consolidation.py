"""POST /logistics/consolidations: pool shipments into containers."""

from ninja import Router

router = Router(tags=["logistics"])
