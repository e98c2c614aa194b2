"""The LEA's XLSX exports (apprentissage.tabular: formula-safe): scolarité's completion table,
and one apprentice's follow-up evidence for a quality audit."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.models import TransitionLog
from apprentissage.tabular import xlsx_response
from apprentissage.workflow import workflows
from lea.boards import COMPLETION_HEADERS, completion_table
from lea.enums import VisitState
from lea.models import Fiche, ProjectDossier, Reminder, Visit, VisitAction, YearlyPlan


def completion_xlsx(school_year, today: datetime.date):
    rows = [row.values() for row in completion_table(school_year, today)]
    return xlsx_response(
        f"suivi-livret-{school_year.label}.xlsx",
        [str(h) for h in COMPLETION_HEADERS],
        rows,
        title=_("Completion"),
    )


EVIDENCE_HEADERS = [
    gettext_lazy("Date"),
    gettext_lazy("Document"),
    gettext_lazy("Action"),
    gettext_lazy("By"),
    gettext_lazy("Details"),
]


def evidence_rows(apprenticeship) -> list[list]:
    """Every dated follow-up action of one apprenticeship, oldest first: fiches (submitted,
    countersigned, acknowledged, concerns and their handling), visits (planned, held,
    reported, agreed actions and when done), reminders, and every workflow transition. A
    constant number of queries."""
    rows: list[list] = []
    fiches = list(
        Fiche.objects.filter(apprenticeship=apprenticeship).select_related("acknowledged_by", "school_year")
    )
    visits = list(Visit.objects.filter(apprenticeship=apprenticeship))
    plans = list(YearlyPlan.objects.filter(apprenticeship=apprenticeship).select_related("school_year"))
    projects = list(
        ProjectDossier.objects.filter(apprenticeship=apprenticeship).select_related("school_year")
    )
    names = {}
    for fiche in fiches:
        name = _("Fiche de liaison no. %(number)s (%(year)s)") % {
            "number": fiche.number,
            "year": fiche.school_year,
        }
        names[(Fiche, fiche.pk)] = name
        if fiche.submitted_at:
            rows.append(
                [
                    fiche.submitted_at,
                    name,
                    _("Submitted by the apprentice"),
                    str(apprenticeship.apprentice),
                    "",
                ]
            )
        if fiche.countersigned_at:
            rows.append(
                [
                    fiche.countersigned_at,
                    name,
                    _("Countersigned by the company tutor"),
                    str(apprenticeship.company_tutor or ""),
                    "",
                ]
            )
        if fiche.concern:
            rows.append(
                [
                    fiche.countersigned_at or fiche.state_changed_at,
                    name,
                    _("Concern raised by the company tutor"),
                    str(apprenticeship.company_tutor or ""),
                    fiche.concern_reason,
                ]
            )
        if fiche.acknowledged_at:
            handling = _("Concern handled: ") if fiche.concern else ""
            rows.append(
                [
                    fiche.acknowledged_at,
                    name,
                    _("Acknowledged by the school tutor"),
                    str(fiche.acknowledged_by or ""),
                    f"{handling}{fiche.school_comment}".strip(),
                ]
            )
    for visit in visits:
        name = _("Company visit of %(date)s") % {
            "date": timezone.localdate(visit.starts_at).strftime("%d/%m/%Y")
        }
        names[(Visit, visit.pk)] = name
        if visit.state == VisitState.CANCELLED:
            rows.append(
                [
                    visit.state_changed_at or visit.starts_at,
                    name,
                    _("Visit cancelled"),
                    "",
                    visit.cancel_reason,
                ]
            )
        else:
            rows.append(
                [
                    visit.starts_at,
                    name,
                    _("Visit (%(mode)s)") % {"mode": visit.get_mode_display()},
                    str(apprenticeship.school_tutor or ""),
                    visit.attendees,
                ]
            )
        if visit.reported_at:
            risk = visit.get_risk_display() if visit.risk else ""
            rows.append(
                [
                    visit.reported_at,
                    name,
                    _("Report signed"),
                    str(apprenticeship.school_tutor or ""),
                    f"{risk} {visit.risk_reason}".strip(),
                ]
            )
    for action in VisitAction.objects.filter(visit__apprenticeship=apprenticeship).select_related("done_by"):
        name = names.get((Visit, action.visit_id), "")
        rows.append(
            [
                action.due_on,
                name,
                _("Agreed action due: %(action)s") % {"action": action.description},
                action.get_owner_role_display(),
                "",
            ]
        )
        if action.done_at:
            rows.append(
                [
                    action.done_at,
                    name,
                    _("Agreed action done: %(action)s") % {"action": action.description},
                    str(action.done_by or ""),
                    "",
                ]
            )
    for plan in plans:
        names[(YearlyPlan, plan.pk)] = _("Missions description %(year)s") % {"year": plan.school_year}
    for project in projects:
        names[(ProjectDossier, project.pk)] = _("Project %(year)s") % {"year": project.school_year}

    types = ContentType.objects.get_for_models(Fiche, Visit, YearlyPlan, ProjectDossier)
    by_type = {types[model].pk: model for model in types}
    documents = Q(pk__in=[])
    for model, content_type in types.items():
        pks = [pk for (m, pk) in names if m is model]
        if pks:
            documents |= Q(content_type=content_type, object_id__in=pks)
    for reminder in Reminder.objects.filter(documents).select_related("recipient", "sent_by"):
        name = names.get((by_type[reminder.content_type_id], reminder.object_id), "")
        rows.append(
            [
                reminder.sent_at,
                name,
                reminder.get_step_display(),
                str(reminder.sent_by or _("the portal")),
                _("to %(person)s, about the date %(date)s")
                % {"person": reminder.recipient or "—", "date": reminder.due_on.strftime("%d/%m/%Y")},
            ]
        )
    for log in TransitionLog.objects.filter(documents).select_related("actor"):
        model = by_type[log.content_type_id]
        name = names.get((model, log.object_id), "")
        action, from_state, to_state = _labels(model, log)
        rows.append(
            [
                log.at,
                name,
                _("Transition: %(name)s (%(from)s → %(to)s)")
                % {"name": action, "from": from_state, "to": to_state},
                str(log.actor or _("the portal")),
                log.comment,
            ]
        )

    def when(row):
        value = row[0]
        if isinstance(value, datetime.datetime):
            return value
        return (
            datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)
            if value
            else datetime.datetime.min.replace(tzinfo=datetime.UTC)
        )

    return sorted(rows, key=when)


def _labels(model, log) -> tuple[str, str, str]:
    """A logged transition in people's words: its workflow's label, the states' labels."""
    workflow = next((w for w in workflows() if w.model is model), None)
    transition = workflow._by_name.get(log.transition) if workflow else None
    states = dict(model._meta.get_field(workflow.state_field if workflow else "state").flatchoices)
    return (
        str(transition.label) if transition else log.transition,
        str(states.get(log.from_state, log.from_state)),
        str(states.get(log.to_state, log.to_state)),
    )


def evidence_xlsx(apprenticeship):
    name = apprenticeship.apprentice.last_name or str(apprenticeship.pk)
    return xlsx_response(
        f"suivi-{name}.xlsx",
        [str(h) for h in EVIDENCE_HEADERS],
        evidence_rows(apprenticeship),
        title=_("Follow-up"),
    )
