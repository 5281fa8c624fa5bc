"""The buyer catalogue's pages (included by exporters/urls.py)."""

from django.urls import path

from serumpun.exporters import views_catalog

urlpatterns = [
    path("catalog/", views_catalog.catalog, name="catalog"),
    path(
        "catalog/products/<int:pk>/",
        views_catalog.catalog_product,
        name="catalog_product",
    ),
    path(
        "catalog/products/<int:pk>/introduction/",
        views_catalog.catalog_introduction,
        name="catalog_introduction",
    ),
    path(
        "catalog/suppliers/<int:pk>/",
        views_catalog.catalog_supplier,
        name="catalog_supplier",
    ),
]
