"""Labour pages: job orders and their review, candidates, job seekers and their matches."""

from django.urls import path

from serumpun.labour import (
    urls_flow,
    urls_manage,
    urls_pipeline,
    views_joborders,
    views_seekers,
)

app_name = "labour"
urlpatterns = [
    path("job-orders/", views_joborders.job_order_list, name="job_order_list"),
    path("job-orders/new/", views_joborders.job_order_create, name="job_order_create"),
    path("review/", views_joborders.review_queue, name="review_queue"),
    path(
        "job-orders/<int:pk>/",
        views_joborders.job_order_detail,
        name="job_order_detail",
    ),
    path(
        "job-orders/<int:pk>/endorse/",
        views_joborders.job_order_endorse,
        name="job_order_endorse",
    ),
    path(
        "job-orders/<int:pk>/reject/",
        views_joborders.job_order_reject,
        name="job_order_reject",
    ),
    path(
        "job-orders/<int:pk>/return/",
        views_joborders.job_order_return,
        name="job_order_return",
    ),
    path(
        "job-orders/<int:pk>/candidates/",
        views_joborders.job_order_candidates,
        name="job_order_candidates",
    ),
    path("seekers/", views_seekers.seeker_list, name="seeker_list"),
    path("register/", views_seekers.seeker_register, name="seeker_register"),
    path("me/", views_seekers.seeker_me, name="seeker_me"),
    path("matches/", views_seekers.seeker_matches, name="seeker_matches"),
    path("seekers/<int:pk>/", views_seekers.seeker_detail, name="seeker_detail"),
    path(
        "seekers/<int:pk>/unmask/",
        views_seekers.seeker_unmask,
        name="seeker_unmask",
    ),
    *urls_pipeline.urlpatterns,
    *urls_flow.urlpatterns,
    *urls_manage.urlpatterns,
]
