"""The one way views check permissions.

Pages for a role you do not hold answer 403; objects you may not see answer 404,
so a URL never reveals that someone else's record exists.
"""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def get_object_for_user_or_404(user, perm: str, queryset: QuerySet[M], **lookup) -> M:
    obj = get_object_or_404(queryset, **lookup)
    if not user.has_perm(perm, obj):
        raise Http404
    return obj
