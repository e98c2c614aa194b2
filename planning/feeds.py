"""Calendars of several apprentices at once, and their iCalendar (RFC 5545) feeds.

The selectors answer for one apprentice; a tutor, a company or a feed needs the weeks of
many. `timelines()` groups the apprentices by (school year, study year, option), reads every
calendar week they need in ONE query and computes each group's effective weeks once, so a
page or a feed runs the same number of queries for 1 apprentice as for 100.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDDDTypes, vText

from apprentissage.models import Apprenticeship, SchoolYear
from apprentissage.selectors import followed_apprenticeships

from .models import CalendarFeed, CalendarWeek, TapeSession
from .selectors import Week, runs_at_school
from .weeks import friday_of, monday_before, school_year_mondays

UID_DOMAIN = "alternance.imt-mines-albi.fr"
PRODID = "-//IMT Mines Albi//Portail de l'alternance//FR"


@dataclass
class Timeline:
    """One apprentice's weeks across school years (Monday → Week) and TAPE sessions."""

    apprenticeship: Apprenticeship
    weeks: dict[datetime.date, Week] = field(default_factory=dict)
    sessions: list[TapeSession] = field(default_factory=list)

    def ordered_weeks(self) -> list[Week]:
        return [self.weeks[monday] for monday in sorted(self.weeks)]

    def school_periods(self) -> list[tuple[datetime.date, datetime.date]]:
        """Each run of consecutive weeks at school, as (first Monday, last Friday)."""
        return runs_at_school(self.ordered_weeks())

    def sessions_in_week(self, monday: datetime.date) -> list[TapeSession]:
        sunday = monday + datetime.timedelta(days=7)
        return [s for s in self.sessions if monday <= timezone.localdate(s.starts_at) < sunday]


def current_and_next_school_years(today: datetime.date | None = None) -> list[SchoolYear]:
    """The school year under way on `today` (the latest started) and the next one, if they
    exist, in one query."""
    today = today or timezone.localdate()
    years = list(SchoolYear.objects.filter(start_year__in=[today.year - 1, today.year, today.year + 1]))
    started = [y for y in years if y.start_date <= today]
    if not started:
        return sorted(years, key=lambda y: y.start_year)[:1]
    current = max(started, key=lambda y: y.start_year)
    return [
        y
        for y in sorted(years, key=lambda y: y.start_year)
        if y.start_year in (current.start_year, current.start_year + 1)
    ]


def timelines(apprenticeships: Iterable[Apprenticeship], school_years: list[SchoolYear]) -> list[Timeline]:
    """Each apprentice's weeks over `school_years` (their study year each year, their option's
    overrides), and their TAPE sessions: two queries whatever the number of apprentices.

    School years overlap by a week or two in September (week 38-39): there, the later school
    year's week wins if it is planned for the apprentice, else the earlier one's."""
    apprenticeships = list(apprenticeships)
    result = [Timeline(a) for a in apprenticeships]
    # (school year id, study year, option id) of every apprentice, every year
    groups: dict[tuple[int, int, int | None], list[Timeline]] = defaultdict(list)
    for timeline in result:
        for school_year in school_years:
            study_year = timeline.apprenticeship.cohort.study_year_in(school_year)
            if study_year is not None:
                groups[(school_year.pk, int(study_year), timeline.apprenticeship.option_id)].append(timeline)
    if not groups:
        return result

    wanted = Q()
    for school_year_id, study_year, option_id in groups:
        wanted |= Q(school_year_id=school_year_id, study_year=study_year) & (
            Q(option=None) | Q(option_id=option_id) if option_id else Q(option=None)
        )
    common: dict[tuple[int, int], dict[datetime.date, str]] = defaultdict(dict)
    overrides: dict[tuple[int, int, int], dict[datetime.date, str]] = defaultdict(dict)
    for school_year_id, study_year, option_id, monday, kind in (
        CalendarWeek.objects.filter(wanted)
        .order_by()
        .values_list("school_year_id", "study_year", "option_id", "monday", "kind")
    ):
        if option_id is None:
            common[(school_year_id, study_year)][monday] = kind
        else:
            overrides[(school_year_id, study_year, option_id)][monday] = kind

    sessions: dict[tuple[int, int], list[TapeSession]] = defaultdict(list)
    session_filter = Q()
    for school_year_id, study_year, _option_id in groups:
        session_filter |= Q(school_year_id=school_year_id, study_year=study_year)
    for session in TapeSession.objects.filter(session_filter).order_by("starts_at"):
        sessions[(session.school_year_id, session.study_year)].append(session)

    by_id = {y.pk: y for y in school_years}
    # Earlier school years first, so that a later year's planned week overwrites them.
    for key in sorted(groups, key=lambda k: by_id[k[0]].start_year):
        school_year_id, study_year, option_id = key
        base = common.get((school_year_id, study_year), {})
        own = overrides.get((school_year_id, study_year, option_id), {}) if option_id else {}
        weeks = [
            Week(monday, own.get(monday, base.get(monday)), monday in own)
            for monday in school_year_mondays(by_id[school_year_id].start_year)
        ]
        for timeline in groups[key]:
            for week in weeks:
                if week.kind is not None or week.monday not in timeline.weeks:
                    timeline.weeks[week.monday] = week
            timeline.sessions += sessions.get((school_year_id, study_year), [])
    for timeline in result:
        timeline.sessions.sort(key=lambda s: s.starts_at)
    return result


