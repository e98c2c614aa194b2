"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("missions/a-valider/", not_built, name="plans_to_review"),
    path("missions/<int:pk>/", not_built, name="plan_detail"),
    path("missions/<int:pk>/modifier/", not_built, name="plan_edit"),
    path("missions/<int:pk>/action/<str:transition>/", not_built, name="plan_transition"),
]
