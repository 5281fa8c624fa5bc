"""Enqueue the daily reminder tasks (run once a day from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from serumpun.exporters.reminders import remind_expiring_certificates


class Command(BaseCommand):
    help = "Enqueue today's reminders: certificates expiring within 60 days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--as-of", help="ISO date to judge expiry by (default today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = remind_expiring_certificates.enqueue(options.get("as_of"))
        self.stdout.write(f"enqueued certificate reminders ({result.id})")
