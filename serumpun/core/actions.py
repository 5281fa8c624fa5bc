"""State changes of the core app: each checks permission, runs atomically, audits, enqueues."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from serumpun.core import audit
from serumpun.core.models import TaskProgress
from serumpun.core.progress import start_progress

if TYPE_CHECKING:
    from serumpun.accounts.models import User


def start_reference_reload(
    *, by: User, datasets: Sequence[str] = (), force: bool = False
) -> TaskProgress:
    """Start reloading reference data in the background; returns its progress record.

    Reference data is the platform's, so only a platform admin may reload it.
    """
    from serumpun.core.tasks import reload_reference_data

    if not by.is_platform_admin:
        raise PermissionDenied(gettext("Only a platform administrator may do this."))
    with transaction.atomic():
        progress = start_progress(
            kind="reference.reload",
            label=gettext("Reload reference data"),
            user=by,
            total=len(datasets),
        )
        audit.record(
            actor=by, action="reference.reload", obj=progress, fields=list(datasets)
        )
        # The worker must find the progress row, so enqueue only once it is committed.
        transaction.on_commit(
            partial(
                reload_reference_data.enqueue,
                progress_id=str(progress.pk),
                datasets=list(datasets),
                force=force,
            )
        )
    return progress
