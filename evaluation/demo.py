"""Demo data of evaluation (called by `load_demo` after the LEA's): the seed's programme for the
previous school year, copied to the current one (as scolarité would); a module teacher login
(`enseignant@example.com`) teaching three 2A modules; the previous year's grades complete and
its juries published (transcripts on download), the current year's in progress (first-semester
continuous assessment mostly entered, a few ATT) with its 2A jury session to prepare.

Idempotent: a programme is made only when its school year has none, and grades only for
assessments that have none yet."""

import datetime
import hashlib
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apprentissage.demo import DemoContext, ensure_person, in_group
from apprentissage.enums import EnrolmentStatus, StaffRole
from apprentissage.models import Enrolment
from apprentissage.pdf import render_pdf
from evaluation import juries
from evaluation.enums import GradedBy, JuryState, Outcome, SpecialGrade, YearDecision
from evaluation.models import (
    Assessment,
    ComponentGrade,
    Defence,
    Grade,
    JuryDecision,
    JurySession,
    Module,
    Programme,
    ReportFile,
    UnitComponent,
)
from evaluation.programmes import copy_programme, load_seed

TEACHER = "enseignant@example.com"
# The demo teacher's modules (2A: the demo apprentice's year): one filled, one half-filled,
# one empty (to try the grid from the keyboard and the import).
TEACHER_MODULES = ("TI2-01", "TI2-02", "SF2-01")
GRADED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.REPEATING)


def load(ctx: DemoContext) -> None:
    previous = _programme(ctx.previous_year, source=None)
    current = _programme(ctx.current_year, source=previous)
    teacher = ensure_person(ctx, TEACHER, "Anne", "Marty")
    in_group(teacher, StaffRole.MODULE_TEACHER)
    for module in Module.objects.filter(unit__programme=current, code__in=TEACHER_MODULES):
        module.teachers.add(teacher)
    scolarite = ctx.people.get("scolarite@example.com")
    _grades(previous, complete=True, by=scolarite, teacher=teacher)
    _component_grades(previous)
    _grades(current, complete=False, by=scolarite, teacher=teacher)
    _juries(ctx, previous, published=True)
    _juries(ctx, current, published=False)
    _reports(ctx, current)
    _defences(ctx, current)


def _programme(school_year, *, source: Programme | None) -> Programme:
    existing = Programme.objects.filter(school_year=school_year).first()
    if existing:
        return existing
    return copy_programme(source, school_year) if source else load_seed(school_year)


def _grades(programme: Programme, *, complete: bool, by, teacher) -> None:
    """Plausible grades for each apprentice enrolled that year: a level of their own, spread
    per assessment; a few absences (ABS) and excuses (EXC). In progress (`complete` False):
    the first semester's continuous assessment of most modules, a few ATT, the demo teacher's
    first module entirely, their second half, their third not at all."""
    enrolments = list(
        Enrolment.objects.filter(school_year=programme.school_year, status__in=GRADED).select_related(
            "apprenticeship__apprentice"
        )
    )
    assessments = list(
        Assessment.objects.filter(module__unit__programme=programme)
        .exclude(grades__isnull=False)
        .select_related("module__unit")
        .order_by("module__code", "position")
    )
    if not enrolments or not assessments:
        return
    grades = []
    for enrolment in enrolments:
        email = enrolment.apprenticeship.apprentice.email
        rng = random.Random(f"{programme.school_year.start_year}:{email}")
        level = rng.gauss(12.5, 2.2)
        for assessment in assessments:
            module = assessment.module
            if module.unit.study_year != enrolment.study_year:
                continue
            if module.option_id and module.option_id != enrolment.apprenticeship.option_id:
                continue
            if not complete and not _entered_yet(module, assessment, email):
                continue
            grades.append(
                _grade(
                    rng, level, assessment, enrolment, by=teacher if _taught(module) else by, final=complete
                )
            )
    bulk_create_with_history(grades, Grade, batch_size=500, default_user=by)


# What each grader wrote, by component (the grade's level picks one).
COMMENTS = {
    GradedBy.SCHOOL_TUTOR: (
        "Rapport à reprendre sur l'analyse.",
        "Rapport clair et structuré.",
        "Excellent rapport.",
    ),
    GradedBy.PROJECT_JURY: ("Projet fragile.", "Projet solide, bien défendu.", "Projet remarquable."),
    GradedBy.COMPANY_TUTOR: ("Des progrès à faire.", "Très bonne implication.", "Exemplaire."),
}


