"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("apprentissages/<int:pk>/visites/planifier/", not_built, name="visit_plan"),
    path("visites/<int:pk>/", not_built, name="visit_detail"),
    path("visites/<int:pk>/modifier/", not_built, name="visit_edit"),
    path("visites/<int:pk>/compte-rendu/", not_built, name="visit_report"),
    path("visites/<int:pk>/action/<str:transition>/", not_built, name="visit_transition"),
    path("visites/<int:pk>/commenter/", not_built, name="visit_comment"),
    path("visites/<int:pk>/invitation.ics", not_built, name="visit_ics"),
    path("visites/<int:pk>/pdf/", not_built, name="visit_pdf"),
    path("actions/<int:pk>/fait/", not_built, name="action_done"),
]
