"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("projets/<int:pk>/", not_built, name="project_detail"),
    path("projets/<int:pk>/apprenti/", not_built, name="project_edit"),
    path("projets/<int:pk>/tuteur/", not_built, name="project_tutor_edit"),
    path("projets/<int:pk>/action/<str:transition>/", not_built, name="project_transition"),
    path("projets/<int:pk>/pdf/", not_built, name="project_pdf"),
]
