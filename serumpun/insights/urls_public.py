"""The open-data page: public, no sign-in."""

from __future__ import annotations

from serumpun.insights import urls_open

app_name = "open_data"

urlpatterns = [*urls_open.urlpatterns]
