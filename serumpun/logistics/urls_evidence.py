"""Logistics pages: lane-demand evidence for the province."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
