"""Filled by its area (see lea/README)."""
