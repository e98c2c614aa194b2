"""Writes of the calendar. Every change is one `CalendarEdit` (undoable) plus the weeks'
own history (django-simple-history)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.models import Option, SchoolYear

from .enums import WeekKind
from .models import CalendarEdit, CalendarWeek
from .signals import send_calendar_changed
from .weeks import iso_week, school_year_mondays


class CalendarError(ValueError):
    """A change the calendar refuses, with a message naming the week."""


def _snapshot(school_year, study_year, option, mondays) -> list[dict]:
    existing = {
        week.monday: week.kind
        for week in CalendarWeek.objects.filter(
            school_year=school_year, study_year=study_year, option=option, monday__in=mondays
        )
    }
    return [
        {
            "study_year": study_year,
            "option": option.pk if option else None,
            "monday": m.isoformat(),
            "kind": existing.get(m),
        }
        for m in mondays
    ]


def _write(school_year, study_year, option, monday, kind) -> None:
    if kind is None:
        CalendarWeek.objects.filter(
            school_year=school_year, study_year=study_year, option=option, monday=monday
        ).delete()
        return
    week = CalendarWeek.objects.filter(
        school_year=school_year, study_year=study_year, option=option, monday=monday
    ).first()
    if week is None:
        CalendarWeek.objects.create(
            school_year=school_year, study_year=study_year, option=option, monday=monday, kind=kind
        )
    elif week.kind != kind:
        week.kind = kind
        week.save(update_fields=["kind"])


@transaction.atomic
def set_week_kinds(
    *,
    school_year: SchoolYear,
    changes: Iterable[tuple[int, datetime.date, str | None]],
    option: Option | None = None,
    actor,
    description: str,
    announce: bool = True,
) -> CalendarEdit | None:
    """Set (study year, Monday) → kind for many weeks in one undoable change. A kind of
    None removes an option's override. Returns None when nothing changed. Side effect:
    `calendar_changed` sent on commit (unless `announce` is False: the caller sends it once
    for the many changes it makes)."""
    valid_mondays = set(school_year_mondays(school_year.start_year))
    changes = list(changes)
    for study_year, monday, kind in changes:
        if study_year not in (1, 2, 3):
            raise CalendarError(_("The study year must be 1, 2 or 3."))
        if monday not in valid_mondays:
            year, week = iso_week(monday)
            raise CalendarError(
                _("Week %(week)d of %(year)d is not in school year %(label)s.")
                % {"week": week, "year": year, "label": school_year.label}
            )
        if kind is not None and kind not in WeekKind.values:
            raise CalendarError(_("“%(kind)s” is not a kind of week.") % {"kind": kind})
        if kind is None and option is None:
            raise CalendarError(_("Only an option's override can be removed."))
    previous = []
    for study_year in sorted({c[0] for c in changes}):
        previous += _snapshot(school_year, study_year, option, [m for y, m, _k in changes if y == study_year])
    before = {(p["study_year"], p["monday"]): p["kind"] for p in previous}
    effective = [(y, m, k) for y, m, k in changes if before.get((y, m.isoformat())) != k]
    if not effective:
        return None
    for study_year, monday, kind in effective:
        _write(school_year, study_year, option, monday, kind)
    if announce:
        send_calendar_changed(school_year)
    return CalendarEdit.objects.create(
        school_year=school_year, made_by=actor, description=description[:255], previous=previous
    )


@transaction.atomic
def undo_last_edit(*, school_year: SchoolYear, actor) -> CalendarEdit | None:
    """Put back the weeks as they were before the latest change not yet undone."""
    edit = (
        CalendarEdit.objects.select_for_update()
        .filter(school_year=school_year, undone_at=None)
        .order_by("-made_at", "-pk")
        .first()
    )
    if edit is None:
        return None
    options = {o.pk: o for o in Option.objects.all()}
    for item in edit.previous:
        _write(
            school_year,
            item["study_year"],
            options.get(item["option"]),
            datetime.date.fromisoformat(item["monday"]),
            item["kind"],
        )
    edit.undone_at = timezone.now()
    edit.save(update_fields=["undone_at"])
    send_calendar_changed(school_year)
    return edit


def _week_keys(start_year: int) -> dict[datetime.date, tuple[int, int]]:
    """Monday → (ISO week number, occurrence): weeks 38-39 come twice in a school year."""
    keys, seen = {}, set()
    for monday in school_year_mondays(start_year):
        number = iso_week(monday)[1]
        keys[monday] = (number, int(number in seen))
        seen.add(number)
    return keys


@transaction.atomic
def copy_school_year(*, source: SchoolYear, target: SchoolYear, actor) -> CalendarEdit | None:
    """Start next year's calendar from this one: week n gets the kind of week n (a week 53
    with no counterpart gets the kind of week 52). Only weeks not yet planned are filled.
    One change per study year and option, announced once (`calendar_changed`)."""
    planned = set(
        CalendarWeek.objects.filter(school_year=target).values_list("study_year", "option_id", "monday")
    )
    source_keys = _week_keys(source.start_year)
    by_week: dict[tuple[int, int | None], dict[tuple[int, int], str]] = {}
    for week in CalendarWeek.objects.filter(school_year=source):
        by_week.setdefault((week.study_year, week.option_id), {})[source_keys[week.monday]] = week.kind
    options = {o.pk: o for o in Option.objects.all()}
    edit = None
    for (study_year, option_id), kinds in sorted(by_week.items(), key=lambda i: (i[0][0], i[0][1] or 0)):
        changes = []
        for monday, key in _week_keys(target.start_year).items():
            kind = kinds.get(key) or (kinds.get((52, key[1])) if key[0] == 53 else None)
            if kind and (study_year, option_id, monday) not in planned:
                changes.append((study_year, monday, kind))
        if changes:
            description = _("Copied from %(year)s") % {"year": source.label}
            edit = (
                set_week_kinds(
                    school_year=target,
                    changes=changes,
                    option=options.get(option_id),
                    actor=actor,
                    description=description,
                    announce=False,
                )
                or edit
            )
    if edit is not None:
        send_calendar_changed(target)
    return edit
