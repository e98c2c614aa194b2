"""The LEA's to-dos that no workflow declares (see apprentissage/dashboard.py): each provider
runs a constant number of queries."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage.dashboard import TodoItem, todo_provider
from apprentissage.rules import is_an_apprentice, tutors_at_school, tutors_in_a_company

# Company visits ------------------------------------------------------------------------

VISIT_TODOS_LIMIT = 20  # actions listed one by one, at most


@todo_provider
def visit_action_todos(user):
    """The agreed actions of signed visit reports that `user` owns and has not marked done:
    one query, asked only of those who may own one (user facts, no query of their own)."""
    from lea.visits import open_actions_of

    if not getattr(user, "is_authenticated", False) or not (
        is_an_apprentice(user) or tutors_in_a_company(user) or tutors_at_school(user)
    ):
        return []
    actions = open_actions_of(user).order_by("due_on", "pk")[:VISIT_TODOS_LIMIT]
    return [
        TodoItem(
            title=_("Agreed action: %(action)s") % {"action": action.description},
            url=reverse("lea:visit_detail", args=[action.visit_id]) + "#actions",
            detail=_("Visit of %(name)s · due on %(date)s")
            % {"name": action.visit.apprenticeship.apprentice, "date": action.due_on.strftime("%d/%m/%Y")},
        )
        for action in actions
    ]


@todo_provider
def school_tutor_visit_todos(user):
    """A school tutor's reports to write (visits held, not signed: one query) and how many of
    their apprentices have no visit this school year (`apprentices_without_a_visit`: one
    query; the first-visit rule of 1A is on the missing-visits page)."""
    from lea.enums import VisitState
    from lea.models import Visit
    from lea.visits import apprentices_without_a_visit

    if not getattr(user, "is_authenticated", False) or not tutors_at_school(user):  # a user fact
        return []
    items = [
        TodoItem(
            title=_("Write and sign the report of the visit of %(name)s")
            % {"name": visit.apprenticeship.apprentice},
            url=reverse("lea:visit_report", args=[visit.pk]),
        )
        for visit in Visit.objects.filter(
            apprenticeship__school_tutor=user, state=VisitState.PLANNED, starts_at__lte=timezone.now()
        )
        .select_related("apprenticeship__apprentice")
        .order_by("starts_at", "pk")[:VISIT_TODOS_LIMIT]
    ]
    if count := apprentices_without_a_visit(user):
        items.append(
            TodoItem(
                title=ngettext(
                    "%(count)d apprentice without a visit this year",
                    "%(count)d apprentices without a visit this year",
                    count,
                )
                % {"count": count},
                url=reverse("lea:missing_visits"),
                count=count,
            )
        )
    return items
