"""`make demo`'s LEA: the framework, every apprentice's booklet, each persona's starting point."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from apprentissage.models import (
    Apprenticeship,
    Notification,
    Option,
    OutboxEmail,
    SchoolYear,
    Signature,
    TransitionLog,
    User,
)
from apprentissage.signatures import valid_signature, verify
from lea import framework_seed
from lea.enums import (
    BEHAVIOUR_SCALE_MAX,
    CompetencyLevel,
    FicheState,
    PlanState,
    ReminderStep,
    VisitState,
)
from lea.fiches import sync_fiches
from lea.models import (
    Competency,
    CompetencyBlock,
    Fiche,
    ProjectDossier,
    Reminder,
    Visit,
    VisitAction,
    YearlyPlan,
    YearlyPlanVersion,
)
from lea.models.competencies import framework_for
from planning.selectors import calendars_for

from ..demo_once import load_demo

LEA_MODELS = (Fiche, Visit, VisitAction, YearlyPlan, YearlyPlanVersion, ProjectDossier, Reminder)


def _counts():
    return (
        *(model.objects.count() for model in LEA_MODELS),
        Competency.objects.count(),
        CompetencyBlock.objects.count(),
        Competency.history.count(),
        Fiche.history.count(),
        Signature.objects.count(),
        TransitionLog.objects.count(),
        Notification.objects.count(),
        OutboxEmail.objects.count(),
    )


def _years():
    current = SchoolYear.objects.current()
    return SchoolYear.objects.get(start_year=current.start_year - 1), current


def _logs(document):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(document), object_id=document.pk
    ).order_by("at", "pk")


def _assert_validly_signed(document, signer):
    signature = valid_signature(document)
    assert signature is not None, document
    assert signature.signer == signer
    assert signature.signer_name == f"{signer.first_name} {signer.last_name}"
    checked = verify(signature.verification_code)
    assert checked is not None and checked.document == document and checked.content_unchanged


def test_running_twice_duplicates_nothing(demo_data):
    before = _counts()
    assert all(before[: len(LEA_MODELS)])  # the module's demo has every kind of LEA record
    load_demo()
    assert _counts() == before


def test_framework_has_a_common_block_and_one_per_option(demo_data):
    common = CompetencyBlock.objects.get(option=None)
    assert common.name == framework_seed.COMMON_BLOCK
    assert [c.code for c in common.competencies.order_by("position")] == [
        "gen-conception",
        "gen-organisation",
        "gen-amelioration",
        "gen-projet",
    ]
    # The seed's own wording.
    assert common.competencies.get(code="gen-projet").label.startswith("Conduite d'un projet")
    for option in Option.objects.all():
        block = CompetencyBlock.objects.get(option=option)
        assert block.competencies.count() >= 3
        codes = [c["code"] for c in framework_for(option)]
        assert codes[:4] == [code for code, _label in framework_seed.COMMON]  # common ones first
        assert set(codes[4:]) == set(block.competencies.values_list("code", flat=True))
    assert CompetencyBlock.objects.count() == 1 + Option.objects.count()


def test_the_demo_apprentice_has_a_fiche_to_fill(demo_data):
    today = timezone.localdate()
    fiche = Fiche.objects.get(
        apprenticeship__apprentice__email="apprenti@example.com", state=FicheState.DRAFT
    )
    assert fiche.school_year == SchoolYear.objects.current()
    assert fiche.return_on <= today and fiche.period_end < fiche.return_on  # its period is over
    assert fiche.is_started and fiche.activities  # partly filled on her phone…
    assert not fiche.next_objectives and not fiche.project_progress  # …not finished
    assert all(level in CompetencyLevel.values for level in fiche.self_ratings.values())
    # The latest period: no later fiche is due before it.
    later = Fiche.objects.filter(apprenticeship=fiche.apprenticeship, return_on__gt=fiche.return_on)
    assert all(f.return_on > today for f in later)


def test_the_demo_company_tutor_has_a_fiche_to_countersign_from_a_reminder(demo_data):
    tutor = User.objects.get(email="tuteur.entreprise@example.com")
    fiche = Fiche.objects.get(apprenticeship__company_tutor=tutor, state=FicheState.SUBMITTED)
    assert fiche.submitted_at and fiche.tutor_due_on < timezone.localdate()  # he is late
    assert fiche.apprentice_section()["next_objectives"]  # the apprentice's part is complete
    # It was sent back once, with his remark, then resubmitted.
    assert [(log.transition, bool(log.comment)) for log in _logs(fiche)] == [
        ("submit", False),
        ("send_back", True),
        ("submit", False),
    ]
    reminder = Reminder.of(fiche).get(step=ReminderStep.FIRST)
    assert reminder.recipient == tutor and reminder.due_on == fiche.tutor_due_on
    link = reverse("lea:fiche_tutor_edit", args=[fiche.pk])
    assert Notification.objects.filter(recipient=tutor, url=link).count() == 1
    email = OutboxEmail.objects.get(to=tutor.email)
    assert link in email.body


def test_the_demo_school_tutor_has_a_visit_to_plan_and_a_report_to_write(demo_data):
    tutor = User.objects.get(email="tuteur.ecole@example.com")
    _previous, current = _years()
    theirs = Apprenticeship.objects.filter(school_tutor=tutor, enrolments__school_year=current)
    visited = Visit.objects.filter(school_year=current).exclude(state=VisitState.CANCELLED)
    assert theirs.exclude(visits__in=visited).exists()
    to_report = Visit.objects.get(
        apprenticeship__apprentice__email="apprenti@example.com", school_year=current
    )
    assert to_report.state == VisitState.PLANNED and to_report.starts_at < timezone.now()
    assert not to_report.overall_assessment and not to_report.risk
    # A countersigned fiche of one of theirs to acknowledge.
    assert Fiche.objects.filter(
        apprenticeship__school_tutor=tutor, school_year=current, state=FicheState.COUNTERSIGNED
    ).exists()
    # And a planned visit still to come, somewhere in the demo.
    assert Visit.objects.filter(state=VisitState.PLANNED, starts_at__gt=timezone.now()).exists()


def test_the_option_lead_has_a_resubmitted_missions_description_to_validate(demo_data):
    lead = User.objects.get(email="responsable.option@example.com")
    plan = YearlyPlan.objects.get(
        apprenticeship__option__lead=lead, state=PlanState.SUBMITTED, versions__number=2
    )
    first, second = plan.versions.order_by("number")
    assert first.decision == "returned" and first.remarks and first.decided_by == lead
    assert second.decision == "" and second.content == plan.content() != first.content
    assert [log.transition for log in _logs(plan)] == ["submit", "send_back", "submit"]


def test_every_2025_2026_fiche_is_countersigned_with_a_valid_signature(demo_data):
    previous, _current = _years()
    enrolled = list(
        Apprenticeship.objects.with_people().with_enrolments().filter(enrolments__school_year=previous)
    )
    assert len(enrolled) > 20
    fiches = {a.pk: [] for a in enrolled}
    for fiche in Fiche.objects.filter(school_year=previous):
        fiches[fiche.apprenticeship_id].append(fiche)
    for a in enrolled:
        assert len(fiches[a.pk]) >= 4, a
        for fiche in fiches[a.pk]:
            assert fiche.state == FicheState.ACKNOWLEDGED and fiche.acknowledged_by
            assert fiche.submitted_at < fiche.countersigned_at < fiche.acknowledged_at
            assert set(fiche.tutor_ratings.values()) <= set(CompetencyLevel.values)
            assert all(0 <= v <= BEHAVIOUR_SCALE_MAX for v in fiche.behaviour_ratings.values())
            assert [log.transition for log in _logs(fiche)] == ["submit", "countersign", "acknowledge"]
            _assert_validly_signed(fiche, a.company_tutor)


def test_2025_2026_visits_held_plans_and_projects_validated(demo_data):
    previous, _current = _years()
    enrolled = Apprenticeship.objects.with_people().filter(enrolments__school_year=previous)
    for a in enrolled:
        visit = Visit.objects.get(apprenticeship=a, school_year=previous)
        assert visit.state == VisitState.REPORTED and visit.overall_assessment and visit.risk
        _assert_validly_signed(visit, a.school_tutor or a.option.lead)
        assert YearlyPlan.objects.get(apprenticeship=a, school_year=previous).state == PlanState.VALIDATED
        dossier = ProjectDossier.objects.get(apprenticeship=a, school_year=previous)
        assert dossier.state == "validated"
        _assert_validly_signed(dossier, a.company_tutor)


def test_fiche_periods_come_from_each_apprentices_calendar(demo_data):
    previous, current = _years()
    apprenticeships = list(Apprenticeship.objects.with_enrolments().filter(fiches__isnull=False).distinct())
    calendars = calendars_for(apprenticeships, [previous, current], with_sessions=False)
    for a, calendar in zip(apprenticeships, calendars, strict=True):
        fiches = list(Fiche.objects.filter(apprenticeship=a).order_by("return_on"))
        returns = set(calendar.returns_to_school(previous.start_date, current.end_date))
        for fiche in fiches:
            assert fiche.return_on in returns
            assert a.contract_start <= fiche.period_start <= fiche.period_end < fiche.return_on
            # The week before the return is not at school (company, or closure before it).
            assert not calendar.week(fiche.period_end - datetime.timedelta(days=4)).is_at_school
            assert fiche.study_year == calendar.study_year_in(fiche.school_year)
    # The direct entry into 2A has no fiche of the year before they came.
    assert not Fiche.objects.filter(
        apprenticeship__apprentice__email="apprenti04@example.com", school_year=previous
    ).exists()


def test_the_daily_sync_finds_the_demo_fiches_as_the_calendar_wants_them(demo_data):
    """The demo makes its fiches with the portal's own periods: the daily run (and the runs
    the demo's enrolments trigger) neither adds, moves nor cancels any."""
    assert sync_fiches() == {"created": 0, "moved": 0, "cancelled": 0}


