"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("referentiel/", not_built, name="framework"),
    path("echeances/", not_built, name="deadlines"),
]
