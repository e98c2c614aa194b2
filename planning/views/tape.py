"""TAPE pages: scolarité's session schedule per study year, the apprentice's own sessions
(marked followed or not, htmx), an apprentice's attendance for those who follow them, and
scolarité's list of apprentices who missed sessions."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apprentissage.enums import StudyYear
from apprentissage.models import Apprenticeship, SchoolYear
from apprentissage.permissions import get_object_for_user_or_404

from .. import selectors, tape
from ..models import TapeSession
from ..weeks import school_year_mondays

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
]
SLOTS = 3  # up to three sessions a week (3A has 2–3)
# A 3.5-hour session starts in the working day (and ends the same day).
EARLIEST_START, LATEST_START = datetime.time(7, 0), datetime.time(18, 30)


def _check_start_time(value: datetime.time | None) -> None:
    if value is not None and not EARLIEST_START <= value <= LATEST_START:
        raise forms.ValidationError(
            _("A session starts between %(earliest)s and %(latest)s.")
            % {
                "earliest": date_format(EARLIEST_START, "TIME_FORMAT"),
                "latest": date_format(LATEST_START, "TIME_FORMAT"),
            }
        )


def _week_choices(school_year: SchoolYear) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (
            monday.isoformat(),
            _("Week %(week)d (%(date)s)")
            % {"week": monday.isocalendar()[1], "date": date_format(monday, "d/m/Y")},
        )
        for monday in school_year_mondays(school_year.start_year)
    ]


class GenerateForm(forms.Form):
    """A weekly pattern: up to three (weekday, start time) slots, and an optional range of weeks."""

    study_year = forms.TypedChoiceField(
        label=gettext_lazy("Study year"), choices=StudyYear.choices, coerce=int
    )
    first_week = forms.ChoiceField(label=gettext_lazy("From week"), required=False)
    last_week = forms.ChoiceField(label=gettext_lazy("To week"), required=False)

    def __init__(self, *args, school_year: SchoolYear, **kwargs):
        super().__init__(*args, **kwargs)
        weeks = _week_choices(school_year)
        self.fields["first_week"].choices = weeks
        self.fields["last_week"].choices = weeks
        rows = []
        for i in range(1, SLOTS + 1):
            self.fields[f"day_{i}"] = forms.TypedChoiceField(
                label=_("Session %(n)d: day") % {"n": i},
                choices=[("", "—"), *WEEKDAYS],
                coerce=int,
                empty_value=None,
                required=i == 1,
            )
            self.fields[f"time_{i}"] = forms.TimeField(
                label=_("Session %(n)d: start time") % {"n": i},
                required=i == 1,
                validators=[_check_start_time],
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            rows.append(
                Div(
                    Div(f"day_{i}", css_class="col-md-6"),
                    Div(f"time_{i}", css_class="col-md-6"),
                    css_class="row",
                )
            )
        self.helper = FormHelper()
        self.helper.form_action = reverse("planning:tape_generate", args=[school_year.start_year])
        self.helper.layout = Layout(
            "study_year",
            *rows,
            Div(
                Div("first_week", css_class="col-md-6"),
                Div("last_week", css_class="col-md-6"),
                css_class="row",
            ),
            Submit("generate", _("Generate the sessions")),
        )

    def clean(self):
        data = super().clean()
        pattern = []
        for i in range(1, SLOTS + 1):
            day, start = data.get(f"day_{i}"), data.get(f"time_{i}")
            if (day is None) != (start is None):
                self.add_error(
                    f"time_{i}" if start is None else f"day_{i}", _("Give both the day and the time.")
                )
            elif day is not None:
                pattern.append((day, start))
        data["pattern"] = pattern
        for name in ("first_week", "last_week"):
            data[name] = datetime.date.fromisoformat(data[name]) if data.get(name) else None
        if data["first_week"] and data["last_week"] and data["first_week"] > data["last_week"]:
            self.add_error("last_week", _("The last week comes before the first one."))
        return data


class AddSessionForm(forms.Form):
    study_year = forms.TypedChoiceField(
        label=gettext_lazy("Study year"), choices=StudyYear.choices, coerce=int
    )
    day = forms.DateField(
        label=gettext_lazy("Date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=gettext_lazy("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        validators=[_check_start_time],
    )
    title = forms.CharField(label=gettext_lazy("Title (optional)"), max_length=200, required=False)

    def __init__(self, *args, school_year: SchoolYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        self.helper = FormHelper()
        self.helper.form_action = reverse("planning:tape_session_add", args=[school_year.start_year])
        self.helper.layout = Layout(
            "study_year",
            Div(Div("day", css_class="col-md-6"), Div("start", css_class="col-md-6"), css_class="row"),
            "title",
            Submit("add", _("Add the session"), css_class="btn-secondary"),
        )

    def clean_day(self):
        day = self.cleaned_data["day"]
        mondays = school_year_mondays(self.school_year.start_year)
        if not mondays[0] <= day <= mondays[-1] + datetime.timedelta(days=6):
            raise forms.ValidationError(
                _("This date is not in school year %(label)s.") % {"label": self.school_year.label}
            )
        return day


class MarkForm(forms.Form):
    followed = forms.TypedChoiceField(
        label=gettext_lazy("Did you follow this session?"),
        choices=[("yes", gettext_lazy("Followed")), ("no", gettext_lazy("Not followed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (when not followed)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("For example: the company needed me elsewhere."),
    )

    def __init__(self, *args, session: TapeSession, **kwargs):
        kwargs.setdefault("prefix", f"s{session.pk}")
        answer = getattr(session, "answer", None)
        if answer is not None and not kwargs.get("data"):
            kwargs.setdefault(
                "initial", {"followed": "yes" if answer.followed else "no", "reason": answer.reason}
            )
        super().__init__(*args, **kwargs)
        url = reverse("planning:tape_mark", args=[session.pk])
        self.helper = FormHelper()
        self.helper.form_action = url
        self.helper.attrs = {
            "hx-post": url,
            "hx-target": f"#tape-session-{session.pk}",
            "hx-swap": "outerHTML",
        }
        self.helper.layout = Layout("followed", "reason", Submit("mark", _("Save"), css_class="btn-sm"))

    def clean(self):
        data = super().clean()
        if data.get("followed") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you did not follow the session."))
        return data


# --- Scolarité: the schedule ----------------------------------------------------------


def _with_texts(sessions) -> list:
    """Each session with its week, day and hours as the schedule shows them, formatted here:
    seven date filters a row were a third of the page; weekday names and hours repeat."""
    sessions, weekdays, hours = list(sessions), {}, {}

    def hour(moment) -> str:  # "9 h 00": the one time format (apprentissage/formats)
        key = (moment.hour, moment.minute)
        if key not in hours:
            hours[key] = time_format(moment)
        return hours[key]

    for session in sessions:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        if start.weekday() not in weekdays:
            weekdays[start.weekday()] = date_format(start, "l")
        session.week_text = str(start.isocalendar()[1])  # the date filter's "W"
        session.date_text = date_format(start, "SHORT_DATE_FORMAT")
        session.day_text = f"{weekdays[start.weekday()]} {session.date_text}"
        session.start_text, session.end_text = hour(start), hour(end)
    return sessions


def _schedule_page(request, school_year, study_year, *, generate_form=None, add_form=None, status=200):
    sessions = _with_texts(tape.schedule(school_year, study_year))
    return render(
        request,
        "planning/tape_schedule.html",
        {
            "school_year": school_year,
            "school_years": list(SchoolYear.objects.order_by("start_year")),
            "study_year": study_year,
            "study_years": StudyYear.choices,
            "sessions": sessions,
            "totals": _totals_rows(selectors.totals(school_year, study_year)),
            "generate_form": generate_form
            or GenerateForm(school_year=school_year, initial={"study_year": study_year}),
            "add_form": add_form
            or AddSessionForm(school_year=school_year, initial={"study_year": study_year}),
        },
        status=status,
    )


def _totals_rows(totals: dict) -> list[dict]:
    computed, targets = totals["computed"], totals["targets"]
    rows = [
        (_("Weeks at school"), computed["school_weeks"], targets["school_weeks"]),
        (_("Weeks in the company"), computed["company_weeks"], targets["company_weeks"]),
        (_("TAPE sessions"), computed["tape_sessions"], targets["tape_sessions"]),
        (_("TAPE hours"), computed["tape_hours"], targets["tape_hours"]),
    ]
    return [
        {"label": label, "computed": value, "target": target, "difference": value - target}
        for label, value, target in rows
    ] + [
        {
            "note": targets["tape_sessions_hours"],
            "targets_differ": targets["tape_sessions_hours"] != targets["tape_hours"],
            "unplanned": computed["unplanned_weeks"],
        }
    ]


def _study_year_param(value) -> int:
    try:
        study_year = int(value)
    except (TypeError, ValueError):
        return 1
    return study_year if study_year in StudyYear.values else 1


@login_required
@permission_required("planning.manage_calendars", raise_exception=True)
def tape_schedule(request, start_year: int):
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    return _schedule_page(request, school_year, _study_year_param(request.GET.get("study_year")))


def _back_to_schedule(school_year, study_year):
    return redirect(
        reverse("planning:tape_schedule", args=[school_year.start_year]) + f"?study_year={study_year}"
    )


@login_required
@permission_required("planning.manage_calendars", raise_exception=True)
@require_POST
def tape_generate(request, start_year: int):
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    form = GenerateForm(request.POST, school_year=school_year)
    if not form.is_valid():
        study_year = _study_year_param(request.POST.get("study_year"))
        return _schedule_page(request, school_year, study_year, generate_form=form)
    data = form.cleaned_data
    try:
        counts = tape.generate_sessions(
            school_year=school_year,
            study_year=data["study_year"],
            pattern=data["pattern"],
            first_week=data["first_week"],
            last_week=data["last_week"],
            actor=request.user,
        )
    except tape.TapeError as error:
        form.add_error(None, str(error))
        return _schedule_page(request, school_year, data["study_year"], generate_form=form)
    messages.success(
        request,
        ngettext(
            "%(created)d session created in %(weeks)d company weeks; %(skipped)d already existed.",
            "%(created)d sessions created in %(weeks)d company weeks; %(skipped)d already existed.",
            counts["created"],
        )
        % counts,
    )
    return _back_to_schedule(school_year, data["study_year"])


@login_required
@permission_required("planning.manage_calendars", raise_exception=True)
@require_POST
def tape_session_add(request, start_year: int):
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    form = AddSessionForm(request.POST, school_year=school_year)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = tape.add_session(
                school_year=school_year,
                study_year=data["study_year"],
                starts_at=datetime.datetime.combine(data["day"], data["start"]),
                title=data["title"],
                actor=request.user,
            )
        except tape.TapeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Session added on %(when)s.")
                % {"when": date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT")},
            )
            return _back_to_schedule(school_year, data["study_year"])
    study_year = _study_year_param(request.POST.get("study_year"))
    return _schedule_page(request, school_year, study_year, add_form=form)


@login_required
@permission_required("planning.manage_calendars", raise_exception=True)
@require_POST
def tape_session_delete(request, pk: int):
    session = get_object_or_404(TapeSession.objects.select_related("school_year"), pk=pk)
    try:
        tape.delete_session(session=session, actor=request.user)
    except tape.TapeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Session deleted."))
    return _back_to_schedule(session.school_year, session.study_year)


@login_required
@permission_required("planning.manage_calendars", raise_exception=True)
def tape_missed(request):
    today = timezone.localdate()
    return render(
        request,
        "planning/tape_missed.html",
        {
            "apprenticeships": list(tape.apprenticeships_with_missed_pattern(today)),
            "threshold": tape.MISSED_THRESHOLD,
        },
    )


# --- The apprentice: their sessions ---------------------------------------------------


def _my_apprenticeship_or_404(request) -> Apprenticeship:
    apprenticeship = tape.current_apprenticeship(request.user)
    if apprenticeship is None:
        raise Http404
    return apprenticeship


def _row_context(session, now, form=None):
    if not hasattr(session, "day_text"):
        _with_texts([session])  # its day and hours, as the schedule's rows
    started = tape.has_started(session, now)
    return {
        "session": session,
        "started": started,
        "form": form or (MarkForm(session=session) if started else None),
    }


@login_required
def my_tape(request):
    apprenticeship = tape.current_apprenticeship(request.user)
    if apprenticeship is None:
        raise PermissionDenied
    school_year = SchoolYear.objects.current(timezone.localdate())
    now = timezone.now()
    sessions = _with_texts(tape.sessions_for(apprenticeship, school_year))
    return render(
        request,
        "planning/tape_mine.html",
        {
            "apprenticeship": apprenticeship,
            "school_year": school_year,
            "rows": [_row_context(session, now) for session in sessions],
            "to_mark": sum(1 for s in sessions if s.answer is None and tape.has_started(s, now)),
        },
    )


@login_required
@require_POST
def tape_mark(request, pk: int):
    apprenticeship = _my_apprenticeship_or_404(request)
    school_year = get_object_or_404(TapeSession.objects.select_related("school_year"), pk=pk).school_year
    session = next((s for s in tape.sessions_for(apprenticeship, school_year) if s.pk == pk), None)
    if session is None:
        raise Http404
    form = MarkForm(request.POST, session=session)
    error = None
    if form.is_valid():
        try:
            session.answer = tape.record_attendance(
                session=session,
                apprenticeship=apprenticeship,
                followed=form.cleaned_data["followed"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except tape.TapeError as exc:
            error = str(exc)
            form.add_error(None, error)
    if request.htmx:
        context = _row_context(session, timezone.now(), form if not form.is_valid() or error else None)
        context["saved"] = form.is_valid() and not error
        return render(request, "planning/tape_session_row.html", context)
    if form.is_valid() and not error:
        messages.success(request, _("Your answer is saved."))
    else:
        messages.error(
            request,
            error or " ".join(str(message) for errors in form.errors.values() for message in errors),
        )
    return redirect("planning:my_tape")


# --- Those who follow an apprentice ---------------------------------------------------


@login_required
def tape_followup(request, pk: int):
    apprenticeship = get_object_for_user_or_404(
        request.user,
        "planning.view_apprentice_calendar",
        # Enrolments prefetched: `sessions_for` and `study_year_in` read them, one query for both.
        Apprenticeship.objects.select_related("apprentice", "company", "cohort", "option").with_enrolments(),
        pk=pk,
    )
    today = timezone.localdate()
    school_year = SchoolYear.objects.current(today)
    now = timezone.now()
    sessions = tape.sessions_for(apprenticeship, school_year)
    return render(
        request,
        "planning/tape_followup.html",
        {
            "apprenticeship": apprenticeship,
            "school_year": school_year,
            "study_year": apprenticeship.study_year_in(school_year),
            "rows": [{"session": s, "started": tape.has_started(s, now)} for s in sessions],
            "followed": sum(1 for s in sessions if s.answer and s.answer.followed),
            "missed": sum(1 for s in sessions if s.answer and not s.answer.followed),
            "unanswered": sum(1 for s in sessions if s.answer is None and tape.has_started(s, now)),
            "pattern": tape.missed_pattern(apprenticeship, today),
            "threshold": tape.MISSED_THRESHOLD,
        },
    )


urlpatterns = [
    path("tape/<int:start_year>/", tape_schedule, name="tape_schedule"),
    path("tape/<int:start_year>/generer/", tape_generate, name="tape_generate"),
    path("tape/<int:start_year>/ajouter/", tape_session_add, name="tape_session_add"),
    path("tape/seances/<int:pk>/supprimer/", tape_session_delete, name="tape_session_delete"),
    path("tape/absences/", tape_missed, name="tape_missed"),
    path("mes-seances/", my_tape, name="my_tape"),
    path("seances/<int:pk>/suivi/", tape_mark, name="tape_mark"),
    path("apprentissages/<int:pk>/tape/", tape_followup, name="tape_followup"),
]
