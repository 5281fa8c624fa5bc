"""POST /readiness/requirements: what exporting a product to a market takes."""

from ninja import Router

router = Router(tags=["readiness"])
