"""Registry import pages (officers): upload, mapping and preview, commit, template."""

from django.urls import path

from serumpun.exporters import views_imports

urlpatterns = [
    path("registry/imports/", views_imports.import_start, name="import_start"),
    path(
        "registry/imports/template/",
        views_imports.import_template,
        name="import_template",
    ),
    path(
        "registry/imports/<uuid:pk>/",
        views_imports.import_detail,
        name="import_detail",
    ),
    path(
        "registry/imports/<uuid:pk>/mapping/",
        views_imports.import_map,
        name="import_map",
    ),
    path(
        "registry/imports/<uuid:pk>/commit/",
        views_imports.import_commit,
        name="import_commit",
    ),
]
