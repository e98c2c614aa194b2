"""The Unité Entreprise graded online and the defences in the access matrix (registered by
tests/test_access_matrix.py): every URL × every persona. world.own is in 2A in 2026-2027.

An apprentice's Unité Entreprise is read by the apprentice, the tutors, the option lead and
scolarité; anyone else gets 404 (another apprentice's too). Those who read it but may not act
get 403. Reports are downloaded by the apprentice, the school tutor, the option lead and
scolarité (not the company). Each jury member scores as themselves; the agreed scores are
the school tutor's or scolarité's; the behaviour is the company tutor's alone."""

from django.urls import reverse

from apprentissage.models import Signature
from evaluation.enums import ScorerRole
from evaluation.models import ComponentGrade, Defence, ReportFile, RubricScoring

from ..access import CASES, Case, expect, staff_only
from . import company_unit_helpers as h

READERS = dict(apprentice=200, company_tutor=200, school_tutor=200, option_lead=200, scolarite=200, admin=200)
STAFF = dict(scolarite=200, admin=200)


def _readers(allowed: int, **who) -> dict:
    """Readers of world.own's UW get 403 unless listed in `who`; strangers 404."""
    table = {persona: 403 for persona in READERS}
    table.update(who)
    return expect(404, **table)


def _enrolment(w):
    return h.own(w)[0]


def _component(w, code):
    return h.own(w)[1][code]


def _report(w) -> ReportFile:
    enrolment, components = h.own(w)
    component = components[h.REPORT[2]]
    return ReportFile.objects.filter(enrolment=enrolment, current=True).first() or _upload(
        w, enrolment, component
    )


def _upload(w, enrolment, component):
    from evaluation import company_unit as uw

    return uw.upload_report(slot=h.slot(enrolment, component), upload=h.pdf_upload(), actor=w.own.apprentice)


def _signed(w) -> RubricScoring:
    enrolment, components = h.own(w)
    component = components[h.BEHAVIOUR]
    scoring = RubricScoring.objects.filter(enrolment=enrolment, component=component).first()
    return scoring or h.signed_behaviour(enrolment, component, w.own.company_tutor)


def _defence(w) -> Defence:
    enrolment, components = h.own(w)
    h.defence_week(enrolment.school_year)
    return Defence.objects.filter(enrolment=enrolment).first() or h.make_defence(
        enrolment, components[h.PROJECT[2]]
    )


def _score_url(code, role):
    return lambda w: reverse("evaluation:rubric_score", args=[_enrolment(w).pk, _component(w, code).pk, role])


def _defence_ready(w):
    enrolment = _enrolment(w)
    h.own(w)
    h.defence_week(enrolment.school_year)
    return enrolment


DEFENCE_POST = {
    "day": "2027-06-15",
    "start": "14:00",
    "end": "15:00",
    "room": "Salle C201",
}


def _defence_post(w, defence=None):
    apprenticeship = w.own
    data = {
        **DEFENCE_POST,
        "company_tutor": apprenticeship.company_tutor.pk,
        "school_tutor": apprenticeship.school_tutor.pk,
        "option_lead": apprenticeship.option.lead.pk,
    }
    if defence is not None:
        data["sequence"] = 0
    return data


