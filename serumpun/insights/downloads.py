"""CSV and XLSX downloads of any chart's table (every table on the insights pages is a chart's).

A page's view builds its charts and, when asked `?download=<chart id>&format=csv|xlsx`, answers
`table_download(chart, format)` instead of the page, so a download holds exactly the figures
the page shows for the same filters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import Http404, HttpResponse
from django.utils.text import slugify

from serumpun.insights.rules.charts import Chart

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_cells(chart: Chart) -> list[list[object]]:
    """The header row and one row per label: label, then each series' value."""
    header: list[object] = ["", *(s.label for s in chart.series)]
    if chart.unit:
        header[0] = str(chart.unit)
    rows: list[list[object]] = [header]
    rows += [[row["label"], *row["values"]] for row in chart.table_rows()]
    return rows


def table_download(chart: Chart, fmt: str) -> HttpResponse:
    """The chart's table as a CSV (UTF-8 with BOM, for spreadsheets) or XLSX file."""
    name = slugify(chart.id) or "table"
    cells = table_cells(chart)
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([str(chart.title)])
        writer.writerows(["" if v is None else v for v in row] for row in cells)
        response = HttpResponse(
            buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 — a new workbook has one sheet
        sheet.title = name[:31]
        sheet.append([str(chart.title)])
        for row in cells:
            sheet.append(
                [v if isinstance(v, int | float) or v is None else str(v) for v in row]
            )
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def find_chart(charts: Sequence[Chart], chart_id: str) -> Chart:
    """The chart with this id among a page's charts, or 404."""
    for chart in charts:
        if chart.id == chart_id:
            return chart
    raise Http404("no such table")
