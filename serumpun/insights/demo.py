"""Demo seeding for insights: the roll-ups and last month's briefing, from the demo records.

Runs last (insights is the last app), so the dashboards, role pages and open data of
`make demo` show the demo MSMEs, leads, shipments and placements straight away, and the
report archive holds last month's briefing in Indonesian and English. Nothing here invents
figures: every cell is summed from the demo records, and the briefings are marked as demo.
"""

from __future__ import annotations

from serumpun.core.demo import SeedContext, register_seeder


def seed_insights(ctx: SeedContext) -> None:
    """Refresh the roll-ups from the seeded records; write last month's briefings (idempotent)."""
    from serumpun.insights.actions import refresh_rollups
    from serumpun.insights.actions_reports import LANGUAGES, generate_briefing
    from serumpun.insights.rules.cube import add_months

    run = refresh_rollups()
    ctx.out(f"  roll-ups: {run.cells} cells in {run.seconds:.1f} s")
    last_month = add_months(run.as_of, -1)
    for language in LANGUAGES:
        generate_briefing(last_month, language, is_demo=True)
    ctx.out(f"  briefing {last_month:%Y-%m}: {', '.join(LANGUAGES)} (HTML and PDF)")


register_seeder("insights.rollups", seed_insights)
