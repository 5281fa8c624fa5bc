"""Writing the monthly briefing and keeping it in the report archive.

`generate_briefing(month, language)` is the one way a briefing is made — by the daily task,
the archive's "Generate now" button, and the demo seeder alike::

    from serumpun.insights.actions_reports import generate_briefing
    generate_briefing(date(2026, 11, 1), "en")  # reads the roll-ups as they stand

It reads the roll-ups only (refresh them first for current figures), so it costs the same
handful of queries at any scale; the PDF takes a second or two.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import PERMISSIONS, require_permission
from serumpun.core import audit
from serumpun.insights import queries, reports
from serumpun.insights.models import Briefing, RefreshStatus, RollupRefresh
from serumpun.insights.rules.briefing import build_figures, trend_start
from serumpun.insights.rules.cube import add_months

#: the briefing's languages: Indonesian for the province, English for the embassy's reports
LANGUAGES = ("id", "en")
PERMISSION = "oversight.view"
#: roles told when the scheduled task files a new month
READERS = frozenset(role for role, perms in PERMISSIONS.items() if PERMISSION in perms)


def file_name(month: date, language: str) -> str:
    """The PDF's name, the same at every regeneration (downloads are named by it)."""
    return f"serumpun-briefing-{month:%Y-%m}-{language}.pdf"


def check_month(month: date, *, today: date | None = None) -> date:
    """The month's first day; a month that has not begun yet is refused."""
    first = month.replace(day=1)
    if first > (today or timezone.localdate()):
        raise ValidationError(
            _("There is no briefing for a month that has not begun."), code="future"
        )
    return first


def briefing_figures(month: date) -> dict[str, Any]:
    """The figures of `month`'s briefing, read from the roll-ups (eleven queries at most).

    Snapshots are taken by the daily refresh; a month without one (the roll-ups were not
    refreshed during it) reads the next month's, which the briefing labels with its month.
    """
    from serumpun.logistics.queries_demand import teu_box

    refreshed = (
        RollupRefresh.objects.filter(status=RefreshStatus.DONE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    now = queries.load_cube(month, month)
    after = add_months(month, 1)
    stocks = None if now.snapshot_month else queries.load_cube(after, after)
    return build_figures(
        month=month,
        now=now,
        stocks=stocks,
        before=queries.load_cube(add_months(month, -1), add_months(month, -1)),
        trend=queries.load_cube(trend_start(month), month),
        box=teu_box(),
        refreshed_at=refreshed.isoformat() if refreshed else None,
        generated_at=timezone.now().isoformat(),
    )


def _title(month: date) -> str:
    from django.utils.formats import date_format

    return str(_("Monthly briefing")) + " · " + str(date_format(month, "F Y"))


def generate_briefing(
    month: date, language: str, *, by: Any = None, is_demo: bool = False
) -> Briefing:
    """Write (or rewrite) the briefing of `month` in `language`: figures, HTML and PDF.

    One row per month and language: a second call replaces the HTML, PDF and figures. All
    is rendered before anything is written, and written in one transaction; the old PDF is
    removed only once the new row is committed, so a failure leaves the previous version
    whole. `by` (a user, or None for the scheduled task) needs `oversight.view`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no briefing language {language!r}")
    person = by if getattr(by, "pk", None) else None
    if person is not None:
        require_permission(person, PERMISSION)
    month = check_month(month)
    figures = briefing_figures(month)
    with translation.override(language):
        html = reports.render_html(figures, language)
        pdf = reports.render_pdf(html, language=language, title=_title(month))
    written = ""
    try:
        with transaction.atomic():
            briefing = (
                Briefing.objects.select_for_update()
                .filter(month=month, language=language)
                .first()
            ) or Briefing(month=month, language=language)
            old_pdf = briefing.pdf.name if briefing.pdf else ""
            briefing.html = html
            briefing.figures = figures
            briefing.generated_at = timezone.now()
            briefing.generated_by = person
            briefing.is_demo = is_demo
            briefing.pdf.save(file_name(month, language), ContentFile(pdf), save=False)
            written = briefing.pdf.name
            briefing.save()
            if person is not None:
                audit.record(
                    actor=person, action="insights.generate_briefing", obj=briefing
                )
            if old_pdf and old_pdf != written:
                storage = briefing.pdf.storage
                transaction.on_commit(lambda: storage.delete(old_pdf))
    except Exception:
        if written:
            Briefing._meta.get_field("pdf").storage.delete(written)  # type: ignore[attr-defined]
        raise
    return briefing


def _tell_readers(briefings: list[Briefing]) -> None:
    from serumpun.accounts.models import User
    from serumpun.core.notifications import Message, notify_each

    month = briefings[0].month
    readers = User.objects.filter(
        memberships__role__in=READERS, is_active=True
    ).distinct()
    notify_each(
        [
            Message(
                readers,
                subject=_("The monthly briefing is ready"),
                url=reverse("insights:briefings") + f"#month-{month:%Y-%m}",
                kind="insights.briefing",
            )
        ]
    )


def generate_monthly_briefings(*, as_of: date | None = None) -> list[Briefing]:
    """Daily: once last month's briefings are missing, refresh the roll-ups and write them.

    Idempotent: when both languages are in the archive it does nothing (not even a
    refresh), so running it every day writes each month once.
    """
    from serumpun.insights.actions import refresh_rollups

    day = as_of or timezone.localdate()
    month = add_months(day, -1)
    have = set(Briefing.objects.filter(month=month).values_list("language", flat=True))
    missing = [language for language in LANGUAGES if language not in have]
    if not missing:
        return []
    refresh_rollups(as_of=day)
    made = [generate_briefing(month, language) for language in missing]
    _tell_readers(made)
    return made
