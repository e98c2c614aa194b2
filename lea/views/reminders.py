"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("relancer/<str:kind>/<int:pk>/", not_built, name="send_reminder"),
]
