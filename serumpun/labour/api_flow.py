"""Labour API, additive to API.md: start a placement for a matched seeker. Mount with
`api.add_router("/labour", api_flow.router)` next to the labour router."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from serumpun.accounts.models import User
from serumpun.core.access import get_visible_or_404
from serumpun.labour import actions_flow
from serumpun.labour.models import JobOrder, Placement, Seeker

router = Router(tags=["labour"])
MAX_ID = 2**31 - 1


class PlacementIn(Schema):
    """Which seeker to place."""

    seeker_id: int = Field(..., ge=1, le=MAX_ID)


class PlacementOut(Schema):
    """A placement as started (stage "matched")."""

    id: int
    seeker_id: int
    job_order_id: int
    stage: str
    created_at: datetime


@router.post(
    "/job-orders/{job_order_id}/placements",
    response={201: PlacementOut},
    summary="Start a placement",
)
def start_placement(
    request: HttpRequest, job_order_id: int, payload: PlacementIn
) -> tuple[int, Placement]:
    """Start a matched seeker's placement for an endorsed order with places left (the
    labour attaché or the order's employer or agency); 409 when full, a duplicate or the
    seeker is not eligible."""
    user: User = request.user  # type: ignore[assignment]
    order = get_visible_or_404(
        JobOrder.objects.select_related("employer_profile", "agency_profile"),
        user,
        pk=job_order_id,
    )
    seeker = Seeker.objects.filter(pk=payload.seeker_id).first()
    if seeker is None:
        raise ValidationError(
            [{"loc": ["body", "seeker_id"], "msg": _("Unknown job seeker.")}]
        )
    # A ConflictError (full order, already placed…) is answered 409 by config/api.py.
    placement = actions_flow.start_placement(by=user, job_order=order, seeker=seeker)
    return 201, placement
