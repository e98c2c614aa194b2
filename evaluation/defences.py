"""Defences (soutenances) of the company project: scolarité schedules them in the defence weeks
of the apprentice's calendar (planning), with the jury pre-filled from the apprenticeship
(company tutor, school tutor, option lead); the apprentice and the jury receive a convocation
with an iCalendar invitation (RFC 5546: METHOD:REQUEST, the same UID for the defence's whole
life, its SEQUENCE raised at each change, METHOD:CANCEL when it is cancelled, as the LEA's
company visits: lea/visits.py), and the defence appears in their calendar feeds
(planning.feeds). A defence is refused when:

- it falls outside a defence week (WeekKind.DEFENCES) of the apprentice's calendar of the
  project's school year, or on a weekend, or ends before it starts or on another day;
- the apprentice is at school that day in another calendar of theirs (the school years
  overlap in September: a 2A defence in week 38 while their 3A has started);
- a person of it (the apprentice, any jury member) has another defence at that time.

A cancelled defence keeps its reason; nothing is deleted."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from apprentissage.drafts import ConcurrentEdit
from apprentissage.mail import Attachment
from apprentissage.models import Enrolment, SchoolYear, User
from apprentissage.notifications import notify
from evaluation.company_unit import GRADED_STATUSES, components_of, enrolments_with_people
from evaluation.enums import DefenceState, GradedBy
from evaluation.models import Defence, UnitComponent
from planning.enums import WeekKind
from planning.feeds import PRODID, UID_DOMAIN, feed_source
from planning.selectors import calendars_for
from planning.weeks import monday_before

ACTIVE = (DefenceState.SCHEDULED, DefenceState.HELD)
SCHEDULE_FIELDS = (
    "starts_at",
    "ends_at",
    "room",
    "video_url",
    "company_tutor",
    "school_tutor",
    "option_lead",
)


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class DefenceRefused(Exception):
    """The defence breaks a rule (see the module's docstring): `problems` say which."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class DefenceNotScheduled(Exception):
    """The defence was cancelled (or held): it no longer changes."""


# --- Selectors -----------------------------------------------------------------------------


def defences_with_people() -> QuerySet[Defence]:
    return Defence.objects.select_related(
        "enrolment__school_year",
        "enrolment__apprenticeship__apprentice",
        "enrolment__apprenticeship__company",
        "enrolment__apprenticeship__company_tutor",
        "enrolment__apprenticeship__school_tutor",
        "enrolment__apprenticeship__option__lead",
        "component",
        "company_tutor",
        "school_tutor",
        "option_lead",
    )


def visible_defences(user) -> QuerySet[Defence]:
    """The defences `user` attends (the apprentice, a jury member) or, for scolarité, all."""
    from apprentissage.rules import can_manage

    if not getattr(user, "is_authenticated", False):
        return Defence.objects.none()
    rows = defences_with_people()
    if can_manage(user):
        return rows
    return rows.filter(
        Q(enrolment__apprenticeship__apprentice=user)
        | Q(company_tutor=user)
        | Q(school_tutor=user)
        | Q(option_lead=user)
    )


def project_component(enrolment: Enrolment) -> UnitComponent | None:
    """The component of the enrolment's Unité Entreprise that a jury grades after a defence."""
    return next((c for c in components_of(enrolment) if c.graded_by == GradedBy.PROJECT_JURY), None)


def active_defence(enrolment: Enrolment, component: UnitComponent) -> Defence | None:
    return (
        Defence.objects.filter(enrolment=enrolment, component=component, state__in=ACTIVE)
        .order_by("-starts_at")
        .first()
    )


def people_of(enrolment: Enrolment, data: dict) -> list[User]:
    return [
        enrolment.apprenticeship.apprentice,
        data["company_tutor"],
        data["school_tutor"],
        data["option_lead"],
    ]


def _persons(defence: Defence) -> set[int]:
    return {
        defence.enrolment.apprenticeship.apprentice_id,
        defence.company_tutor_id,
        defence.school_tutor_id,
        defence.option_lead_id,
    }


def sequence_of(defence: Defence) -> int:
    """The invitation's SEQUENCE: how many times the defence changed since it was scheduled
    (its history records), so every change updates the calendars; also the edit form's
    version (optimistic locking)."""
    return max(defence.history.count() - 1, 0)


# --- The rules of scheduling ---------------------------------------------------------------


def _week(calendar, school_year: SchoolYear, monday: datetime.date):
    """The week of `monday` in the apprentice's calendar of `school_year` (None: not enrolled)."""
    return next((w for w in calendar.weeks(school_year) if w.monday == monday), None)


def defence_weeks(enrolment: Enrolment) -> list:
    """The defence weeks (planning's Week: Monday, Friday) of the apprentice's calendar of the
    enrolment's school year, for the scheduling form."""
    calendar = calendars_for([enrolment.apprenticeship], [enrolment.school_year], with_sessions=False)[0]
    return [week for week in calendar.weeks(enrolment.school_year) if week.kind == WeekKind.DEFENCES]


def _calendar_problems(enrolment: Enrolment, starts_at: datetime.datetime) -> list[str]:
    """Outside a defence week of the project's school year, or at school that day in
    another school year's calendar: the apprentice's calendars in four queries."""
    day = timezone.localtime(starts_at, paris()).date()
    monday = monday_before(day)
    project_year = enrolment.school_year
    years = {project_year.pk: project_year}
    for year in SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day):
        years[year.pk] = year
    calendar = calendars_for([enrolment.apprenticeship], years.values(), with_sessions=False)[0]
    problems = []
    week = _week(calendar, project_year, monday)
    if week is None or week.kind != WeekKind.DEFENCES:
        problems.append(
            _("%(date)s is not in a defence week of the apprentice's calendar (%(year)s, %(study_year)s).")
            % {
                "date": date_format(day, "SHORT_DATE_FORMAT"),
                "year": project_year,
                "study_year": enrolment.get_study_year_display(),
            }
        )
    for year in years.values():
        if year.pk == project_year.pk:
            continue
        other = _week(calendar, year, monday)
        if other and other.is_at_school and other.kind != WeekKind.DEFENCES:
            problems.append(
                _("The apprentice is at school that day (%(kind)s, %(year)s).")
                % {"kind": other.label.lower(), "year": year}
            )
    return problems


