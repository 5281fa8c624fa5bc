"""Top-level URL map: pages, the admin, the API and health probes."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from serumpun.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("serumpun.accounts.urls")),
    path("exporters/", include("serumpun.exporters.urls")),
    path("labour/", include("serumpun.labour.urls")),
    path("readiness/", include("serumpun.readiness.urls")),
    path("logistics/", include("serumpun.logistics.urls")),
    path("trade/", include("serumpun.trade.urls")),
    path("insights/", include("serumpun.insights.urls")),
    path("open-data/", include("serumpun.insights.urls_public")),
    path("", include("serumpun.core.urls")),
]

handler403 = "serumpun.core.views.permission_denied"
handler404 = "serumpun.core.views.page_not_found"
handler500 = "serumpun.core.views.server_error"
