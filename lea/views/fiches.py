"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("fiches/<int:pk>/", not_built, name="fiche_detail"),
    path("fiches/<int:pk>/apprenti/", not_built, name="fiche_edit"),
    path("fiches/<int:pk>/tuteur/", not_built, name="fiche_tutor_edit"),
    path("fiches/<int:pk>/action/<str:transition>/", not_built, name="fiche_transition"),
    path("fiches/<int:pk>/pdf/", not_built, name="fiche_pdf"),
]
