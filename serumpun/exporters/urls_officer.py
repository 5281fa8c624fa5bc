"""Officer and attaché pages: the registry, its export, the verification queue and decisions."""

from django.urls import path

from serumpun.exporters import views_officer

urlpatterns = [
    path("registry/", views_officer.registry, name="registry"),
    path("registry/export/", views_officer.registry_export, name="registry_export"),
    path(
        "registry/verification/",
        views_officer.verification_queue,
        name="verification_queue",
    ),
    path("msmes/<int:pk>/verify/", views_officer.verify_msme, name="verify_msme"),
    path(
        "certificates/<int:pk>/verify/",
        views_officer.verify_certificate,
        name="verify_certificate",
    ),
]
