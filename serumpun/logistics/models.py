"""Logistics: models."""
