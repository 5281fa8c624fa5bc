"""`manage.py seed_demo`: demo logins for every role, and bulk data at larger scales."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from serumpun.core.demo import DEMO_PASSWORD, SCALES, SeedContext, run_seeders

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "Create the demo logins (one per role, password serumpun-demo-2026) and, at "
        "province or national scale, bulk organisations. Deterministic and idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production database).",
        )
        parser.add_argument(
            "--msmes", type=int, help="Override the scale's number of bulk MSMEs."
        )
        parser.add_argument(
            "--buyers", type=int, help="Override the scale's number of bulk buyers."
        )
        parser.add_argument(
            "--seekers", type=int, help="Override the scale's number of job seekers."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to write demo data with DEBUG off: this looks like a "
                "production database. Use --force if you really mean it."
            )
        if "load_reference" in get_commands():
            call_command("load_reference", stdout=self.stdout, stderr=self.stderr)
        scale = SCALES[options["scale"]]
        overrides = {
            key: options[key]
            for key in ("msmes", "buyers", "seekers")
            if options[key] is not None
        }
        scale = dataclasses.replace(scale, **overrides)
        # Each app's demo.py registers its seeders on import (core's first).
        autodiscover_modules("demo")
        ctx = SeedContext(scale=scale, seed=options["seed"], out=self.stdout.write)
        # Seeders go through the real actions, which notify people by e-mail: keep those
        # invented messages in memory instead of printing dozens of them to the console.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            run_seeders(ctx)
        self.print_logins(ctx)

    def print_logins(self, ctx: SeedContext) -> None:
        """The login table `make demo` shows."""
        rows = [("e-mail", "role", "organisation", "password")] + [
            (login.email, login.role, login.organisation, DEMO_PASSWORD)
            for login in ctx.logins
        ]
        widths = [max(len(row[col]) for row in rows) for col in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins"))
        for number, row in enumerate(rows):
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