def _component_grades(programme: Programme) -> None:
    """Last year's Unité Entreprise, graded by whom the component says: the school tutor (the
    reports), the jury (the project), the company tutor (professional behaviour)."""
    components = list(
        UnitComponent.objects.filter(unit__programme=programme)
        .exclude(grades__isnull=False)
        .select_related("unit")
    )
    enrolments = Enrolment.objects.filter(
        school_year=programme.school_year, status__in=GRADED
    ).select_related(
        "apprenticeship__apprentice", "apprenticeship__school_tutor", "apprenticeship__company_tutor"
    )
    grades = []
    for enrolment in enrolments:
        apprenticeship = enrolment.apprenticeship
        rng = random.Random(f"uw:{programme.school_year.start_year}:{apprenticeship.apprentice.email}")
        for component in components:
            if component.unit.study_year != enrolment.study_year:
                continue
            value = Decimal(round(min(max(rng.gauss(13.5, 2.5), 6.0), 19.5) * 2)) / 2
            grader = {
                GradedBy.SCHOOL_TUTOR: apprenticeship.school_tutor,
                GradedBy.COMPANY_TUTOR: apprenticeship.company_tutor,
            }.get(component.graded_by, apprenticeship.school_tutor)
            comment = COMMENTS[component.graded_by][0 if value < 10 else 1 if value < 16 else 2]
            grades.append(
                ComponentGrade(
                    component=component, enrolment=enrolment, value=value, comment=comment, updated_by=grader
                )
            )
    bulk_create_with_history(grades, ComponentGrade, batch_size=500)


def _taught(module: Module) -> bool:
    return module.code in TEACHER_MODULES


def _entered_yet(module: Module, assessment: Assessment, email: str) -> bool:
    if module.code == TEACHER_MODULES[0]:
        return True
    if module.code == TEACHER_MODULES[1]:
        return assessment.position == 0
    if module.code == TEACHER_MODULES[2]:
        return False
    first_semester = module.semester % 2 == 1
    return first_semester and assessment.position == 0 and int(module.code[-2:]) % 4 != 0


def _grade(
    rng: random.Random, level: float, assessment: Assessment, enrolment: Enrolment, *, by, final: bool
) -> Grade:
    draw = rng.random()
    if not final and draw > 0.985:  # pending: a paper to find, a grade to confirm
        return Grade(assessment=assessment, enrolment=enrolment, special=SpecialGrade.ATT, updated_by=by)
    if draw < 0.01:
        return Grade(assessment=assessment, enrolment=enrolment, special=SpecialGrade.ABS, updated_by=by)
    if draw < 0.02:
        return Grade(assessment=assessment, enrolment=enrolment, special=SpecialGrade.EXC, updated_by=by)
    value = min(max(rng.gauss(level, 3.0), 0.0), 20.0)
    half_points = Decimal(round(value * 2)) / 2
    return Grade(assessment=assessment, enrolment=enrolment, value=half_points, updated_by=by)


def _juries(ctx: DemoContext, programme: Programme, *, published: bool) -> None:
    """A jury per study year. Last year's deliberated and published in June (automatic
    proposals confirmed, one pass by decision of the jury with its reason, the minutes);
    this year's 2A session to prepare for scolarité."""
    school_year = programme.school_year
    scolarite = ctx.people["scolarite@example.com"]
    leads = [option.lead for option in ctx.options.values() if option.lead]
    study_years = (1, 2, 3) if published else (2,)
    for study_year in study_years:
        if not Enrolment.objects.filter(school_year=school_year, study_year=study_year).exists():
            continue  # nobody in that year (the seed's first 3A year comes later)
        june = datetime.date(school_year.start_year + 1, 6, 20 + study_year)
        session, created = JurySession.objects.get_or_create(
            school_year=school_year,
            study_year=study_year,
            option=None,
            defaults={"meets_on": june, "president": ctx.people["responsable.option@example.com"]},
        )
        if not created:
            continue
        session.members.set([scolarite, *leads])
        if not published:
            continue
        juries.refresh_proposals(session)
        decisions = list(JuryDecision.objects.filter(session=session).select_related("enrolment"))
        adjourned = [d for d in decisions if d.code == YearDecision.AJ]
        if adjourned:  # the jury's own decision on the closest case
            closest = max(adjourned, key=lambda d: Decimal(d.snapshot.get("average") or 0))
            closest.code, closest.automatic = YearDecision.ADJ, False
            closest.reason = "Progression nette au second semestre ; engagement de l'entreprise confirmé."
            closest.outcome, closest.decided_by = Outcome.NEXT_YEAR, scolarite
            closest.save()
        for decision in decisions:  # no result to propose on: the apprentice left or stopped
            if not decision.code:
                left = decision.enrolment.status == EnrolmentStatus.LEFT
                decision.code = YearDecision.DEM if left else YearDecision.DEF
                decision.reason = (
                    "A quitté la formation." if left else "Contrat suspendu, épreuves non passées."
                )
                decision.outcome, decision.decided_by = Outcome.LEAVE, scolarite
                decision.save()
        when = timezone.make_aware(datetime.datetime.combine(june, datetime.time(17, 0)))
        pdf = render_pdf("evaluation/pdf/minutes.html", juries.minutes_context(session))
        session.minutes.save(f"pv-demo-{session.pk}.pdf", ContentFile(pdf), save=False)
        session.minutes_sha256 = hashlib.sha256(pdf).hexdigest()
        session.state = JuryState.PUBLISHED
        session.deliberation_started_at = when - datetime.timedelta(hours=3)
        session.closed_at = when
        session.published_at = when + datetime.timedelta(days=3)
        session.save()


