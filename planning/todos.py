"""Planning's items on the home page's to-do list (constant queries)."""

import rules
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from apprentissage.dashboard import TodoItem, todo_provider
from apprentissage.models import SchoolYear

from . import tape
from .rules import has_an_apprenticeship


@todo_provider
def scolarite_tape_todos(user):
    """Apprentices showing a missed-session pattern (one query)."""
    # rules' permission only: `user.has_perm` would ask Django's model permissions too (2 queries)
    if not user.is_authenticated or not rules.has_perm("planning.manage_calendars", user):
        return []
    count = tape.apprenticeships_with_missed_pattern(timezone.localdate()).count()
    if not count:
        return []
    return [
        TodoItem(
            title=ngettext(
                "%(count)d apprentice missed %(threshold)d TAPE sessions in the last 4 weeks",
                "%(count)d apprentices missed %(threshold)d TAPE sessions in the last 4 weeks",
                count,
            )
            % {"count": count, "threshold": tape.MISSED_THRESHOLD},
            url=reverse("planning:tape_missed"),
            count=count,
        )
    ]


@todo_provider
def apprentice_tape_todos(user):
    """Past sessions the apprentice has not marked yet (at most six queries: the apprenticeship,
    the school year, then `sessions_for`'s four)."""
    if not has_an_apprenticeship(user):  # a user fact: no query of its own
        return []
    apprenticeship = tape.current_apprenticeship(user)
    if apprenticeship is None:
        return []
    school_year = SchoolYear.objects.current(timezone.localdate())
    now = timezone.now()
    count = sum(
        1
        for session in tape.sessions_for(apprenticeship, school_year)
        if session.answer is None and tape.has_started(session, now)
    )
    if not count:
        return []
    return [
        TodoItem(
            title=ngettext("%(count)d TAPE session to mark", "%(count)d TAPE sessions to mark", count)
            % {"count": count},
            url=reverse("planning:my_tape"),
            count=count,
        )
    ]
