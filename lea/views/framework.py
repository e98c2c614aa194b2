"""Filled by its area."""

urlpatterns = []
