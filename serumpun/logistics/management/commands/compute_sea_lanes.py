"""Precompute sea distances between our seaports into data/logistics/sea-lanes.json."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand

from serumpun.core.models import Port
from serumpun.logistics import network

#: a lane needs two ends
MIN_POINTS = 2


class Command(BaseCommand):
    help = "Compute the sea-lane table from our port coordinates with searoute (no port snapping)."

    def handle(self, *args: Any, **options: Any) -> None:
        ports = Port.objects.filter(kind=Port.Kind.SEAPORT)
        points = {p.locode: (p.lat, p.lon) for p in ports}
        points.update({n.code: (n.lat, n.lon) for n in network.extra_nodes()})
        if len(points) < MIN_POINTS:
            self.stderr.write("Load the port table first: manage.py load_reference")
            return
        import searoute

        lanes = network.compute_sea_lanes(points)
        payload = {
            "computed_with": f"searoute {getattr(searoute, '__version__', '')}".strip(),
            "computed_on": dt.date.today().isoformat(),  # noqa: DTZ011 — a file stamp, not a business date
            "note": "Distances from our own port coordinates (data/ports.csv); ±5–8% (research/logistics.md §3.1).",
            "points": {k: list(v) for k, v in sorted(points.items())},
            "lanes": lanes,
        }
        network.LANES_FILE.write_text(
            json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        self.stdout.write(f"{len(lanes)} lanes written to {network.LANES_FILE}")
        lines = network.compute_basemap()
        network.BASEMAP_FILE.write_text(
            json.dumps(
                {
                    "note": "searoute marnet shipping lanes clipped to the corridor box: "
                    "a schematic of where ships sail, not a coastline.",
                    "lines": lines,
                },
                separators=(",", ":"),
            )
            + "\n",
            encoding="utf-8",
        )
        self.stdout.write(
            f"{len(lines)} basemap lines written to {network.BASEMAP_FILE}"
        )
