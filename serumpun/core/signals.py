"""Signal handlers of the core app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from serumpun.core.models import ReferenceDataset


@receiver(post_migrate, dispatch_uid="serumpun.core.load_reference_data")
def load_reference_data(
    sender: AppConfig,
    *,
    using: str = DEFAULT_DB_ALIAS,
    verbosity: int = 1,
    **kwargs: Any,
) -> None:
    """Load reference data after `migrate` or a test flush, so every database has it."""
    if sender.label != "core":
        return
    from serumpun.core import reference

    # A partial migration (e.g. `migrate core zero`) leaves no tables to load into.
    tables = set(connections[using].introspection.table_names())
    needed = {model._meta.db_table for model in _reference_models()}
    if not needed <= tables:
        return
    counts = reference.load_all(using=using)
    stdout = kwargs.get("stdout")
    if verbosity >= 1 and stdout is not None and any(counts.values()):
        loaded = ", ".join(f"{name} {rows}" for name, rows in counts.items() if rows)
        stdout.write(f"  Reference data loaded: {loaded}\n")


def _reference_models() -> list[type[Any]]:
    from serumpun.core import models

    return [
        models.Province,
        models.Regency,
        models.District,
        models.Country,
        models.Subdivision,
        models.Currency,
        models.HSCode,
        models.Port,
        models.Occupation,
        ReferenceDataset,
    ]
