"""Labour management pages (included by labour/urls.py): employer and agency verification,
an organisation's own profile, job-order documents, seekers' document status, training."""

from django.urls import path

from serumpun.labour import views_manage

urlpatterns = [
    path("profiles/", views_manage.profiles, name="profiles"),
    path(
        "profiles/<str:kind>/<int:pk>/",
        views_manage.profile_detail,
        name="profile_detail",
    ),
    path(
        "profiles/<str:kind>/<int:pk>/decide/",
        views_manage.profile_decide,
        name="profile_decide",
    ),
    path("organisation/", views_manage.my_profile, name="my_profile"),
    path(
        "job-orders/<int:pk>/documents/new/",
        views_manage.job_order_document_add,
        name="job_order_document_add",
    ),
    path(
        "documents/<int:pk>/",
        views_manage.job_order_document,
        name="job_order_document",
    ),
    path(
        "seekers/<int:pk>/documents/<slug:kind>/",
        views_manage.seeker_document_status,
        name="seeker_document_status",
    ),
    path("training/", views_manage.training_list, name="training_list"),
    path("training/new/", views_manage.training_new, name="training_new"),
    path("training/<int:pk>/edit/", views_manage.training_edit, name="training_edit"),
    path(
        "training/<int:pk>/active/",
        views_manage.training_active,
        name="training_active",
    ),
]
