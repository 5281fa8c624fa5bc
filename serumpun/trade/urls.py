"""Trade pages: buyers, requests, matches and pools, introductions and deals, events."""

from __future__ import annotations

from serumpun.trade import (
    urls_buyers,
    urls_deals,
    urls_events,
    urls_matching,
    urls_requests,
)

app_name = "trade"
urlpatterns = [
    *urls_buyers.urlpatterns,
    *urls_requests.urlpatterns,
    *urls_matching.urlpatterns,
    *urls_deals.urlpatterns,
    *urls_events.urlpatterns,
]
