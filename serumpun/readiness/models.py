"""Readiness: models."""
