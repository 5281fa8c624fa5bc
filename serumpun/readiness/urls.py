"""Readiness pages."""

from django.urls import path

from serumpun.readiness import urls_requirements, views

app_name = "readiness"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/<int:pk>/", views.product, name="product"),
    path("products/<int:pk>/answers/", views.answer_questions, name="answers"),
    path("answers/<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("answers/<int:pk>/confirm/", views.confirm_answer, name="confirm_answer"),
    path("steps/<int:pk>/", views.update_step, name="update_step"),
    path("assessments/<int:pk>/report/", views.report, name="report"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("overview/", views.overview, name="overview"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    *urls_requirements.urlpatterns,
]