def test_2026_2027_has_late_returned_and_concerned_fiches(demo_data):
    _previous, current = _years()
    today = timezone.localdate()
    fiches = Fiche.objects.filter(school_year=current)
    late = [f for f in fiches.filter(state=FicheState.DRAFT) if f.late_since(today)]
    assert len(late) >= 3
    for fiche in late:
        steps = set(Reminder.of(fiche).values_list("step", flat=True))
        if today - fiche.due_on >= datetime.timedelta(days=3):
            assert ReminderStep.FIRST in steps, fiche
    returned = fiches.get(state=FicheState.RETURNED)
    assert _logs(returned).last().transition == "send_back" and _logs(returned).last().comment
    concern = fiches.get(concern=True)
    assert concern.state in FicheState.done() and concern.concern_reason
    _assert_validly_signed(concern, concern.apprenticeship.company_tutor)
    school_tutor = concern.apprenticeship.school_tutor or concern.apprenticeship.option.lead
    # Told at once (the countersignature's notification has the same link: the message is
    # the concern's reason), and recorded as told, so the portal does not tell it again.
    told = Notification.objects.get(
        recipient=school_tutor,
        url=reverse("lea:fiche_detail", args=[concern.pk]),
        message=concern.concern_reason,
    )
    assert concern.concern_told_at == told.created_at < concern.countersigned_at
    # Everything the demo says happened, happened before now.
    now = timezone.now()
    assert not fiches.filter(submitted_at__gt=now).exists()
    assert not fiches.filter(countersigned_at__gt=now).exists()
    assert not Signature.objects.filter(signed_at__gt=now).exists()
    assert not TransitionLog.objects.filter(at__gt=now).exists()
