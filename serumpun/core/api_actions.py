"""Calling an action from an API route: its domain errors become the API's answers.

A Django `ValidationError` from an action becomes a 422 naming each field (renamed to the
API's spelling where the action's field name differs, e.g. `regency_id` → `regency_code`).
`ConflictError` (409), `PermissionDenied` (403) and `Http404` need nothing here: config/api.py
answers them for every route.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja.errors import ValidationError

T = TypeVar("T")

NO_RENAMES: Mapping[str, str] = MappingProxyType({})


def validation_errors(
    exc: DjangoValidationError, names: Mapping[str, str] = NO_RENAMES
) -> list[dict[str, Any]]:
    """The `errors` of a 422 problem: one entry per message, located at its field."""
    if not hasattr(exc, "error_dict"):
        return [{"loc": ["body"], "msg": message} for message in exc.messages]
    return [
        {
            "loc": ["body"]
            if field == "__all__"
            else ["body", names.get(field, field)],
            "msg": message,
        }
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def call_action(
    action: Callable[..., T], names: Mapping[str, str] = NO_RENAMES, **kwargs: Any
) -> T:
    """Run `action(**kwargs)`, turning its validation errors into a 422 naming the field."""
    try:
        return action(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(validation_errors(exc, names)) from exc