def feed_apprenticeships(user) -> QuerySet[Apprenticeship]:
    """Whose calendars go into `user`'s feed: their own apprenticeship and those they follow."""
    return (
        Apprenticeship.objects.with_people()
        .current()
        .filter(Q(apprentice=user) | Q(pk__in=followed_apprenticeships(user).values("pk")))
        .order_by("apprentice__last_name", "apprentice__first_name", "pk")
    )


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).order_by("-created_at").first()


def _uid(*parts) -> str:
    return "-".join(str(p) for p in parts) + f"@{UID_DOMAIN}"


def serialize(calendar: Calendar) -> bytes:
    """`calendar.to_ical(sorted=False)`, byte for byte, in a third of the time: icalendar folds
    every line character by character, though ours are nearly all shorter than the 75 octets
    where folding starts; and the values shared by many events (DTSTAMP, the dates of a study
    year's sessions) are turned into a line once."""
    lines: list[bytes] = []
    shared: dict[tuple, bytes] = {}
    # Text without parameters (BEGIN:VEVENT, SUMMARY…) is known by its value; other values by
    # identity: property_items() returns a list holding them all, so ids stay unique meanwhile.
    for name, value in calendar.property_items(sorted=False):
        if isinstance(value, str | bytes) and not getattr(value, "params", None):
            key = (name, type(value), value)
        else:
            key = (name, id(value))
        line = shared.get(key)
        if line is None:
            content = calendar.content_line(name, value, sorted=False)
            line = content.encode("utf-8")
            if len(line) >= 75:
                line = content.to_ical()
            shared[key] = line
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n"


def build_calendar(user, *, today: datetime.date | None = None) -> bytes:
    """`user`'s feed: school periods as all-day events (Monday to Friday, DTEND exclusive on the
    Saturday), TAPE sessions as timed events (UTC). UIDs are built from ids and dates, so a
    calendar program replaces events on refresh instead of duplicating them. Five queries.

    Apprentices of the same study year share dates and sessions: each property value is encoded
    once and reused (`encoded`), which halves the time of a tutor's feed."""
    school_years = current_and_next_school_years(today)
    apprenticeships = list(feed_apprenticeships(user))
    cache: dict[tuple[str, object], object] = {}

    def encoded(kind, value):
        key = (kind.__name__, value)
        if key not in cache:
            cache[key] = kind(value)
        return cache[key]

    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Apprenticeship — %(name)s") % {"name": user})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        stamp = vDDDTypes(timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
        transparent = vText("TRANSPARENT")
        school = _("School — IMT Mines Albi")
        tape = _("TAPE session (remote learning)")
        for timeline in timelines(apprenticeships, school_years):
            apprenticeship = timeline.apprenticeship
            prefix = "" if apprenticeship.apprentice_id == user.pk else f"{apprenticeship.apprentice}: "
            for first_monday, last_friday in timeline.school_periods():
                event = Event()
                event.add(
                    "uid", vText(_uid("school", apprenticeship.pk, first_monday.isoformat())), encode=False
                )
                event.add("dtstamp", stamp, encode=False)
                event.add("summary", encoded(vText, prefix + school), encode=False)
                event.add("dtstart", encoded(vDDDTypes, first_monday), encode=False)
                event.add("dtend", encoded(vDDDTypes, last_friday + datetime.timedelta(days=1)), encode=False)
                event.add("transp", transparent, encode=False)
                calendar.add_component(event)
            for session in timeline.sessions:
                summary = prefix + tape + (f" — {session.title}" if session.title else "")
                event = Event()
                event.add("uid", vText(_uid("tape", session.pk, apprenticeship.pk)), encode=False)
                event.add("dtstamp", stamp, encode=False)
                event.add("summary", encoded(vText, summary), encode=False)
                event.add(
                    "dtstart", encoded(vDDDTypes, session.starts_at.astimezone(datetime.UTC)), encode=False
                )
                event.add("dtend", encoded(vDDDTypes, session.ends_at.astimezone(datetime.UTC)), encode=False)
                calendar.add_component(event)
    return serialize(calendar)


def weeks_from(
    today: datetime.date, count: int | None, school_years: list[SchoolYear]
) -> list[datetime.date]:
    """`count` Mondays from this week on, or (None) every Monday of the current school year."""
    if count is None and school_years:
        return school_year_mondays(school_years[0].start_year)
    monday = monday_before(today)
    return [monday + datetime.timedelta(weeks=i) for i in range(count or 12)]


def company_rows(
    apprenticeships: list[Apprenticeship], mondays: list[datetime.date], school_years: list[SchoolYear]
) -> tuple[list[Timeline], list[dict]]:
    """The company table: one row per week, one cell per apprentice (week, TAPE sessions)."""
    lines = timelines(apprenticeships, school_years)
    rows = []
    for monday in mondays:
        cells = []
        for timeline in lines:
            week = timeline.weeks.get(monday)
            cells.append({"week": week, "sessions": timeline.sessions_in_week(monday)})
        rows.append(
            {
                "monday": monday,
                "friday": friday_of(monday),
                "iso_week": monday.isocalendar()[1],
                "cells": cells,
            }
        )
    return lines, rows
