"""Reminders and escalation of the LEA documents (PRACTICE.md §2), one cadence for all.

`CADENCE` declares, for each document and state, who must act and by when. Days after that
date (settings): a reminder to who must act on day 3 and day 10, the school tutor told on
day 14, scolarité on day 21 (one notification per run listing how many items escalated).
Each is sent once (a `Reminder` row, unique per step, due date and recipient) by the daily
task `send_reminders`; a person's reminder by hand (`send_manual_reminder`) is recorded too.
Every link is a direct link to the page where the recipient acts (login by code included)."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from apprentissage.enums import ApprenticeshipStatus, StaffRole
from apprentissage.models import User
from apprentissage.notifications import notify

from .deadlines import due_dates
from .enums import DeadlineKind, FicheState, PlanState, ProjectState, ReminderStep
from .models import Fiche, ProjectDossier, Reminder, YearlyPlan

logger = logging.getLogger(__name__)

APPRENTICE, COMPANY_TUTOR, SCHOOL_TUTOR, OPTION_LEAD = (
    "apprentice",
    "company_tutor",
    "school_tutor",
    "option_lead",
)

# kind (in lea:send_reminder's URL) → model, and each document's page
KINDS: dict[str, type] = {"fiche": Fiche, "plan": YearlyPlan, "project": ProjectDossier}
DETAIL_URL = {"fiche": "lea:fiche_detail", "plan": "lea:plan_detail", "project": "lea:project_detail"}
MANUAL_REPEAT_SECONDS = 60  # a second click within this sends nothing more


def kind_of(document) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(document, model))


class DueDates:
    """The dates scolarité set per school year and study year, loaded once for many documents."""

    def __init__(self, documents=()):
        self._dates: dict[str, dict] = {}
        self.load(documents)

    def load(self, documents) -> None:
        pairs = {(d.school_year, d.study_year) for d in documents if not isinstance(d, Fiche)}
        for kind in (DeadlineKind.MISSIONS, DeadlineKind.SUBJECT):
            if pairs:
                self._dates.setdefault(kind, {}).update(due_dates(kind, pairs))

    def get(self, kind: str, document) -> datetime.date:
        key = (document.school_year_id, document.study_year)
        if key not in self._dates.get(kind, {}):
            self._dates.setdefault(kind, {}).update(
                due_dates(kind, [(document.school_year, document.study_year)])
            )
        return self._dates[kind][key]


def _days(count_setting: str) -> Callable:
    def after_submission(document, dates: DueDates) -> datetime.date | None:
        if document.submitted_at is None:
            return None
        days = settings.LEA_FICHE_TUTOR_DAYS * (2 if count_setting == "twice" else 1)
        return timezone.localdate(document.submitted_at) + datetime.timedelta(days=days)

    return after_submission


@dataclass(frozen=True)
class Duty:
    """In `states`, a `kind` of document waits for `parties` (each acting on the page named in
    `links`), due on `due(document, dates)`."""

    kind: str
    states: tuple[str, ...]
    parties: tuple[str, ...]
    due: Callable
    links: dict[str, str]
    action: str  # what the reminder asks, lazily translated


CADENCE: tuple[Duty, ...] = (
    Duty(
        "fiche",
        (FicheState.DRAFT, FicheState.RETURNED),
        (APPRENTICE,),
        lambda fiche, dates: fiche.due_on,
        {APPRENTICE: "lea:fiche_edit"},
        gettext_lazy("Fill in your part of the fiche de liaison and submit it."),
    ),
    Duty(
        "fiche",
        (FicheState.SUBMITTED,),
        (COMPANY_TUTOR,),
        lambda fiche, dates: fiche.tutor_due_on,
        {COMPANY_TUTOR: "lea:fiche_tutor_edit"},
        gettext_lazy("Complete and countersign the fiche de liaison."),
    ),
    Duty(
        "plan",
        (PlanState.DRAFT, PlanState.RETURNED),
        (APPRENTICE, COMPANY_TUTOR),
        lambda plan, dates: dates.get(DeadlineKind.MISSIONS, plan),
        {APPRENTICE: "lea:plan_edit", COMPANY_TUTOR: "lea:plan_edit"},
        gettext_lazy("Describe the year's missions and company project, then submit them."),
    ),
    Duty(
        "plan",
        (PlanState.SUBMITTED,),
        (OPTION_LEAD,),
        lambda plan, dates: dates.get(DeadlineKind.MISSIONS, plan),
        {OPTION_LEAD: "lea:plan_detail"},
        gettext_lazy("Validate the yearly missions description or send it back."),
    ),
    Duty(
        "project",
        (ProjectState.DRAFT, ProjectState.RETURNED),
        (APPRENTICE,),
        lambda project, dates: dates.get(DeadlineKind.SUBJECT, project),
        {APPRENTICE: "lea:project_edit"},
        gettext_lazy("Write the project subject and its dossier de validation, then submit them."),
    ),
    Duty(
        "project",
        (ProjectState.SUBMITTED,),
        (COMPANY_TUTOR,),
        _days("once"),
        {COMPANY_TUTOR: "lea:project_tutor_edit"},
        gettext_lazy("Complete and endorse the dossier de validation."),
    ),
    Duty(
        "project",
        (ProjectState.ENDORSED,),
        (SCHOOL_TUTOR,),
        _days("twice"),
        {SCHOOL_TUTOR: "lea:project_detail"},
        gettext_lazy("Validate the dossier de validation or send it back."),
    ),
)


def duty_of(document) -> Duty | None:
    kind = kind_of(document)
    return next((d for d in CADENCE if d.kind == kind and document.state in d.states), None)


def party(document, name: str) -> User | None:
    apprenticeship = document.apprenticeship
    if name == OPTION_LEAD:
        return apprenticeship.option.lead
    return getattr(apprenticeship, name)


def link(document, url_name: str) -> str:
    return reverse(url_name, args=[document.pk])


@dataclass
class Waiting:
    """Who must act on a document now, by when, and where."""

    document: object
    duty: Duty
    due_on: datetime.date | None
    people: list[tuple[User, str]]  # (person, their link)


def waiting_on(document, dates: DueDates | None = None) -> Waiting | None:
    duty = duty_of(document)
    if duty is None:
        return None
    due_on = duty.due(document, dates or DueDates([document]))
    people = []
    for name in duty.parties:
        person = party(document, name)
        if person is not None and person.is_active and all(person.pk != p.pk for p, _ in people):
            people.append((person, link(document, duty.links[name])))
    return Waiting(document, duty, due_on, people)


def steps() -> list[tuple[str, int]]:
    """The cadence's automatic steps and their day after the due date, in order."""
    first, second = settings.LEA_REMINDER_DAYS
    return [
        (ReminderStep.FIRST, first),
        (ReminderStep.SECOND, second),
        (ReminderStep.SCHOOL_TUTOR, settings.LEA_ESCALATE_SCHOOL_TUTOR_DAY),
        (ReminderStep.SCOLARITE, settings.LEA_ESCALATE_SCOLARITE_DAY),
    ]