# This year's report deadlines: the 2A engineering report is due before the demo's "today"
# (the demo apprentice's, uploaded in time, waits for the school tutor's grade), the 1A
# observation report later in the year.
REPORT_DUE = {"RAPPORT_ING": (11, 20), "RAPPORT_OBS": (1, 29)}


def _reports(ctx: DemoContext, programme: Programme) -> None:
    school_year = programme.school_year
    for component in UnitComponent.objects.filter(
        unit__programme=programme, code__in=REPORT_DUE, due_on=None
    ):
        month, day = REPORT_DUE[component.code]
        year = school_year.start_year + (1 if month < 9 else 0)
        component.due_on = datetime.date(year, month, day)
        component.save(update_fields=["due_on"])
    report = UnitComponent.objects.filter(
        unit__programme=programme, unit__study_year=2, code="RAPPORT_ING"
    ).first()
    enrolment = Enrolment.objects.filter(
        school_year=school_year, apprenticeship__apprentice__email="apprenti@example.com", study_year=2
    ).first()
    if report is None or enrolment is None or ReportFile.objects.filter(enrolment=enrolment).exists():
        return
    from weasyprint import HTML

    pdf = HTML(
        string="<h1>Rapport d'ingénierie</h1><p>Étude de la ligne d'assemblage des nacelles : "
        "flux, goulets d'étranglement et propositions d'amélioration.</p>"
    ).write_pdf()
    uploaded = timezone.make_aware(
        datetime.datetime.combine(report.due_on - datetime.timedelta(days=2), datetime.time(21, 40))
    )
    file = ReportFile(
        enrolment=enrolment,
        component=report,
        original_name="rapport-ingenierie.pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_at=uploaded,
        uploaded_by=enrolment.apprenticeship.apprentice,
        late=False,
    )
    file.file.save("demo-rapport-ingenierie.pdf", ContentFile(pdf), save=False)
    file.save()


def _defences(ctx: DemoContext, programme: Programme) -> None:
    """This year's 3A end-of-studies projects defended in the first defence week, an hour
    each, in turn (nobody sits on two juries at once)."""
    from evaluation.defences import defence_weeks

    enrolments = list(
        Enrolment.objects.filter(school_year=programme.school_year, study_year=3, status__in=GRADED)
        .select_related("apprenticeship__apprentice", "apprenticeship__option", "school_year")
        .order_by("apprenticeship__apprentice__last_name")[:6]
    )
    project = UnitComponent.objects.filter(unit__programme=programme, unit__study_year=3, code="PFE").first()
    if not enrolments or project is None or Defence.objects.filter(component=project).exists():
        return
    weeks = defence_weeks(enrolments[0])
    if not weeks:
        return
    monday = weeks[0].monday
    for index, enrolment in enumerate(enrolments):
        apprenticeship = enrolment.apprenticeship
        if not (
            apprenticeship.company_tutor_id
            and apprenticeship.school_tutor_id
            and apprenticeship.option.lead_id
        ):
            continue
        day = monday + datetime.timedelta(days=1 + index // 3)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + 2 * (index % 3), 0)))
        Defence.objects.create(
            enrolment=enrolment,
            component=project,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            room="Salle B112",
            company_tutor_id=apprenticeship.company_tutor_id,
            school_tutor_id=apprenticeship.school_tutor_id,
            option_lead_id=apprenticeship.option.lead_id,
        )
