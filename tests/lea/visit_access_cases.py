"""Company visits in the access matrix (registered by tests/test_access_matrix.py): every URL
× every persona. A visit is between the apprentice, the tutors, the option lead and
scolarité: a company contact, MidiSup and strangers get 404; someone else's visit 404."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from apprentissage.models import SchoolYear
from lea.enums import VisitState
from lea.models import Visit, VisitAction, VisitComment

from .. import factories as f
from ..access import CASES, Case, expect

PARIS = ZoneInfo("Europe/Paris")
HELD = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
READERS = dict(apprentice=200, company_tutor=200, school_tutor=200, option_lead=200, scolarite=200, admin=200)
PLANNERS = dict(school_tutor=200, scolarite=200, admin=200)
COMPLETE = {
    "missions_fit": "Adaptées.",
    "working_conditions": "Bonnes.",
    "integration": "Réussie.",
    "progress": "Nette.",
    "competencies_apprentice_view": "À l'aise.",
    "competencies_tutor_view": "En progrès.",
    "project_status": "Sujet choisi.",
    "mobility_and_english": "Été 2027.",
    "risk": "green",
    "overall_assessment": "Très bien.",
    "next_visit_on": datetime.date(2027, 4, 15),
}
PLAN = {
    "day": "2026-12-08",
    "time": "14:00",
    "duration_minutes": 90,
    "mode": "video",
    "location": "https://visio.example.com/visite",
    "attendees": "L'apprenti, le tuteur",
}


def _planned(w, apprenticeship=None) -> Visit:
    apprenticeship = apprenticeship or w.own
    return Visit.objects.filter(
        apprenticeship=apprenticeship, state=VisitState.PLANNED
    ).first() or f.VisitFactory(apprenticeship=apprenticeship)


def _held(w) -> Visit:
    """A visit four days ago with a complete report, ready to sign."""
    return Visit.objects.filter(apprenticeship=w.own, starts_at=HELD).first() or f.VisitFactory(
        apprenticeship=w.own, starts_at=HELD, **COMPLETE
    )


def _reported(w) -> Visit:
    """A signed visit (state set directly: the signing itself is tested in test_visit_report)
    with an action of the apprentice."""
    visit = Visit.objects.filter(apprenticeship=w.own, state=VisitState.REPORTED).first()
    if visit is None:
        visit = f.VisitFactory(
            apprenticeship=w.own,
            starts_at=HELD,
            school_year=SchoolYear.objects.get(start_year=2026),
            state=VisitState.REPORTED,
            **COMPLETE,
        )
        VisitAction.objects.create(
            visit=visit,
            description="Note de cadrage",
            owner_role="apprentice",
            owner=w.own.apprentice,
            due_on=datetime.date(2026, 12, 18),
        )
    return visit


def _state(visit_of):
    return lambda w: list(Visit.objects.filter(pk=visit_of(w).pk).values_list("state", "version", "sequence"))


CASES.add(
    Case(
        "lea:visit_plan",
        "own apprentice",
        lambda w: reverse("lea:visit_plan", args=[w.own.pk]),
        expect(404, **PLANNERS),
    ),
    Case(
        "lea:visit_plan",
        "post",
        lambda w: reverse("lea:visit_plan", args=[w.own.pk]),
        expect(404, school_tutor=302, scolarite=302, admin=302),
        method="post",
        data=lambda w: PLAN,
        unchanged=lambda w: Visit.objects.count(),
    ),
    Case(
        "lea:visit_plan",
        "someone else's apprentice",
        lambda w: reverse("lea:visit_plan", args=[w.other.pk]),
        expect(404, scolarite=200, admin=200),
    ),
    Case(
        "lea:visit_detail",
        "own",
        lambda w: reverse("lea:visit_detail", args=[_planned(w).pk]),
        expect(404, **READERS),
    ),
    Case(
        "lea:visit_detail",
        "someone else's",
        lambda w: reverse("lea:visit_detail", args=[_planned(w, w.other).pk]),
        expect(404, scolarite=200, admin=200),
    ),
    # Readers who may not change it are sent back to the visit's page (302).
    Case(
        "lea:visit_edit",
        "",
        lambda w: reverse("lea:visit_edit", args=[_planned(w).pk]),
        expect(404, apprentice=302, company_tutor=302, option_lead=302, **PLANNERS),
    ),
    Case(
        "lea:visit_edit",
        "post",
        lambda w: reverse("lea:visit_edit", args=[_planned(w).pk]),
        expect(
            404,
            apprentice=302,
            company_tutor=302,
            option_lead=302,
            school_tutor=302,
            scolarite=302,
            admin=302,
        ),
        method="post",
        data=lambda w: {**PLAN, "version": _planned(w).version},
        unchanged=_state(_planned),
    ),
    Case(
        "lea:visit_report",
        "",
        lambda w: reverse("lea:visit_report", args=[_held(w).pk]),
        expect(
            404,
            apprentice=302,
            company_tutor=302,
            option_lead=302,
            scolarite=302,
            admin=302,
            school_tutor=200,
        ),
    ),
    Case(
        "lea:visit_report",
        "post",
        lambda w: reverse("lea:visit_report", args=[_held(w).pk]),
        expect(
            404,
            apprentice=302,
            company_tutor=302,
            option_lead=302,
            scolarite=302,
            admin=302,
            school_tutor=302,
        ),
        method="post",
        data=lambda w: {
            **COMPLETE,
            "overall_assessment": "Changé",
            "version": _held(w).version,
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        unchanged=lambda w: (
            Visit.objects.filter(pk=_held(w).pk).values_list("overall_assessment", "version").get()
        ),
    ),
    Case(
        "lea:visit_transition",
        "sign_report",
        lambda w: reverse("lea:visit_transition", args=[_held(w).pk, "sign_report"]),
        expect(
            404,
            apprentice=403,
            company_tutor=403,
            option_lead=403,
            scolarite=403,
            admin=403,
            school_tutor=302,
        ),
        method="post",
        data=lambda w: {
            "typed_name": f"{w.own.school_tutor.first_name} {w.own.school_tutor.last_name}",
            "consent": "on",
        },
        unchanged=_state(_held),
    ),
    Case(
        "lea:visit_transition",
        "cancel",
        lambda w: reverse("lea:visit_transition", args=[_planned(w).pk, "cancel"]),
        expect(
            404,
            apprentice=403,
            company_tutor=403,
            option_lead=403,
            school_tutor=302,
            scolarite=302,
            admin=302,
        ),
        method="post",
        data=lambda w: {"comment": "Reportée"},
        unchanged=_state(_planned),
    ),
    Case(
        "lea:visit_comment",
        "post",
        lambda w: reverse("lea:visit_comment", args=[_reported(w).pk]),
        expect(
            404,
            apprentice=302,
            company_tutor=302,
            school_tutor=403,
            option_lead=403,
            scolarite=403,
            admin=403,
        ),
        method="post",
        data=lambda w: {"body": "Merci."},
        unchanged=lambda w: VisitComment.objects.count(),
    ),
    Case(
        "lea:visit_ics", "", lambda w: reverse("lea:visit_ics", args=[_planned(w).pk]), expect(404, **READERS)
    ),
    Case(
        "lea:visit_pdf",
        "",
        lambda w: reverse("lea:visit_pdf", args=[_reported(w).pk]),
        expect(404, **READERS),
    ),
    Case(
        "lea:action_done",
        "the apprentice's action",
        lambda w: reverse("lea:action_done", args=[_reported(w).actions.get().pk]),
        expect(
            404,
            apprentice=302,
            school_tutor=302,
            company_tutor=403,
            option_lead=403,
            scolarite=403,
            admin=403,
        ),
        method="post",
        unchanged=lambda w: list(VisitAction.objects.values_list("done_at", flat=True)),
    ),
    Case(
        "lea:missing_visits",
        "",
        lambda w: reverse("lea:missing_visits"),
        expect(403, school_tutor=200, scolarite=200, admin=200),
    ),
)