def step_due(days_late: int) -> str | None:
    """The latest step due `days_late` days after the due date (a run that missed days sends
    only that one, not every step it missed)."""
    due = [step for step, day in steps() if day <= days_late]
    return due[-1] if due else None


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def names(people) -> str:
    return ", ".join(str(person) for person in people)  # (User.__str__: the full name, else the e-mail)


def _reminder_message(waiting: Waiting) -> tuple[str, str]:
    title = gettext("Reminder: %(document)s (due on %(date)s)") % {
        "document": waiting.document,
        "date": _date(waiting.due_on),
    }
    return title, str(waiting.duty.action)


def _escalation_message(waiting: Waiting) -> tuple[str, str]:
    title = gettext("Late: %(document)s (due on %(date)s)") % {
        "document": waiting.document,
        "date": _date(waiting.due_on),
    }
    message = gettext("Waiting for %(people)s: %(action)s") % {
        "people": names(p for p, _ in waiting.people),
        "action": waiting.duty.action,
    }
    return title, message


def _record(document, *, step, due_on, recipient, sent_by=None) -> Reminder:
    return Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk,
        step=step,
        due_on=due_on,
        recipient=recipient,
        sent_by=sent_by,
    )


def _candidates(today: datetime.date) -> list:
    """The documents of current apprenticeships whose party may be late by the first
    reminder's day (three queries; the yearly dates are read by `DueDates`)."""
    first_day = steps()[0][1]
    late_by = today - datetime.timedelta(days=first_day)
    people = (
        "apprenticeship__apprentice",
        "apprenticeship__company_tutor",
        "apprenticeship__school_tutor",
        "apprenticeship__option__lead",
        "school_year",
    )
    current = Q(apprenticeship__status__in=[ApprenticeshipStatus.PENDING, ApprenticeshipStatus.ACTIVE])
    fiches = (
        Fiche.objects.filter(current)
        .filter(
            Q(state__in=FicheState.with_apprentice(), due_on__lte=late_by)
            | Q(state=FicheState.SUBMITTED, tutor_due_on__lte=late_by)
        )
        .select_related(*people)
    )
    plans = YearlyPlan.objects.filter(current).exclude(state=PlanState.VALIDATED).select_related(*people)
    projects = (
        ProjectDossier.objects.filter(current).exclude(state=ProjectState.VALIDATED).select_related(*people)
    )
    return [*fiches, *plans, *projects]


