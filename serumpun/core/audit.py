"""Writing the audit log. Actions call `record`; reads of personal data call `record_read`.

Rows hold field *names*, never values (SEC-05); the model refuses updates and deletes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from serumpun.core.middleware import current_request_id
from serumpun.core.models import AuditEvent


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    purpose: str = "",
    kind: str = AuditEvent.Kind.CHANGE,
    organisation: Any = None,
) -> AuditEvent:
    """Append one audit row for something `actor` did (actor may be None for the system)."""
    user = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    object_type, object_id = _describe(obj)
    if organisation is None and user is not None:
        organisation = user.organisation
    return AuditEvent.objects.create(
        actor=user,
        actor_role=(user.role or ("admin" if user.is_superuser else ""))
        if user
        else "",
        organisation=organisation,
        kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(set(fields)),
        purpose=purpose[: AuditEvent._meta.get_field("purpose").max_length or 200],
        request_id=current_request_id(),
    )


def record_read(
    *, actor: Any, obj: models.Model, fields: Iterable[str], purpose: str
) -> AuditEvent:
    """Append a "read of personal data" row (who saw which fields of whom, and why)."""
    return record(
        actor=actor,
        action="personal_data.read",
        obj=obj,
        fields=fields,
        purpose=purpose,
        kind=AuditEvent.Kind.PERSONAL_DATA_READ,
    )
