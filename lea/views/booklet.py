"""Stub: the URL names of this area, until it is built (see views/stubs.py)."""

from django.urls import path

from .stubs import not_built

urlpatterns = [
    path("mon-livret/", not_built, name="my_booklet"),
    path("apprentissages/<int:pk>/", not_built, name="booklet"),
    path("apprentissages/<int:pk>/pdf/", not_built, name="booklet_export"),
    path("exports/<int:pk>/", not_built, name="booklet_export_download"),
]
