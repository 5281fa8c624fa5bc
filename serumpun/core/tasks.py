"""Background tasks of the core app. Arguments are ids and plain values, never instances.

Tasks run on the backend in `settings.TASKS`: immediately in the web process for the demo,
from the database queue (`manage.py db_worker`, `make worker`) in production.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django_tasks import task

from serumpun.core import reference
from serumpun.core.progress import JobFailedError, tracking


@task()
def reload_reference_data(
    progress_id: str, datasets: list[str] | None = None, force: bool = False
) -> dict[str, int]:
    """Reload reference datasets from data/ (all, or those named), one progress step each.

    Unchanged files are skipped unless `force`; returns the rows written per dataset.
    Used after a data/ file is updated (a new HS edition, corrected port coordinates).
    """
    known = {dataset.name: dataset for dataset in reference.all_datasets()}
    names = list(datasets) if datasets else list(known)
    written: dict[str, int] = {}
    # Each dataset is a large step, so every one of them is worth a progress write.
    with tracking(progress_id, total=len(names)) as tracker:
        tracker.every_items = 1
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise JobFailedError(
                gettext("Unknown reference dataset: %(names)s.")
                % {"names": ", ".join(unknown)}
            )
        for name in names:
            written[name] = reference.load_dataset(known[name], force=force) or 0
            tracker.advance()
    return written
