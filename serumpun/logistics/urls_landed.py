"""Logistics pages: landed cost calculator."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
