"""A school-size database for `make bench`, built on top of `load_demo`'s data.

`build()` runs after `manage.py load_demo` on an empty database (the personas, the four
options, two school years of calendars and TAPE sessions, the recruitment demo) and adds, with
bulk inserts, what a real school holds:

- 600 apprentices in training, 200 per study year over the three cohorts, 150 per option;
- about 45 school tutors and 120 companies, each with an HR contact and two tutors;
- the previous school year's TAPE sessions (the demo plans the current year's), and the
  answers of every apprentice to the sessions already past, over both school years;
- a recruitment year of about 150 dossiers for the next cohort, in every state;
- each apprentice's booklet (LEA) over both school years: a fiche de liaison per company
  period up to today (last year's all acknowledged, this year's in every state, some late,
  some with a concern), a visit each year (last year's reported, this year's planned or
  reported with open actions), a yearly missions description and a project dossier per year.

The demo logins get a school-size load: responsable.option@ leads GenIndus (150 apprentices),
tuteur.ecole@ is the school tutor of 15, tuteur.entreprise@ the company tutor of 6, and
entreprise@ the HR contact of Aéro Tarn Industries (30 apprentices and 12 dossiers).

Apprenticeship rows are created in ONE function, `create_apprenticeships()`: what hangs off
an apprenticeship per school year (an enrolment) is added there.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apprentissage.demo import FIRST_NAMES, LAST_NAMES, current_start_year
from apprentissage.enums import ApprenticeshipStatus, StaffRole
from apprentissage.models import (
    Apprenticeship,
    Cohort,
    Company,
    CompanyContact,
    CompanyTutor,
    Enrolment,
    Option,
    SchoolYear,
    User,
)
from apprentissage.models.academics import school_year_start
from apprentissage.validators import luhn_complete

PER_STUDY_YEAR = 200
SCHOOL_TUTORS = 36  # added to the demo's 9
COMPANIES = 120
DOSSIERS = 150
AERO_TARN_APPRENTICES = 30
SCHOOL_TUTOR_LOAD = 15  # tuteur.ecole@
COMPANY_TUTOR_LOAD = 6  # tuteur.entreprise@
UNUSABLE = "!bench"  # an unusable password: bench users sign in with force_login


@dataclass
class Row:
    """One apprenticeship to create (see create_apprenticeships)."""

    apprentice: User
    company: Company
    company_tutor: User
    school_tutor: User | None
    option: Option
    cohort: Cohort


def create_apprenticeships(rows: list[Row]) -> list[Apprenticeship]:
    """Every apprenticeship of the bench school is created here, in one bulk insert."""
    apprenticeships = []
    for row in rows:
        start = school_year_start(row.cohort.entry_year) - datetime.timedelta(days=14)
        apprenticeships.append(
            Apprenticeship(
                apprentice=row.apprentice,
                company=row.company,
                company_tutor=row.company_tutor,
                school_tutor=row.school_tutor,
                option=row.option,
                cohort=row.cohort,
                contract_start=start,
                contract_end=start + datetime.timedelta(days=3 * 365),
                status=ApprenticeshipStatus.ACTIVE,
            )
        )
    created = Apprenticeship.objects.bulk_create(apprenticeships, batch_size=500)
    # Each apprentice's enrolment in every school year of their cohort's span, at the
    # cohort's usual study year (what the roll-over would have made).
    years = list(SchoolYear.objects.all())
    Enrolment.objects.bulk_create(
        [
            Enrolment(apprenticeship=a, school_year=year, study_year=study_year)
            for a in created
            for year in years
            if (study_year := a.cohort.study_year_in(year)) is not None
        ],
        batch_size=1000,
    )
    return created


def _users(prefix: str, count: int, rng: random.Random) -> list[User]:
    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n:04d}@bench.example.com",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=UNUSABLE,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


@transaction.atomic
def build(log=print) -> dict[str, int]:
    rng = random.Random(600)
    today = timezone.localdate()
    start = current_start_year(today)
    options = list(Option.objects.order_by("code"))
    cohorts = {y: Cohort.objects.get(entry_year=start - y + 1) for y in (1, 2, 3)}
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.com")}
    genindus = next(o for o in options if o.code == "genindus")

    # School tutors.
    group = Group.objects.get(name=StaffRole.SCHOOL_TUTOR)
    new_tutors = _users("enseignant.", SCHOOL_TUTORS, rng)
    group.user_set.add(*new_tutors)
    school_tutors = list(group.user_set.exclude(email="tuteur.ecole@example.com").order_by("pk"))

    # Companies, each with an HR contact and two tutors.
    companies = Company.objects.bulk_create(
        [
            Company(
                name=f"Entreprise {n:03d}",
                siret=luhn_complete(f"7{n:08d}0001"),
                address=f"{n} rue de l'Industrie",
                postal_code="81000",
                city="Albi",
                opco="OPCO 2i",
            )
            for n in range(COMPANIES)
        ]
    )
    contacts = _users("rh.", COMPANIES, rng)
    CompanyContact.objects.bulk_create(
        [
            CompanyContact(user=u, company=c, job_title="RH", is_hr_contact=True, is_signatory=True)
            for u, c in zip(contacts, companies, strict=True)
        ]
    )
    tutor_users = _users("tuteur.", 2 * COMPANIES, rng)
    CompanyTutor.objects.bulk_create(
        [
            CompanyTutor(
                user=u,
                company=companies[i // 2],
                job_title="Ingénieur",
                has_engineering_degree=i % 7 != 0,
                years_as_engineer=3 + i % 10,
            )
            for i, u in enumerate(tutor_users)
        ]
    )
    tutors_of = {c.pk: tutor_users[2 * i : 2 * i + 2] for i, c in enumerate(companies)}

    # Apprentices up to PER_STUDY_YEAR per study year, 150 per option.
    existing = Apprenticeship.objects.filter(cohort__in=cohorts.values())
    already = {y: existing.filter(cohort=c).count() for y, c in cohorts.items()}
    aero_tarn = Company.objects.get(name="Aéro Tarn Industries")
    aero_tutors = list(
        User.objects.filter(company_tutor_profile__company=aero_tarn)
        .exclude(email="tuteur.entreprise@example.com")
        .order_by("pk")
    )
    demo_tutor = people["tuteur.entreprise@example.com"]
    demo_school_tutor = people["tuteur.ecole@example.com"]
    to_add = sum(PER_STUDY_YEAR - n for n in already.values())
    apprentices = _users("apprenti.", to_add, rng)
    rows, n = [], 0
    for study_year, cohort in cohorts.items():
        for _ in range(PER_STUDY_YEAR - already[study_year]):
            option = options[n % len(options)]
            if n % 20 == 0:  # Aéro Tarn: 30 of them, 6 with the demo company tutor
                company = aero_tarn
                tutor = demo_tutor if n % 100 == 0 else aero_tutors[n % len(aero_tutors)]
            else:
                company = companies[n % COMPANIES]
                tutor = tutors_of[company.pk][n % 2]
            rows.append(
                Row(
                    apprentice=apprentices[n],
                    company=company,
                    company_tutor=tutor,
                    school_tutor=school_tutors[n % len(school_tutors)],
                    option=option,
                    cohort=cohort,
                )
            )
            n += 1
    created = create_apprenticeships(rows)
    # The demo's school tutor follows 15 (the demo apprentice's option lead: GenIndus, 150).
    genindus_pks = [a.pk for a in created if a.option_id == genindus.pk][: SCHOOL_TUTOR_LOAD - 1]
    Apprenticeship.objects.filter(pk__in=genindus_pks).update(school_tutor=demo_school_tutor)
    extra = COMPANY_TUTOR_LOAD - Apprenticeship.objects.filter(company_tutor=demo_tutor).count()
    if extra > 0:
        pks = [a.pk for a in created if a.company_id == aero_tarn.pk and a.company_tutor_id != demo_tutor.pk]
        Apprenticeship.objects.filter(pk__in=pks[:extra]).update(company_tutor=demo_tutor)

    # The demo plans TAPE sessions in the current year only: the previous one too, the same way.
    from planning import demo as planning_demo

    previous = SchoolYear.objects.get(start_year=start - 1)
    planning_demo._load_tape_sessions(previous, people["scolarite@example.com"])
    attendances = _tape_attendance(start, today, rng)
    dossiers = _recruitment(start + 1, options, companies, contacts, people, aero_tarn, rng)
    booklets = _lea(created, start, today, rng)
    counts = {
        "apprenticeships": Apprenticeship.objects.count(),
        "school tutors": group.user_set.count(),
        "companies": Company.objects.count(),
        "TAPE answers": attendances,
        "dossiers": dossiers,
        "LEA documents": booklets,
    }
    log("École de bench : " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return counts


def _tape_attendance(start: int, today: datetime.date, rng: random.Random) -> int:
    """Every apprentice answers the past sessions of their study year (one in ten: missed)."""
    from planning.models import TapeAttendance, TapeSession

    now = timezone.now()
    answered = set(TapeAttendance.objects.values_list("session_id", "apprenticeship_id"))
    apprenticeships = list(Apprenticeship.objects.values_list("pk", "cohort__entry_year"))
    answers = []
    for year in SchoolYear.objects.filter(start_year__in=[start - 1, start]):
        sessions = list(TapeSession.objects.filter(school_year=year, starts_at__lt=now))
        for pk, entry_year in apprenticeships:
            study_year = year.start_year - entry_year + 1
            for session in sessions:
                if session.study_year != study_year or (session.pk, pk) in answered:
                    continue
                followed = rng.random() > 0.1
                answers.append(
                    TapeAttendance(
                        session=session,
                        apprenticeship_id=pk,
                        followed=followed,
                        reason="" if followed else "Intervention urgente",
                    )
                )
    TapeAttendance.objects.bulk_create(answers, batch_size=2000)
    return len(answers)


def _recruitment(entry_year, options, companies, contacts, people, aero_tarn, rng) -> int:
    """About DOSSIERS dossiers of the next cohort, in every state, some with entreprise@."""
    from recruitment.enums import DossierState, MissionSheetState
    from recruitment.models import AccordPrealable, Candidate, Dossier, MissionSheet, OptionCapacity

    cohort = Cohort.objects.get(entry_year=entry_year)
    for option in options:
        OptionCapacity.objects.update_or_create(option=option, cohort=cohort, defaults={"places": 60})
    users = _users("candidat.", DOSSIERS + 20, rng)  # 20 admitted, without a company yet
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                user=u,
                cohort=cohort,
                option=options[i % len(options)],
                birth_date=datetime.date(2005, 1, 1) + datetime.timedelta(days=i),
                diploma="but",
            )
            for i, u in enumerate(users)
        ]
    )
    states = list(DossierState.values)
    demo_contact = people["entreprise@example.com"]
    now = timezone.now()
    dossiers = []
    for i, candidate in enumerate(candidates[:DOSSIERS]):
        state = states[i % len(states)]
        with_aero = i % 12 == 0
        company = aero_tarn if with_aero else companies[i % len(companies)]
        dossiers.append(
            Dossier(
                candidate=candidate,
                contact=demo_contact if with_aero else contacts[i % len(contacts)],
                company=None if state == DossierState.COMPANY_INVITED else company,
                option=candidate.option,
                cohort=cohort,
                state=state,
                state_changed_at=now - datetime.timedelta(days=rng.randint(0, 30)),
                accord_signed_at=None if state == DossierState.COMPANY_INVITED else now,
            )
        )
    dossiers = Dossier.objects.bulk_create(dossiers)
    AccordPrealable.objects.bulk_create(
        [
            AccordPrealable(
                dossier=d,
                company_name=aero_tarn.name if d.contact_id == demo_contact.pk else f"Entreprise {i:03d}",
                siret=luhn_complete(f"6{i:08d}0001"),
                hr_first_name="Hélène",
                hr_last_name="Martin",
                hr_email=f"rh{i}@bench.example.com",
            )
            for i, d in enumerate(dossiers)
        ]
    )

    def sheet_state(state: str) -> str:
        if state in DossierState.with_midisup() or state == DossierState.REGISTERED:
            return MissionSheetState.VALIDATED
        if state == DossierState.PLACE_RESERVED:
            return MissionSheetState.SUBMITTED
        return MissionSheetState.DRAFT

    MissionSheet.objects.bulk_create([MissionSheet(dossier=d, state=sheet_state(d.state)) for d in dossiers])
    return Dossier.objects.count()


def _lea(apprenticeships: list[Apprenticeship], start: int, today: datetime.date, rng: random.Random) -> int:
    """The booklets of the bench apprentices, from their calendars (calendars_for), in bulk."""
    from lea.enums import (
        ActionOwner,
        FicheState,
        PlanState,
        ProjectState,
        RiskStatus,
        VisitMode,
        VisitState,
    )
    from lea.models import Fiche, ProjectDossier, Visit, VisitAction, YearlyPlan
    from planning.selectors import calendars_for

    framework = [
        {"code": "concevoir", "label": "Concevoir une solution", "block": "Compétences communes"},
        {"code": "piloter", "label": "Conduire un projet", "block": "Compétences communes"},
    ]
    now = timezone.now()
    tz = timezone.get_current_timezone()
    years = list(SchoolYear.objects.filter(start_year__in=[start - 1, start]).order_by("start_year"))
    ids = [a.pk for a in apprenticeships]
    apprenticeships = list(Apprenticeship.objects.filter(pk__in=ids).prefetch_related("enrolments"))
    fiches, visits, plans, projects = [], [], [], []
    for calendar in calendars_for(apprenticeships, years, with_sessions=False):
        a = calendar.apprenticeship
        for year in years:
            study_year = calendar.study_year_in(year)
            if study_year is None:
                continue
            current = year.start_year == start
            previous_end = max(year.start_date, a.contract_start)
            number = 0
            for first, last in calendar.school_periods(year):
                period_end = first - datetime.timedelta(days=3)
                if first > today + datetime.timedelta(days=14) or period_end < previous_end:
                    previous_end = max(previous_end, last + datetime.timedelta(days=3))
                    continue
                number += 1
                due_on = first + datetime.timedelta(days=5)
                state = FicheState.ACKNOWLEDGED
                if current and due_on >= today - datetime.timedelta(days=20):
                    state = rng.choice(
                        [
                            FicheState.DRAFT,
                            FicheState.SUBMITTED,
                            FicheState.COUNTERSIGNED,
                            FicheState.RETURNED,
                        ]
                    )
                elif current and rng.random() < 0.2:
                    state = FicheState.COUNTERSIGNED
                done = state not in FicheState.with_apprentice()
                concern = current and rng.random() < 0.05
                fiches.append(
                    Fiche(
                        apprenticeship=a,
                        school_year=year,
                        study_year=study_year,
                        number=number,
                        period_start=previous_end,
                        period_end=period_end,
                        return_on=first,
                        due_on=due_on,
                        tutor_due_on=due_on + datetime.timedelta(days=10) if done else None,
                        submitted_at=now if done else None,
                        countersigned_at=now if state in FicheState.done() else None,
                        acknowledged_at=now if state == FicheState.ACKNOWLEDGED else None,
                        state=state,
                        version=1 if state == FicheState.DRAFT else 3,
                        framework=framework,
                        activities=[{"description": "Suivi de production", "share": 100}],
                        concern=concern,
                        concern_reason="Absences répétées" if concern else "",
                    )
                )
                previous_end = last + datetime.timedelta(days=3)
            visit_day = datetime.datetime.combine(
                year.start_date + datetime.timedelta(days=60 if not current else 100), datetime.time(14), tz
            )
            held = not current or (visit_day < now and rng.random() < 0.7)
            visits.append(
                Visit(
                    apprenticeship=a,
                    school_year=year,
                    starts_at=visit_day,
                    mode=VisitMode.ON_SITE,
                    attendees="L'apprenti, le tuteur entreprise, le tuteur école",
                    state=VisitState.REPORTED if held else VisitState.PLANNED,
                    risk=rng.choice([RiskStatus.GREEN] * 6 + [RiskStatus.AMBER] * 3 + [RiskStatus.RED])
                    if held
                    else "",
                    reported_at=visit_day if held else None,
                    overall_assessment="Bonne intégration" if held else "",
                )
            )
            plans.append(
                YearlyPlan(
                    apprenticeship=a,
                    school_year=year,
                    study_year=study_year,
                    state=PlanState.VALIDATED
                    if not current
                    else rng.choice([PlanState.DRAFT, PlanState.SUBMITTED, PlanState.VALIDATED]),
                    missions="Amélioration continue d'une ligne de production",
                )
            )
            projects.append(
                ProjectDossier(
                    apprenticeship=a,
                    school_year=year,
                    study_year=study_year,
                    state=ProjectState.VALIDATED if not current else ProjectState.DRAFT,
                    title="Réduction des rebuts de la ligne 3",
                )
            )
    Fiche.objects.bulk_create(fiches, batch_size=1000)
    visits = Visit.objects.bulk_create(visits, batch_size=1000)
    VisitAction.objects.bulk_create(
        [
            VisitAction(
                visit=visit,
                description="Faire le point sur le projet",
                owner_role=ActionOwner.COMPANY_TUTOR,
                due_on=visit.starts_at.date() + datetime.timedelta(days=30),
                done_at=visit.starts_at + datetime.timedelta(days=20)
                if visit.school_year_id == years[0].pk
                else None,
            )
            for visit in visits
            if visit.state == VisitState.REPORTED
        ],
        batch_size=1000,
    )
    YearlyPlan.objects.bulk_create(plans, batch_size=1000)
    ProjectDossier.objects.bulk_create(projects, batch_size=1000)
    return len(fiches) + len(visits) + len(plans) + len(projects)
