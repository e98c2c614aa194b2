"""A URL whose view its area has not built yet (removed when every area has landed)."""

from django.http import Http404


def not_built(request, **kwargs):
    raise Http404
