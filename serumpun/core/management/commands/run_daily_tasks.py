"""Enqueue every app's daily task (certificate expiry reminders, stuck placements…)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from serumpun.core.daily import daily_tasks


class Command(BaseCommand):
    help = "Enqueue the daily tasks: reminders and alerts (run once a day from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="ISO date to judge by (default: today)")

    def handle(self, *args: Any, as_of: str | None = None, **options: Any) -> None:
        for task in daily_tasks():
            result = task.enqueue(as_of)
            self.stdout.write(f"enqueued {task.name} ({result.id})")
