"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from serumpun.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the signed-in user's roles, with the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user, request.path)}
