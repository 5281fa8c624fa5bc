from __future__ import annotations

from django.contrib import admin

from serumpun.insights.models import Briefing, RollupRefresh


@admin.register(RollupRefresh)
class RollupRefreshAdmin(admin.ModelAdmin[RollupRefresh]):
    list_display = ("started_at", "as_of", "status", "cells", "seconds")
    readonly_fields = (
        "started_at",
        "finished_at",
        "as_of",
        "status",
        "cells",
        "seconds",
    )


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin[Briefing]):
    list_display = ("month", "language", "generated_at")
    readonly_fields = ("generated_at",)
    exclude = ("html",)