def _overlapping(starts_at, ends_at, people: list[User], exclude: Defence | None) -> QuerySet[Defence]:
    ids = [p.pk for p in people if p is not None]
    rows = defences_with_people().filter(state__in=ACTIVE, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None and exclude.pk:
        rows = rows.exclude(pk=exclude.pk)
    return rows.filter(
        Q(enrolment__apprenticeship__apprentice_id__in=ids)
        | Q(company_tutor_id__in=ids)
        | Q(school_tutor_id__in=ids)
        | Q(option_lead_id__in=ids)
    )


def _when(defence: Defence) -> str:
    start = timezone.localtime(defence.starts_at, paris())
    end = timezone.localtime(defence.ends_at, paris())
    day = date_format(start, "SHORT_DATE_FORMAT")
    return f"{day} {time_format(start, 'TIME_FORMAT')}–{time_format(end, 'TIME_FORMAT')}"


def defence_problems(
    *, enrolment: Enrolment, component: UnitComponent, data: dict, exclude: Defence | None = None
) -> list[str]:
    """Why the defence described by `data` (SCHEDULE_FIELDS) cannot take place; [] if it can."""
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    problems = []
    if component.graded_by != GradedBy.PROJECT_JURY:
        problems.append(_("Only a project is defended before a jury."))
    if ends_at <= starts_at:
        problems.append(_("The defence must end after it starts."))
        return problems
    start_day = timezone.localtime(starts_at, paris()).date()
    if timezone.localtime(ends_at, paris()).date() != start_day:
        problems.append(_("The defence must end on the day it starts."))
    if start_day.weekday() >= 5:
        problems.append(_("A defence takes place on a weekday."))
    if not (data.get("room") or "").strip() and not (data.get("video_url") or "").strip():
        problems.append(_("Give the room or the video link."))
    problems += _calendar_problems(enrolment, starts_at)
    people = people_of(enrolment, data)
    names = {p.pk: p for p in people}
    for other in _overlapping(starts_at, ends_at, people, exclude):
        for person_id in sorted(_persons(other) & set(names)):
            problems.append(
                _("%(person)s already has a defence at that time: %(apprentice)s, %(when)s.")
                % {
                    "person": names[person_id],
                    "apprentice": other.enrolment.apprenticeship.apprentice,
                    "when": _when(other),
                }
            )
    return problems


def _lock_people(people: list[User]) -> None:
    """Two schedulings of the same people wait for each other (PostgreSQL): the conflict
    check of the second sees the first."""
    list(User.objects.select_for_update().filter(pk__in=[p.pk for p in people if p]).values_list("pk"))


# --- Services ------------------------------------------------------------------------------


@transaction.atomic
def schedule_defence(*, enrolment: Enrolment, component: UnitComponent, data: dict, actor) -> Defence:
    """A defence for the enrolment's project (`data`: SCHEDULE_FIELDS). Side effects: the
    convocation with its invitation (METHOD:REQUEST) e-mailed to the apprentice and the jury.
    Raises DefenceRefused (the problems), creating nothing."""
    _lock_people(people_of(enrolment, data))
    problems = defence_problems(enrolment=enrolment, component=component, data=data)
    if active_defence(enrolment, component):
        problems.insert(0, _("This project already has a defence: change it or cancel it first."))
    if problems:
        raise DefenceRefused(problems)
    defence = Defence(
        enrolment=enrolment, component=component, **{name: data[name] for name in SCHEDULE_FIELDS}
    )
    defence._history_user = actor
    defence.save()
    _send(defence, method="REQUEST", title=_("Convocation to the defence of %(name)s"), actor=actor)
    return defence


@transaction.atomic
def update_defence(*, defence: Defence, data: dict, expected_sequence: int, actor) -> Defence:
    """Change a scheduled defence (optimistic lock on its SEQUENCE: ConcurrentEdit when someone
    changed it since). Side effect: the updated invitation (a higher SEQUENCE) to the apprentice
    and the jury, and the cancellation to a jury member replaced. Raises DefenceRefused or
    DefenceNotScheduled, changing nothing."""
    locked = Defence.objects.select_for_update().get(pk=defence.pk)
    if locked.state != DefenceState.SCHEDULED:
        raise DefenceNotScheduled(_("Only a scheduled defence can be changed."))
    if sequence_of(locked) != expected_sequence:
        raise ConcurrentEdit(
            _(
                "Someone else changed this defence while you were editing it. "
                "Reload the page, then make your change again."
            )
        )
    _lock_people(people_of(defence.enrolment, data))
    problems = defence_problems(
        enrolment=defence.enrolment, component=defence.component, data=data, exclude=defence
    )
    if problems:
        raise DefenceRefused(problems)
    replaced = [
        getattr(locked, name)
        for name in ("company_tutor", "school_tutor", "option_lead")
        if getattr(locked, name) != data[name]
    ]
    for name in SCHEDULE_FIELDS:
        setattr(defence, name, data[name])
    defence._history_user = actor
    defence.save()
    remaining = {p.pk for p in people_of(defence.enrolment, data)}
    gone = [person for person in replaced if person.pk not in remaining]
    if gone:
        _send(
            defence,
            method="CANCEL",
            title=_("You are no longer on the jury of the defence of %(name)s"),
            actor=actor,
            recipients=gone,
        )
    _send(defence, method="REQUEST", title=_("Defence of %(name)s changed"), actor=actor)
    return defence


@transaction.atomic
def cancel_defence(*, defence: Defence, reason: str, actor) -> Defence:
    """Cancel a scheduled defence with its reason (kept; nothing deleted). Side effect: the
    cancellation (METHOD:CANCEL) to the apprentice and the jury. Raises ValueError without a
    reason, DefenceNotScheduled when it is no longer scheduled."""
    if not (reason or "").strip():
        raise ValueError(_("Give the reason for cancelling the defence."))
    locked = Defence.objects.select_for_update().get(pk=defence.pk)
    if locked.state != DefenceState.SCHEDULED:
        raise DefenceNotScheduled(_("This defence is no longer scheduled."))
    defence.state = DefenceState.CANCELLED
    defence.cancel_reason = reason.strip()
    defence._history_user = actor
    defence.save(update_fields=["state", "cancel_reason"])
    _send(defence, method="CANCEL", title=_("Defence of %(name)s cancelled"), actor=actor)
    return defence


def _page_url(defence: Defence) -> str:
    return reverse("evaluation:company_unit", args=[defence.enrolment_id])


def _send(defence: Defence, *, method: str, title: str, actor, recipients=None) -> None:
    """The convocation, its update or its cancellation, with the calendar file, at once."""
    apprenticeship = defence.enrolment.apprenticeship
    if recipients is None:
        recipients = [
            apprenticeship.apprentice,
            defence.company_tutor,
            defence.school_tutor,
            defence.option_lead,
        ]
    start = timezone.localtime(defence.starts_at, paris())
    end = timezone.localtime(defence.ends_at, paris())
    place = defence.room or defence.video_url
    lines = [
        _("Defence of the %(component)s on %(date)s from %(start)s to %(end)s, %(place)s.")
        % {
            "component": defence.component.title,
            "date": date_format(start, "SHORT_DATE_FORMAT"),
            "start": time_format(start, "TIME_FORMAT"),
            "end": time_format(end, "TIME_FORMAT"),
            "place": place,
        },
        _("Jury: %(jury)s.") % {"jury": ", ".join(str(p) for p in defence.jury)},
    ]
    if method == "CANCEL" and defence.cancel_reason:
        lines.append(_("Reason: %(reason)s") % {"reason": defence.cancel_reason})
    lines.append(
        _("The calendar file attached removes the defence from your calendar.")
        if method == "CANCEL"
        else _("The calendar file attached updates your calendar.")
    )
    notify(
        recipients,
        title=title % {"name": apprenticeship.apprentice},
        url=_page_url(defence),
        message=" ".join(lines),
        attachments=[invitation(defence, method)],
    )


# --- The defence as an iCalendar event ------------------------------------------------------


def defence_uid(defence: Defence) -> str:
    return f"defence-{defence.pk}@{UID_DOMAIN}"


def feed_uid(defence: Defence) -> str:
    """Another UID than the invitation's, so that a calendar holding both never merges them."""
    return f"defence-feed-{defence.pk}@{UID_DOMAIN}"


def _address(user: User | None) -> vCalAddress | None:
    if user is None or not user.email:
        return None
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(str(user))
    return address


def defence_event(defence: Defence, *, uid: str, sequence: int | None = None) -> Event:
    apprenticeship = defence.enrolment.apprenticeship
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence_of(defence) if sequence is None else sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", defence.starts_at.astimezone(datetime.UTC))
    event.add("dtend", defence.ends_at.astimezone(datetime.UTC))
    event.add("summary", _("Defence — %(name)s") % {"name": apprenticeship.apprentice})
    if defence.room or defence.video_url:
        event.add("location", defence.room or defence.video_url)
    page = settings.SITE_URL + _page_url(defence)
    lines = [
        defence.component.title,
        _("Jury: %(jury)s.") % {"jury": ", ".join(str(p) for p in defence.jury)},
        _("Video link: %(url)s") % {"url": defence.video_url} if defence.video_url else "",
        _("On the portal: %(url)s") % {"url": page},
    ]
    event.add("description", "\n".join(filter(None, lines)))
    event.add("url", page)
    event.add("status", "CANCELLED" if defence.state == DefenceState.CANCELLED else "CONFIRMED")
    for person in (apprenticeship.apprentice, *defence.jury):
        if attendee := _address(person):
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            event.add("attendee", attendee)
    return event


def defence_calendar(defence: Defence, method: str) -> str:
    """A one-event calendar: METHOD:REQUEST, METHOD:CANCEL or METHOD:PUBLISH (downloaded)."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        calendar.add_component(defence_event(defence, uid=defence_uid(defence)))
        return calendar.to_ical().decode("utf-8")


def invitation(defence: Defence, method: str = "REQUEST") -> Attachment:
    return Attachment(
        filename="annulation.ics" if method == "CANCEL" else "convocation.ics",
        content=defence_calendar(defence, method),
        mimetype="text/calendar",
    )


@feed_source("evaluation.Defence")
def feed_events(user, apprenticeships, school_years):
    """The scheduled and held defences `user` attends (as the apprentice or on the jury) in
    `school_years`, in their calendar feed: one query."""
    if not school_years:
        return []
    defences = (
        Defence.objects.filter(state__in=ACTIVE, enrolment__school_year__in=school_years)
        .filter(
            Q(enrolment__apprenticeship__apprentice=user)
            | Q(company_tutor=user)
            | Q(school_tutor=user)
            | Q(option_lead=user)
        )
        .select_related(
            "enrolment__apprenticeship__apprentice",
            "component",
            "company_tutor",
            "school_tutor",
            "option_lead",
        )
        .order_by("starts_at", "pk")
    )
    return [defence_event(defence, uid=feed_uid(defence), sequence=0) for defence in defences]


# --- Scolarité's schedule of a school year and study year -----------------------------------


@dataclass
class ScheduleRow:
    enrolment: Enrolment
    component: UnitComponent | None
    defence: Defence | None = None
    warnings: list[str] = field(default_factory=list)


def schedule_rows(school_year: SchoolYear, study_year: int | None) -> tuple[list[ScheduleRow], list[Defence]]:
    """Every apprentice of the school year (of one study year, or all) with their project's
    defence and what is wrong with it now (a person in two defences at once, a defence no
    longer in a defence week or on a day at school after the calendar changed, a jury no
    longer the apprenticeship's); and the cancelled defences. Six queries whatever the
    number of apprentices (enrolments, components, defences, the calendars' three)."""
    enrolments = enrolments_with_people().filter(school_year=school_year, status__in=GRADED_STATUSES)
    if study_year:
        enrolments = enrolments.filter(study_year=study_year)
    enrolments = list(
        enrolments.order_by(
            "study_year",
            "apprenticeship__apprentice__last_name",
            "apprenticeship__apprentice__first_name",
            "pk",
        )
    )
    projects = {
        c.unit.study_year: c
        for c in UnitComponent.objects.filter(
            unit__programme__school_year=school_year,
            unit__is_company_unit=True,
            graded_by=GradedBy.PROJECT_JURY,
        )
        .select_related("unit")
        .order_by("-position")
    }
    defences = list(
        defences_with_people().filter(enrolment__school_year=school_year).order_by("starts_at", "pk")
    )
    active = [d for d in defences if d.state in ACTIVE]
    cancelled = [
        d
        for d in defences
        if d.state == DefenceState.CANCELLED and (not study_year or d.enrolment.study_year == study_year)
    ]
    by_enrolment = {d.enrolment_id: d for d in active}
    rows = [ScheduleRow(e, projects.get(e.study_year), by_enrolment.get(e.pk)) for e in enrolments]
    warnings = _warnings(active, school_year)
    for row in rows:
        if row.defence:
            row.warnings = warnings.get(row.defence.pk, [])
    return rows, cancelled


def _warnings(defences: list[Defence], school_year: SchoolYear) -> dict[int, list[str]]:
    warnings: dict[int, list[str]] = defaultdict(list)
    # Overlaps sharing a person, in start order (each defence against those still running).
    running: list[Defence] = []
    for defence in sorted(defences, key=lambda d: d.starts_at):
        running = [d for d in running if d.ends_at > defence.starts_at]
        for other in running:
            shared = _persons(defence) & _persons(other)
            if shared:
                warnings[defence.pk].append(
                    _("Overlaps the defence of %(name)s (%(when)s) with the same person.")
                    % {"name": other.enrolment.apprenticeship.apprentice, "when": _when(other)}
                )
                warnings[other.pk].append(
                    _("Overlaps the defence of %(name)s (%(when)s) with the same person.")
                    % {"name": defence.enrolment.apprenticeship.apprentice, "when": _when(defence)}
                )
        running.append(defence)
    # The calendars as they are now (scolarité may have changed a week since).
    scheduled = [d for d in defences if d.state == DefenceState.SCHEDULED]
    if scheduled:
        years = [school_year, *SchoolYear.objects.filter(start_year=school_year.start_year + 1)]
        calendars = calendars_for([d.enrolment.apprenticeship for d in scheduled], years, with_sessions=False)
        for defence, calendar in zip(scheduled, calendars, strict=True):
            monday = monday_before(timezone.localtime(defence.starts_at, paris()).date())
            own = _week(calendar, school_year, monday)
            if own is None or own.kind != WeekKind.DEFENCES:
                warnings[defence.pk].append(_("No longer in a defence week of the apprentice's calendar."))
            for year in years[1:]:
                other = _week(calendar, year, monday)
                if other and other.is_at_school and other.kind != WeekKind.DEFENCES:
                    warnings[defence.pk].append(_("The apprentice is at school that day."))
            apprenticeship = defence.enrolment.apprenticeship
            if (defence.company_tutor_id, defence.school_tutor_id, defence.option_lead_id) != (
                apprenticeship.company_tutor_id,
                apprenticeship.school_tutor_id,
                apprenticeship.option.lead_id,
            ):
                warnings[defence.pk].append(
                    _("The jury is no longer the apprenticeship's tutors and option lead.")
                )
    return warnings
