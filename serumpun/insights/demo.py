"""Demo seeding for insights: the roll-ups computed from the demo records just seeded.

Runs last (insights is the last app), so the dashboards, role pages and open data of
`make demo` show the demo MSMEs, leads, shipments and placements straight away. Nothing here
invents figures: every cell is summed from the demo records, which are labelled as demo.
"""

from __future__ import annotations

from serumpun.core.demo import SeedContext, register_seeder


def seed_insights(ctx: SeedContext) -> None:
    """Refresh the roll-up tables from the seeded records (idempotent)."""
    from serumpun.insights.actions import refresh_rollups

    run = refresh_rollups()
    ctx.out(f"  roll-ups: {run.cells} cells in {run.seconds:.1f} s")


register_seeder("insights.rollups", seed_insights)
