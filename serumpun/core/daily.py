"""The daily jobs: apps register tasks here; `manage.py run_daily_tasks` enqueues them all.

Run the command once a day from cron or a systemd timer (docs/deployment.md), shortly after
midnight Asia/Jakarta; each task takes an optional ISO `as_of` date and is idempotent, so a
second run the same day sends nothing twice.
"""

from __future__ import annotations

from typing import Any

_DAILY: list[Any] = []


def register_daily(task: Any) -> None:
    """Run `task` (a django-tasks task taking `as_of: str | None`) once a day. Idempotent."""
    if task not in _DAILY:
        _DAILY.append(task)


def daily_tasks() -> list[Any]:
    """The registered daily tasks, in registration order."""
    return list(_DAILY)
