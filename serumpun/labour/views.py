"""Labour pages: shared helpers. The pages themselves are in `views_joborders` (job orders,
review, candidates) and `views_seekers` (registration, profiles, matches)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

PAGE_SIZE = 25
#: rule confidences a reader should treat as "to be confirmed"
UNCONFIRMED = frozenset({"low", "medium"})


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants only a fragment (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_list(
    request: HttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only its `results` partial for htmx."""
    target = f"{template}#results" if is_partial(request) else template
    response = render(request, target, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def page_of(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    """One page of `queryset` (the page number from ?page=)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without(params: QueryDict, *names: str) -> str:
    """The query string minus `names` and empty values (for pagination links)."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [value for value in values if value]
        if key not in names and kept:
            query.setlist(key, kept)
    return query.urlencode()


def _iso_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _line(finding: Mapping[str, Any], language: str) -> dict[str, Any]:
    messages = finding.get("messages") or {}
    titles = finding.get("titles") or {}
    source = dict(finding.get("source") or {})
    source["published"] = _iso_date(source.get("published"))
    confidence = str(finding.get("confidence") or "")
    return {
        "rule_id": finding.get("rule_id", ""),
        "title": titles.get(language) or finding.get("title", ""),
        "message": messages.get(language) or finding.get("message", ""),
        "source": source,
        "confidence": confidence,
        "to_be_confirmed": confidence in UNCONFIRMED,
    }


def verdict_for_display(verdict: Mapping[str, Any]) -> dict[str, Any] | None:
    """A stored compliance verdict with each line in the reader's language (None: unchecked)."""
    if not verdict or not verdict.get("status"):
        return None
    language = (get_language() or "en")[:2]
    return {
        "status": verdict["status"],
        "as_of": _iso_date(verdict.get("as_of")),
        "rules_version": verdict.get("rules_version", ""),
        "violations": [_line(f, language) for f in verdict.get("violations", [])],
        "warnings": [_line(f, language) for f in verdict.get("warnings", [])],
        "checked": list(verdict.get("checked", [])),
    }
