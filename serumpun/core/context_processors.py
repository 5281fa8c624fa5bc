"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from serumpun.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation entries for the signed-in user's role."""
    user = getattr(request, "user", None)
    return {
        "nav_items": menu_for(user)
        if user is not None and user.is_authenticated
        else []
    }
