"""POST /logistics/consolidations and GET /logistics/lanes/demand."""

from ninja import Router

router = Router(tags=["logistics"])