CASES.add(
    Case(
        "evaluation:my_company_unit",
        "",
        lambda w: reverse("evaluation:my_company_unit"),
        expect(403, apprentice=200),
    ),
    Case(
        "evaluation:company_unit",
        "own",
        lambda w: reverse("evaluation:company_unit", args=[_enrolment(w).pk]),
        expect(404, **READERS),
    ),
    Case(
        "evaluation:company_unit",
        "someone else's",
        lambda w: reverse("evaluation:company_unit", args=[h.enrolment_of(w.other).pk]),
        expect(404, **STAFF),
    ),
    # Reports
    Case(
        "evaluation:report_upload",
        "",
        lambda w: reverse("evaluation:report_upload", args=[_enrolment(w).pk, _component(w, h.REPORT[2]).pk]),
        _readers(403, apprentice=200),
    ),
    Case(
        "evaluation:report_upload",
        "post",
        lambda w: reverse("evaluation:report_upload", args=[_enrolment(w).pk, _component(w, h.REPORT[2]).pk]),
        _readers(403, apprentice=302),
        method="post",
        data=lambda w: {"file": h.pdf_upload()},
        unchanged=lambda w: ReportFile.objects.count(),
    ),
    Case(
        "evaluation:report_upload",
        "not a report",
        lambda w: reverse("evaluation:report_upload", args=[_enrolment(w).pk, _component(w, h.BEHAVIOUR).pk]),
        expect(404),
    ),
    Case(
        "evaluation:report_download",
        "own",
        lambda w: reverse("evaluation:report_download", args=[_report(w).pk]),
        expect(404, apprentice=200, school_tutor=200, option_lead=200, **STAFF),
    ),
    Case(
        "evaluation:report_grade",
        "",
        lambda w: reverse("evaluation:report_grade", args=[_enrolment(w).pk, _component(w, h.REPORT[2]).pk]),
        _readers(403, school_tutor=200, **STAFF),
    ),
    Case(
        "evaluation:report_grade",
        "post",
        lambda w: reverse("evaluation:report_grade", args=[_enrolment(w).pk, _component(w, h.REPORT[2]).pk]),
        _readers(403, school_tutor=302, scolarite=302, admin=302),
        method="post",
        data=lambda w: {"grade": "14,5", "comment": "Clair.", "version": 0},
        unchanged=lambda w: list(ComponentGrade.objects.values_list("value", "version")),
    ),
    # Rubrics: each jury member as themselves, the agreed scores, the behaviour
    Case(
        "evaluation:rubric_score",
        "project as company tutor",
        _score_url(h.PROJECT[2], ScorerRole.COMPANY_TUTOR),
        _readers(403, company_tutor=200),
    ),
    Case(
        "evaluation:rubric_score",
        "project as school tutor",
        _score_url(h.PROJECT[2], ScorerRole.SCHOOL_TUTOR),
        _readers(403, school_tutor=200),
    ),
    Case(
        "evaluation:rubric_score",
        "project as option lead",
        _score_url(h.PROJECT[2], ScorerRole.OPTION_LEAD),
        _readers(403, option_lead=200),
    ),
    Case(
        "evaluation:rubric_score",
        "project, agreed scores",
        _score_url(h.PROJECT[2], ScorerRole.AGREED),
        _readers(403, school_tutor=200, **STAFF),
    ),
    Case(
        "evaluation:rubric_score",
        "behaviour",
        _score_url(h.BEHAVIOUR, ScorerRole.COMPANY_TUTOR),
        _readers(403, company_tutor=200),
    ),
    Case(
        "evaluation:rubric_score",
        "behaviour, another role",
        _score_url(h.BEHAVIOUR, ScorerRole.SCHOOL_TUTOR),
        _readers(403),
    ),
    Case("evaluation:rubric_score", "unknown role", _score_url(h.PROJECT[2], "president"), expect(404)),
    Case(
        "evaluation:rubric_score",
        "a report has no rubric",
        _score_url(h.REPORT[2], ScorerRole.SCHOOL_TUTOR),
        expect(404),
    ),
    Case(
        "evaluation:rubric_score",
        "post project draft as company tutor",
        _score_url(h.PROJECT[2], ScorerRole.COMPANY_TUTOR),
        _readers(403, company_tutor=302),
        method="post",
        data=lambda w: h.rubric_post(_component(w, h.PROJECT[2])),
        unchanged=lambda w: list(RubricScoring.objects.values_list("role", "points", "version")),
    ),
    Case(
        "evaluation:rubric_score",
        "post behaviour signed",
        _score_url(h.BEHAVIOUR, ScorerRole.COMPANY_TUTOR),
        _readers(403, company_tutor=302),
        method="post",
        data=lambda w: {
            **h.rubric_post(_component(w, h.BEHAVIOUR), action="sign"),
            "typed_name": f"{w.own.company_tutor.first_name} {w.own.company_tutor.last_name}",
            "consent": "on",
        },
        unchanged=lambda w: (Signature.objects.count(), list(RubricScoring.objects.values_list("version"))),
    ),
    Case(
        "evaluation:behaviour_reopen",
        "signed",
        lambda w: reverse("evaluation:behaviour_reopen", args=[_enrolment(w).pk, _signed(w).component_id]),
        _readers(403, **STAFF),
    ),
    Case(
        "evaluation:behaviour_reopen",
        "post",
        lambda w: reverse("evaluation:behaviour_reopen", args=[_enrolment(w).pk, _signed(w).component_id]),
        _readers(403, scolarite=302, admin=302),
        method="post",
        data=lambda w: {"reason": "Erreur de saisie signalée par le tuteur."},
        unchanged=lambda w: list(Signature.objects.values_list("voided_at", flat=True)),
    ),
    # Lists and scolarité's pages
    Case(
        "evaluation:to_grade",
        "",
        lambda w: reverse("evaluation:to_grade"),
        expect(403, company_tutor=200, school_tutor=200, option_lead=200),
    ),
    Case("evaluation:report_deadlines", "", lambda w: reverse("evaluation:report_deadlines"), staff_only()),
    Case(
        "evaluation:report_deadlines",
        "post",
        lambda w: reverse("evaluation:report_deadlines") + "?annee=2026",
        staff_only(302),
        method="post",
        data=lambda w: {f"due_{_component(w, h.REPORT[2]).pk}": "2027-01-15"},
        unchanged=lambda w: [c.due_on for c in h.own(w)[1].values()],
    ),
    # Defences
    Case("evaluation:defence_list", "", lambda w: reverse("evaluation:defence_list"), staff_only()),
    Case(
        "evaluation:defence_schedule",
        "",
        lambda w: reverse("evaluation:defence_schedule", args=[_defence_ready(w).pk]),
        staff_only(),
    ),
    Case(
        "evaluation:defence_schedule",
        "post",
        lambda w: reverse("evaluation:defence_schedule", args=[_defence_ready(w).pk]),
        staff_only(302),
        method="post",
        data=_defence_post,
        unchanged=lambda w: Defence.objects.count(),
    ),
    Case(
        "evaluation:defence_edit",
        "",
        lambda w: reverse("evaluation:defence_edit", args=[_defence(w).pk]),
        staff_only(),
    ),
    Case(
        "evaluation:defence_edit",
        "post",
        lambda w: reverse("evaluation:defence_edit", args=[_defence(w).pk]),
        staff_only(302),
        method="post",
        data=lambda w: _defence_post(w, _defence(w)),
        unchanged=lambda w: list(Defence.objects.values_list("starts_at", "room")),
    ),
    Case(
        "evaluation:defence_cancel",
        "",
        lambda w: reverse("evaluation:defence_cancel", args=[_defence(w).pk]),
        staff_only(),
    ),
    Case(
        "evaluation:defence_cancel",
        "post",
        lambda w: reverse("evaluation:defence_cancel", args=[_defence(w).pk]),
        staff_only(302),
        method="post",
        data=lambda w: {"reason": "Tuteur indisponible."},
        unchanged=lambda w: list(Defence.objects.values_list("state", "cancel_reason")),
    ),
    Case(
        "evaluation:defence_ics",
        "own",
        lambda w: reverse("evaluation:defence_ics", args=[_defence(w).pk]),
        expect(404, **READERS),
    ),
)
