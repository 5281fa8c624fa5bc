"""Recompute every product's matching facts, or check them (trade/facts.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from serumpun.trade import facts


class Command(BaseCommand):
    help = (
        "Recompute the matching facts of every product from its sources; with --check, "
        "only report products whose facts differ (exit status 1 when any does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="report drift, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            drifted = facts.drift()
            if drifted:
                shown = ", ".join(map(str, drifted[:20]))
                more = f" and {len(drifted) - 20} more" if len(drifted) > 20 else ""  # noqa: PLR2004
                msg = f"{len(drifted)} products' matching facts differ: {shown}{more}"
                raise CommandError(msg)
            self.stdout.write("Matching facts agree with their sources.")
            return
        written = facts.refresh_all()
        self.stdout.write(f"Matching facts written for {written} products.")
