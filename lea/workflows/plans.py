"""Filled by its area."""
