"""Object access: the `visible_to(user)` convention every private model follows.

A private record belongs to an organisation. A QuerySet subclassing `VisibleQuerySet` names the
path to that organisation in `owner_field`; `visible_to(user)` keeps the user's own
organisations' records plus whatever the user's role is granted by `role_grants`. Views and the
API look records up through `visible_to`, so another organisation's record is simply not found:
404, never 403 (DESIGN.md "Users and roles").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from serumpun.accounts.models import User

M = TypeVar("M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[Any]):
    """QuerySet with the platform's organisation-scoped visibility rule."""

    #: lookup path from this model to its owning Organisation (or its primary key)
    owner_field: ClassVar[str] = "organisation"
    #: lookup path to the owning user, for records that belong to a person (a seeker)
    owner_user_field: ClassVar[str | None] = None

    def role_grants(self, user: User) -> Q | None:
        """Extra rows the user's role may see beyond their own organisation's. None: nothing."""
        return None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Rows this user may see; empty for anonymous users."""
        if not user.is_authenticated:
            return self.none()
        if user.is_platform_admin:
            return self.all()
        q = Q(**{f"{self.owner_field}__in": user.organisation_ids})
        if self.owner_user_field:
            q |= Q(**{self.owner_user_field: user.pk})
        grants = self.role_grants(user)
        if grants is not None:
            q |= grants
        return self.filter(q)


def get_visible_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one record the user may see, else 404 — whether it is foreign or missing."""
    visible = queryset.visible_to(user)  # type: ignore[attr-defined]
    try:
        return visible.get(**lookup)  # type: ignore[no-any-return]
    except (visible.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
