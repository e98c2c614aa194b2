"""TAPE sessions (supervised remote learning) and who followed them: the writes scolarité
and apprentices make, and the reads their pages and to-dos need (constant queries).

Sessions live in company weeks of the common calendar of a study year; an option whose
rhythm differs sees no session in the weeks it spends at school (`selectors.calendars_for`
decides, for every page and the feed alike)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from apprentissage.enums import StaffRole
from apprentissage.models import Apprenticeship, SchoolYear, User
from apprentissage.notifications import notify

from . import selectors
from .enums import TAPE_SESSION_HOURS, WeekKind
from .models import TapeAttendance, TapeSession
from .services import CalendarError
from .weeks import monday_before

# A missed-session pattern: this many sessions not followed within this window.
MISSED_THRESHOLD = 2
MISSED_WINDOW = datetime.timedelta(weeks=4)


class TapeError(CalendarError):
    """A TAPE change refused, with a message naming the week or the session."""


def _week_label(monday: datetime.date) -> str:
    return f"{monday.isocalendar()[1]} ({date_format(monday, 'd/m/Y')})"


def _not_company_message(monday: datetime.date, kind: str | None, study_year: int) -> str:
    values = {"week": _week_label(monday), "study_year": study_year}
    if kind in WeekKind.at_school():
        return _("Week %(week)s is a school week for %(study_year)dA: no TAPE session then.") % values
    if kind == WeekKind.CLOSURE:
        return _("Week %(week)s is a closure week for %(study_year)dA: no TAPE session then.") % values
    return (
        _("Week %(week)s is not planned yet for %(study_year)dA: plan it as a company week first.") % values
    )


def _last_company_period(weeks: list[selectors.Week]) -> set[datetime.date]:
    """The Mondays of the last run of consecutive company weeks of the year."""
    run: list[datetime.date] = []
    for week in reversed(weeks):
        if week.kind == WeekKind.COMPANY:
            run.append(week.monday)
        elif run:
            break
    return set(run)


def _sessionless_weeks(study_year: int, weeks: list[selectors.Week]) -> set[datetime.date]:
    """3A has no session in its last company period (the final-year project)."""
    return _last_company_period(weeks) if study_year == 3 else set()


def _at(day: datetime.date, start: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, start))


@transaction.atomic
def generate_sessions(
    *,
    school_year: SchoolYear,
    study_year: int,
    pattern: Iterable[tuple[int, datetime.time]],
    first_week: datetime.date | None = None,
    last_week: datetime.date | None = None,
    actor,
) -> dict[str, int]:
    """Create a 3.5 h session at each (weekday 0–4, start time) of `pattern` in every company
    week of the study year's common calendar between `first_week` and `last_week` (Mondays,
    inclusive). Sessions already starting at the same time are kept (idempotent). Side effects:
    TapeSession rows and their history. Returns {"created", "skipped", "weeks"}."""
    pattern = sorted(set(pattern))
    if not pattern:
        raise TapeError(_("Choose at least one weekday and start time."))
    for weekday, _start in pattern:
        if weekday not in range(5):
            raise TapeError(_("TAPE sessions take place from Monday to Friday."))
    weeks = selectors.effective_weeks(school_year, study_year)
    excluded = _sessionless_weeks(study_year, weeks)
    company = [
        w.monday
        for w in weeks
        if w.kind == WeekKind.COMPANY
        and w.monday not in excluded
        and (first_week is None or w.monday >= first_week)
        and (last_week is None or w.monday <= last_week)
    ]
    existing = set(
        TapeSession.objects.filter(school_year=school_year, study_year=study_year).values_list(
            "starts_at", flat=True
        )
    )
    duration = datetime.timedelta(hours=TAPE_SESSION_HOURS)
    new, skipped = [], 0
    for monday in company:
        for weekday, start in pattern:
            starts_at = _at(monday + datetime.timedelta(days=weekday), start)
            if starts_at in existing:
                skipped += 1
                continue
            new.append(
                TapeSession(
                    school_year=school_year,
                    study_year=study_year,
                    starts_at=starts_at,
                    ends_at=starts_at + duration,
                )
            )
    if new:
        bulk_create_with_history(new, TapeSession, default_user=actor)
    return {"created": len(new), "skipped": skipped, "weeks": len(company)}


@transaction.atomic
def add_session(
    *,
    school_year: SchoolYear,
    study_year: int,
    starts_at: datetime.datetime,
    hours: float = TAPE_SESSION_HOURS,
    title: str = "",
    actor,
) -> TapeSession:
    """One session more (adjusting a generated schedule). Refused outside the company weeks of
    the study year, in the last company period of 3A, or at the time of another session."""
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    day = timezone.localtime(starts_at).date()
    monday = monday_before(day)
    weeks = selectors.effective_weeks(school_year, study_year)
    week = next((w for w in weeks if w.monday == monday), None)
    if week is None:
        raise TapeError(
            _("Week %(week)s is not in school year %(label)s.")
            % {"week": _week_label(monday), "label": school_year.label}
        )
    if day.weekday() > 4:
        raise TapeError(_("TAPE sessions take place from Monday to Friday."))
    if week.kind != WeekKind.COMPANY:
        raise TapeError(_not_company_message(monday, week.kind, study_year))
    if monday in _sessionless_weeks(study_year, weeks):
        raise TapeError(
            _("Week %(week)s is in the last company period of 3A: no TAPE session then.")
            % {"week": _week_label(monday)}
        )
    if TapeSession.objects.filter(
        school_year=school_year, study_year=study_year, starts_at=starts_at
    ).exists():
        raise TapeError(
            _("A session of %(study_year)dA already starts on %(when)s.")
            % {
                "study_year": study_year,
                "when": date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT"),
            }
        )
    session = TapeSession(
        school_year=school_year,
        study_year=study_year,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        title=title,
    )
    session._history_user = actor
    session.save()
    return session


@transaction.atomic
def delete_session(*, session: TapeSession, actor) -> None:
    """Remove a session nobody answered for yet (answers would go with it: refused)."""
    answers = session.attendances.count()
    if answers:
        raise TapeError(
            ngettext(
                "The session of %(when)s cannot be deleted: %(count)d apprentice already said "
                "whether they followed it.",
                "The session of %(when)s cannot be deleted: %(count)d apprentices already said "
                "whether they followed it.",
                answers,
            )
            % {
                "when": date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT"),
                "count": answers,
            }
        )
    session._history_user = actor
    session.delete()


# --- The apprentice's side -------------------------------------------------------------


def sessions_for(apprenticeship: Apprenticeship, school_year: SchoolYear | None) -> list[TapeSession]:
    """The apprentice's sessions of a school year (those in company weeks of their own
    calendar), each with `answer` (their TapeAttendance or None). Four queries at most: their
    enrolment, the weeks, the sessions, their answers (see `selectors.calendars_for`)."""
    if school_year is None:
        return []
    calendar = selectors.calendar_of(apprenticeship, [school_year], with_answers=True)
    result = []
    for session in calendar.sessions(school_year):
        session.answer = calendar.answer(session)
        result.append(session)
    return result


def current_apprenticeship(user) -> Apprenticeship | None:
    if not user.is_authenticated:
        return None
    return (
        Apprenticeship.objects.current()
        .filter(apprentice=user)
        .select_related("cohort", "option", "company", "apprentice")
        .first()
    )


def has_started(session: TapeSession, now: datetime.datetime | None = None) -> bool:
    return session.starts_at <= (now or timezone.now())


def missed_pattern(apprenticeship: Apprenticeship, today: datetime.date) -> bool:
    """Whether the apprentice missed MISSED_THRESHOLD sessions within the last four weeks."""
    start, end = _window(today)
    missed = TapeAttendance.objects.filter(
        apprenticeship=apprenticeship,
        followed=False,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).count()
    return missed >= MISSED_THRESHOLD


def _window(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tomorrow = today + datetime.timedelta(days=1)
    return _at(tomorrow - MISSED_WINDOW, datetime.time()), _at(tomorrow, datetime.time())


def apprenticeships_with_missed_pattern(today: datetime.date) -> QuerySet[Apprenticeship]:
    """Every apprenticeship showing the pattern, with `missed` (one query when evaluated)."""
    start, end = _window(today)
    return (
        Apprenticeship.objects.filter(
            tape_attendances__followed=False,
            tape_attendances__session__starts_at__gte=start,
            tape_attendances__session__starts_at__lt=end,
        )
        .annotate(missed=Count("tape_attendances", distinct=True))
        .filter(missed__gte=MISSED_THRESHOLD)
        .select_related("apprentice", "company", "option", "cohort")
        .order_by("apprentice__last_name", "apprentice__first_name", "pk")
    )


@transaction.atomic
def record_attendance(
    *, session: TapeSession, apprenticeship: Apprenticeship, followed: bool, reason: str = "", actor
) -> TapeAttendance:
    """The apprentice says whether they followed a session that has started (and why not);
    they may change their answer. Side effects: the answer and its history (none when the
    answer is the same as before); when this answer makes a missed-session pattern appear,
    scolarité is notified (once for that pattern). Concurrent identical answers: one is saved,
    the others find it already saved."""
    if actor is None or actor.pk != apprenticeship.apprentice_id:
        raise PermissionDenied
    if session.study_year != apprenticeship.study_year_in(session.school_year):
        raise TapeError(_("This session is not one of yours."))
    if not has_started(session):
        raise TapeError(_("This session has not started yet: mark it once it has."))
    reason = (reason or "").strip()
    if not followed and not reason:
        raise TapeError(_("Say why you did not follow the session."))
    # One answer at a time per apprentice (a double click, two tabs): the apprenticeship row
    # is locked, so the first answer is created once and the pattern notified once.
    Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
    today = timezone.localdate()
    before = missed_pattern(apprenticeship, today)
    attendance = TapeAttendance.objects.filter(session=session, apprenticeship=apprenticeship).first()
    if attendance is None:
        attendance = TapeAttendance(session=session, apprenticeship=apprenticeship)
    elif attendance.followed == followed and attendance.reason == ("" if followed else reason):
        return attendance  # the same answer again: already saved, no new history entry
    attendance.followed = followed
    attendance.reason = "" if followed else reason
    attendance._history_user = actor
    attendance.save()
    if not followed and not before and missed_pattern(apprenticeship, today):
        _notify_missed_pattern(apprenticeship)
    return attendance


def _notify_missed_pattern(apprenticeship: Apprenticeship) -> None:
    staff = User.objects.filter(groups__name=StaffRole.SCOLARITE, is_active=True)
    notify(
        list(staff),
        title=ngettext(
            "%(person)s missed %(count)d TAPE session in the last 4 weeks",
            "%(person)s missed %(count)d TAPE sessions in the last 4 weeks",
            MISSED_THRESHOLD,
        )
        % {"person": apprenticeship.apprentice, "count": MISSED_THRESHOLD},
        url=reverse("planning:tape_followup", args=[apprenticeship.pk]),
    )


def schedule(school_year: SchoolYear, study_year: int) -> list[TapeSession]:
    """Scolarité's list: every session of a study year with its number of answers (one query)."""
    return list(
        TapeSession.objects.filter(school_year=school_year, study_year=study_year).annotate(
            answer_count=Count("attendances"),
            missed_count=Count("attendances", filter=Q(attendances__followed=False)),
        )
    )
