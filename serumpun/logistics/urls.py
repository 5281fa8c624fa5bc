"""Logistics pages."""

from serumpun.logistics import urls_evidence, urls_landed

app_name = "logistics"
urlpatterns = [
    *urls_landed.urlpatterns,
    *urls_evidence.urlpatterns,
]
