"""Background tasks of the exporters app. Arguments are ids and plain values, never instances.

Registry imports above `SERUMPUN_IMPORT_BACKGROUND_ROWS` rows are checked and committed here,
with a progress record the import page polls.
"""

from __future__ import annotations

from django_tasks import task

from serumpun.exporters import importing


@task()
def preview_import_task(
    batch_id: str, progress_id: str, user_id: int | None = None
) -> dict[str, int]:
    """Check every row of a large import file (the dry run) and store the findings."""
    return importing.run_in_background(
        kind="preview", batch_id=batch_id, progress_id=progress_id, user_id=user_id
    )


@task()
def commit_import_task(
    batch_id: str, progress_id: str, user_id: int | None = None
) -> dict[str, int]:
    """Write a large, checked import file into the registry, all or nothing."""
    return importing.run_in_background(
        kind="commit", batch_id=batch_id, progress_id=progress_id, user_id=user_id
    )
