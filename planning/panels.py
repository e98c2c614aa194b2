"""Planning's panel on an apprenticeship's page (apprentissage.panels): the next return to
school, and the links to the apprentice's calendar and TAPE follow-up."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apprentissage.panels import apprenticeship_panel

from .selectors import next_return_to_school


@apprenticeship_panel(order=20, title=_("Calendar"), template="planning/includes/apprenticeship_panel.html")
def calendar_panel(request, apprenticeship) -> dict | None:
    """Whoever sees the apprenticeship sees when the apprentice is next at school; the links
    go to the pages the user may open (school tutors and option leads too). Queries: school
    years (1) and their weeks (1), the enrolments being prefetched by the page."""
    may_open = request.user.has_perm("planning.view_apprentice_calendar", apprenticeship)
    return {
        "next_return": next_return_to_school(apprenticeship, timezone.localdate()),
        "calendar_url": reverse("planning:apprentice_calendar", args=[apprenticeship.pk]) if may_open else "",
        "tape_url": reverse("planning:tape_followup", args=[apprenticeship.pk]) if may_open else "",
    }
