"""Pages of the requirements knowledge base and the label checker."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
