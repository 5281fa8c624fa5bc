"""The MSME owner's pages and the private files (included by exporters/urls.py)."""

from django.urls import path

from serumpun.exporters import views_files, views_owner

urlpatterns = [
    path("my/", views_owner.my_msme, name="my_msme"),
    path("msmes/new/", views_owner.msme_create, name="msme_create"),
    path("msmes/<int:pk>/", views_owner.msme_detail, name="msme_detail"),
    path("msmes/<int:pk>/edit/", views_owner.msme_edit, name="msme_edit"),
    path("msmes/<int:pk>/submit/", views_owner.msme_submit, name="msme_submit"),
    path("exports/<int:pk>/delete/", views_owner.export_delete, name="export_delete"),
    path(
        "msmes/<int:pk>/products/new/",
        views_owner.product_create,
        name="product_create",
    ),
    path(
        "msmes/<int:pk>/certificates/new/",
        views_owner.certificate_create,
        name="certificate_create",
    ),
    path("products/<int:pk>/", views_owner.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views_owner.product_edit, name="product_edit"),
    path(
        "products/<int:pk>/photos/",
        views_owner.product_photo_add,
        name="product_photo_add",
    ),
    path(
        "products/<int:pk>/active/", views_owner.product_active, name="product_active"
    ),
    path("hs-suggest/", views_owner.hs_suggest, name="hs_suggest"),
    path("photos/<uuid:pk>/<str:kind>/", views_files.photo, name="photo"),
    path(
        "certificates/<int:pk>/document/",
        views_files.certificate_document,
        name="certificate_document",
    ),
]
