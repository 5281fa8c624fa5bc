"""Exporters pages: the owner's profile, the officer's registry, imports and the catalogue."""

from serumpun.exporters import urls_catalog, urls_imports, urls_officer, urls_owner

app_name = "exporters"
urlpatterns = [
    *urls_owner.urlpatterns,
    *urls_officer.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_catalog.urlpatterns,
]
