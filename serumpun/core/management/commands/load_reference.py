"""`manage.py load_reference [--force]`: load the reference data in data/ and pycountry."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from serumpun.core.models import ReferenceDataset
from serumpun.core.reference import all_datasets, load_dataset


class Command(BaseCommand):
    """Loads each reference dataset whose source changed and prints a summary."""

    help = (
        "Load reference data (regions, countries, currencies, HS, ports, occupations)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Reload every dataset even if its source files are unchanged.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Database alias to load into (default: %(default)s).",
        )

    def handle(self, *args: Any, force: bool, database: str, **options: Any) -> None:
        started = time.perf_counter()
        for dataset in all_datasets():
            rows = load_dataset(dataset, force=force, using=database)
            if rows is None:
                total = (
                    ReferenceDataset.objects.using(database)
                    .values_list("rows", flat=True)
                    .get(name=dataset.name)
                )
                self.stdout.write(f"{dataset.name:<16} unchanged ({total} rows)")
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"{dataset.name:<16} loaded {rows} rows")
                )
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Reference data ready in {elapsed:.1f} s.")
