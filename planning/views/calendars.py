"""Calendars as the people concerned see them: an apprentice's own, a tutor's view of one
apprentice, and a company's week-by-week table of all its apprentices."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apprentissage.models import Apprenticeship
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.selectors import PERSON, followed_apprenticeships

from .. import selectors
from ..weeks import monday_before

COMPANY_WEEKS_SHOWN = 12


def _calendar_context(apprenticeship: Apprenticeship) -> dict:
    """What an apprentice's calendar shows, from `selectors.calendars_for` (the same sessions
    as Mes séances TAPE and the feed). Queries (constant): the school years from today to the
    next return to school (1), then the apprentice's enrolments, weeks, TAPE sessions and
    answers (4)."""
    today = timezone.localdate()
    school_years = selectors.school_years_between(today, today + selectors.NEXT_RETURN_HORIZON)
    started = [y for y in school_years if y.start_date <= today]
    school_year = max(started, key=lambda y: y.start_year) if started else None
    calendar = selectors.calendar_of(apprenticeship, school_years, with_answers=True)
    study_year = calendar.study_year_in(school_year)
    weeks = calendar.weeks(school_year) if study_year is not None else []
    sessions = calendar.sessions(school_year) if study_year is not None else []
    this_monday = monday_before(today)
    now = timezone.now()
    return {
        "apprenticeship": apprenticeship,
        "school_year": school_year,
        "study_year": study_year,
        "weeks": weeks,
        "this_monday": this_monday,
        "next_return": calendar.next_return_to_school(today),
        "at_school_now": any(w.monday == this_monday and w.is_at_school for w in weeks),
        "sessions": [(s, getattr(calendar.answer(s), "followed", None)) for s in sessions],
        "upcoming_sessions": [s for s in sessions if s.ends_at >= now][:4],
    }


@login_required
@permission_required("planning.view_my_calendar", raise_exception=True)
def my_calendar(request):
    """The logged-in apprentice's calendar (their current apprenticeship)."""
    apprenticeship = (
        Apprenticeship.objects.with_people().current().filter(apprentice=request.user).order_by("-pk").first()
    )
    if apprenticeship is None:  # a superuser holds every permission; a former apprentice has none
        raise PermissionDenied
    return render(request, "planning/my_calendar.html", _calendar_context(apprenticeship))


@login_required
def apprentice_calendar(request, pk: int):
    """One apprentice's calendar, for those who follow them and for scolarité."""
    apprenticeship = get_object_for_user_or_404(
        request.user, "planning.view_apprentice_calendar", Apprenticeship.objects.with_people(), pk=pk
    )
    return render(request, "planning/calendar_apprentice.html", _calendar_context(apprenticeship))


@login_required
@permission_required("planning.view_company_calendar", raise_exception=True)
def company_calendar(request):
    """Company tutors and contacts: week by week, which of their apprentices is at school, in
    the company, or in a TAPE session. Queries (constant): the permission, apprentices (1), school
    years (1), every calendar week of every (school year, study year, option) group (1), TAPE
    sessions (1). The superuser, who holds every permission, follows nobody: an empty table."""
    whole_year = request.GET.get("annee") == "1"
    # Of each apprenticeship, what the calendars (option, enrolments) and the header (name) need.
    apprenticeships = list(
        followed_apprenticeships(request.user)
        .select_related(None)
        .select_related("apprentice")
        .only("option", *(f"apprentice__{field}" for field in PERSON))
        .order_by("apprentice__last_name", "apprentice__first_name", "pk")
    )
    school_years = selectors.current_and_next_school_years()
    mondays = selectors.weeks_from(
        timezone.localdate(), None if whole_year else COMPANY_WEEKS_SHOWN, school_years
    )
    rows = selectors.company_rows(apprenticeships, mondays, school_years)
    _render_cells(rows)
    return render(
        request,
        "planning/company_calendar.html",
        {
            "apprenticeships": apprenticeships,
            "rows": rows,
            "whole_year": whole_year,
            "weeks_shown": COMPANY_WEEKS_SHOWN,
            "this_monday": monday_before(timezone.localdate()),
            "school_year": school_years[0] if school_years else None,
        },
    )


def _render_cells(rows: list[dict]) -> None:
    """Each row's cells as one HTML string (`row["cells_html"]`). A school's whole year is
    ~50 weeks × its apprentices: rendering every cell through the template engine was most of
    the page's time. Apprentices sharing a calendar share their cells' objects, so each distinct
    cell (week and sessions) is rendered once, and each session's label once."""
    not_planned = format_html('<span class="text-secondary">{}</span>', _("Not planned"))
    session_labels: dict[int, str] = {}
    labels: dict[tuple, str] = {}  # most sessions share a weekday and hours: formatted once
    cells: dict[tuple[int, int], str] = {}

    def session_label(session) -> str:
        if session.pk not in session_labels:
            start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
            key = (start.weekday(), start.time(), end.time())
            if key not in labels:
                labels[key] = format_html(
                    '<br><span class="badge text-bg-light border">{}</span>',
                    _("TAPE (%(day)s %(start)s–%(end)s)")
                    % {
                        "day": date_format(start, "l"),
                        "start": time_format(start, "G\\hi"),
                        "end": time_format(end, "G\\hi"),
                    },
                )
            session_labels[session.pk] = labels[key]
        return session_labels[session.pk]

    for row in rows:
        html = []
        for cell in row["cells"]:
            week, sessions = cell["week"], cell["sessions"]
            key = (id(week), id(sessions))
            if key not in cells:
                kind = week.kind if week else None
                cells[key] = format_html(
                    '<td class="week-{}">{}{}</td>',
                    kind or "none",
                    week.label if kind else not_planned,
                    mark_safe("".join(session_label(s) for s in sessions)),  # labels escaped
                )
            html.append(cells[key])
        row["cells_html"] = mark_safe("".join(html))  # each cell built by format_html


urlpatterns = [
    path("mon-calendrier/", my_calendar, name="my_calendar"),
    path("apprentissages/<int:pk>/calendrier/", apprentice_calendar, name="apprentice_calendar"),
    path("entreprise/", company_calendar, name="company_calendar"),
]