def send_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """The daily run: for each late document, the latest step of the cadence due, to its
    recipients, unless already sent (the unique constraint makes concurrent or repeated runs
    send nothing twice). Scolarité gets one notification per run with the number of items
    escalated to it. Side effects: `Reminder` rows, notifications (e-mail or digest)."""
    today = today or timezone.localdate()
    documents = _candidates(today)
    dates = DueDates(documents)
    content_types = ContentType.objects.get_for_models(*KINDS.values())
    sent_before = set(
        Reminder.objects.filter(
            content_type__in=content_types.values(),
            object_id__in={d.pk for d in documents},
        )
        .exclude(step=ReminderStep.MANUAL)
        .values_list("content_type_id", "object_id", "step", "due_on", "recipient_id")
    )
    scolarite: list[User] | None = None
    escalated: dict[int, int] = defaultdict(int)
    counts = {str(step): 0 for step, _day in steps()}  # reminders sent at each step
    for document in documents:
        waiting = waiting_on(document, dates)
        if waiting is None or waiting.due_on is None or not waiting.people:
            continue
        step = step_due((today - waiting.due_on).days)
        if step is None:
            continue
        if step in (ReminderStep.FIRST, ReminderStep.SECOND):
            recipients = waiting.people
            title, message = _reminder_message(waiting)
        elif step == ReminderStep.SCHOOL_TUTOR:
            tutor = document.apprenticeship.school_tutor
            acting = {p.pk for p, _ in waiting.people}
            if tutor is None or tutor.pk in acting or not tutor.is_active:
                continue
            recipients = [(tutor, link(document, DETAIL_URL[waiting.duty.kind]))]
            title, message = _escalation_message(waiting)
        else:
            if scolarite is None:
                scolarite = list(User.objects.filter(groups__name=StaffRole.SCOLARITE, is_active=True))
            recipients = [(person, None) for person in scolarite]
            title = message = ""
        content_type = content_types[type(document)]
        for person, url in recipients:
            if (content_type.pk, document.pk, step, waiting.due_on, person.pk) in sent_before:
                continue
            try:
                with transaction.atomic():
                    _record(document, step=step, due_on=waiting.due_on, recipient=person)
                    if url is not None:
                        notify([person], title=title[:255], url=url, message=message)
            except IntegrityError:
                continue  # a concurrent run sent it
            counts[str(step)] += 1
            if step == ReminderStep.SCOLARITE:
                escalated[person.pk] += 1
    for person in scolarite or []:
        if escalated.get(person.pk):
            count = escalated[person.pk]
            notify(
                [person],
                title=ngettext(
                    "%(count)d follow-up document still late after every reminder",
                    "%(count)d follow-up documents still late after every reminder",
                    count,
                )
                % {"count": count},
                url=reverse("lea:late_items"),
                message=gettext("Their reminders and the school tutor's have not been enough."),
            )
    return counts


def send_manual_reminder(document, *, sent_by: User) -> list[User] | None:
    """A person's reminder (school tutor, scolarité) to whoever must act on `document` now,
    with the direct link to where they act. Returns those reminded, or None when nobody has
    anything to do on it. A second click within a minute sends nothing more (the document is
    locked while it is checked). Side effects: `Reminder` rows (step manual), notifications."""
    with transaction.atomic():
        document = type(document).objects.select_for_update().get(pk=document.pk)
        waiting = waiting_on(document)
        if waiting is None or not waiting.people:
            return None
        since = timezone.now() - datetime.timedelta(seconds=MANUAL_REPEAT_SECONDS)
        just_reminded = set(
            Reminder.of(document)
            .filter(step=ReminderStep.MANUAL, sent_at__gte=since)
            .values_list("recipient_id", flat=True)
        )
        due_on = waiting.due_on or timezone.localdate()
        title = gettext("Reminder from %(person)s: %(document)s (due on %(date)s)") % {
            "person": str(sent_by),
            "document": document,
            "date": _date(due_on),
        }
        for person, url in waiting.people:
            if person.pk in just_reminded:
                continue
            _record(document, step=ReminderStep.MANUAL, due_on=due_on, recipient=person, sent_by=sent_by)
            notify([person], title=title[:255], url=url, message=str(waiting.duty.action))
    return [person for person, _url in waiting.people]


def reminder_context(request, document) -> dict:
    """What `lea/includes/reminders.html` shows on a document's page: the reminders sent
    (date, step, to whom, by whom or the portal) and the button when the user may send one."""
    kind = kind_of(document)
    waiting = waiting_on(document, DueDates())  # (only the due date of the document's duty: one query)
    people = [person for person, _url in waiting.people] if waiting else []
    return {
        "reminders": list(Reminder.of(document)),
        "can_send_reminder": bool(people) and request.user.has_perm("lea.send_reminder", document),
        "reminder_url": reverse("lea:send_reminder", args=[kind, document.pk]),
        "reminder_next": request.get_full_path(),
        "waiting_for": people,
    }
