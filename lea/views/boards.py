"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("suivi/tuteur/", not_built, name="school_tutor_board"),
    path("suivi/option/", not_built, name="option_board"),
    path("suivi/scolarite/", not_built, name="completion"),
    path("suivi/scolarite/export.xlsx", not_built, name="completion_xlsx"),
    path("suivi/retards/", not_built, name="late_items"),
    path("apprentissages/<int:pk>/preuves.xlsx", not_built, name="evidence_export"),
]
