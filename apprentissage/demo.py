"""Demo data: realistic, French, fictitious, anchored on the day it runs, idempotent.

`load_demo` (the management command) calls `load()` here, then the `demo.load()`
of each app that has one (recruitment, lea, ...) so later features add their data.
Every record is found by a natural key (e-mail, SIRET, apprentice) and updated in
place: running it twice changes nothing.
"""

import datetime
import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from apprentissage.enums import ApprenticeshipStatus, EnrolmentStatus, StaffRole, StudyYear
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

DEMO_PASSWORD = "demo"

# The logins printed by `make demo`, in the order they are shown.
DEMO_LOGINS = [
    ("apprenti@example.com", "Apprenti (2A GenIndus)"),
    ("tuteur.entreprise@example.com", "Tuteur entreprise de l'apprenti"),
    ("tuteur.ecole@example.com", "Tuteur école de l'apprenti"),
    ("responsable.option@example.com", "Responsable de l'option GenIndus"),
    ("enseignant@example.com", "Enseignante de trois modules de 2A"),
    ("candidat@example.com", "Candidat admis, sans entreprise"),
    ("entreprise@example.com", "Contact RH et signataire d'Aéro Tarn Industries"),
    ("scolarite@example.com", "Scolarité"),
    ("midisup@example.com", "MidiSup"),
    ("admin@example.com", "Administrateur (admin Django)"),
]

FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Camille",
    "Théo",
    "Inès",
    "Louis",
    "Sarah",
    "Enzo",
    "Jade",
    "Mathis",
    "Emma",
    "Tom",
    "Zoé",
    "Raphaël",
    "Lina",
    "Arthur",
    "Clara",
    "Jules",
    "Anaïs",
    "Maxime",
    "Elsa",
    "Paul",
    "Margaux",
    "Noah",
    "Julie",
    "Antoine",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Garcia",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
]

# (name, city, postal code, street, OPCO, options it recruits for)
COMPANIES = [
    (
        "Aéro Tarn Industries",
        "Albi",
        "81000",
        "12 avenue de l'Industrie",
        "OPCO 2i",
        ["genindus", "materiaux"],
    ),
    ("Solaire d'Occitanie", "Toulouse", "31200", "45 chemin de la Lumière", "OPCO 2i", ["energies"]),
    ("Laboratoires du Sidobre", "Castres", "81100", "3 rue des Sources", "OPCO 2i", ["pharmagro"]),
    ("Fromageries de la Montagne Noire", "Mazamet", "81200", "8 route du Pic", "Ocapiat", ["pharmagro"]),
    ("Composites Garonne", "Colomiers", "31770", "27 rue des Fibres", "OPCO 2i", ["materiaux"]),
    ("Réseau Chaleur Albigeois", "Albi", "81000", "2 boulevard du Lude", "OPCO Atlas", ["energies"]),
    (
        "Logistique Midi-Pyrénées",
        "Montauban",
        "82000",
        "150 avenue de Toulouse",
        "OPCO Mobilités",
        ["genindus"],
    ),
    ("Cosmétiques des Causses", "Rodez", "12000", "6 rue du Causse", "OPCO 2i", ["pharmagro"]),
    ("Hydro Tarn Énergie", "Saint-Juéry", "81160", "1 quai de la Centrale", "OPCO 2i", ["energies"]),
    (
        "Mécanique de précision Carmaux",
        "Carmaux",
        "81400",
        "19 rue de la Mine",
        "OPCO 2i",
        ["genindus", "materiaux"],
    ),
    (
        "Biscuiterie du Lauragais",
        "Castelnaudary",
        "11400",
        "4 allée des Moulins",
        "Ocapiat",
        ["pharmagro", "genindus"],
    ),
    ("Bâtiment Durable Sud-Ouest", "Toulouse", "31100", "88 rue du Chantier", "Constructys", ["energies"]),
]


@dataclass
class DemoContext:
    today: datetime.date
    current_year: SchoolYear
    previous_year: SchoolYear
    cohorts: dict[int, Cohort]  # by study year in the current school year
    options: dict[str, Option]
    people: dict[str, User] = field(default_factory=dict)
    companies: list[Company] = field(default_factory=list)
    password_hash: str = ""


def current_start_year(today: datetime.date) -> int:
    return today.year if today >= school_year_start(today.year) else today.year - 1


def demo_siret(index: int) -> str:
    return luhn_complete(f"9{index:04d}0000" + "0001")


def upsert(model, defaults: dict, **lookup):
    """Create, or update only the fields that differ: a second run writes nothing
    (and so adds no history entries)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults)
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save(update_fields=changed)
    return obj


def ensure_person(ctx: DemoContext, email: str, first_name: str, last_name: str, **extra) -> User:
    user = upsert(User, {"first_name": first_name, "last_name": last_name, **extra}, email=email)
    if not user.password or not user.has_usable_password():
        user.password = ctx.password_hash
        user.save(update_fields=["password"])
    upsert(EmailAddress, {"verified": True, "primary": True}, user=user, email=email)
    ctx.people[email] = user
    return user


def in_group(user: User, role: StaffRole) -> None:
    user.groups.add(Group.objects.get_or_create(name=role)[0])


def load(today: datetime.date | None = None) -> DemoContext:
    today = today or timezone.localdate()
    start = current_start_year(today)
    ctx = DemoContext(
        today=today,
        current_year=SchoolYear.for_start_year(start),
        previous_year=SchoolYear.for_start_year(start - 1),
        cohorts={},
        options={o.code: o for o in Option.objects.all()},
        password_hash=make_password(DEMO_PASSWORD),
    )
    for study_year in (1, 2, 3):
        entry = start - study_year + 1
        ctx.cohorts[study_year] = upsert(
            Cohort, entry_year=entry, defaults={"name": f"Promotion {entry + 3}"}
        )
    _load_staff(ctx)
    _load_companies(ctx)
    _load_apprenticeships(ctx)
    return ctx


def _load_staff(ctx: DemoContext) -> None:
    in_group(
        ensure_person(ctx, "scolarite@example.com", "Sophie", "Vidal", phone="05 63 49 30 10"),
        StaffRole.SCOLARITE,
    )
    in_group(
        ensure_person(ctx, "midisup@example.com", "Marc", "Lopez", phone="05 31 61 83 70"), StaffRole.MIDISUP
    )
    ensure_person(ctx, "admin@example.com", "Alex", "Informatique", is_staff=True, is_superuser=True)
    leads = {
        "genindus": ensure_person(ctx, "responsable.option@example.com", "Claire", "Delmas"),
        "energies": ensure_person(ctx, "resp.energies@example.com", "Pierre", "Costes"),
        "materiaux": ensure_person(ctx, "resp.materiaux@example.com", "Isabelle", "Vergnes"),
        "pharmagro": ensure_person(ctx, "resp.pharmagro@example.com", "Olivier", "Cabrol"),
    }
    for code, lead in leads.items():
        in_group(lead, StaffRole.SCHOOL_TUTOR)
        Option.objects.filter(code=code).update(lead=lead)
        ctx.options[code].lead = lead
    in_group(ensure_person(ctx, "tuteur.ecole@example.com", "Julien", "Rey"), StaffRole.SCHOOL_TUTOR)
    for i, (first, last) in enumerate(
        [("Nadia", "Benali"), ("Thomas", "Serres"), ("Hélène", "Crouzet"), ("Karim", "Mazars")]
    ):
        in_group(ensure_person(ctx, f"enseignant{i + 1}@example.com", first, last), StaffRole.SCHOOL_TUTOR)


def _load_companies(ctx: DemoContext) -> None:
    rng = random.Random(2025)
    for index, (name, city, postal, street, opco, _options) in enumerate(COMPANIES, start=1):
        company = upsert(
            Company,
            siret=demo_siret(index),
            defaults={
                "name": name,
                "city": city,
                "postal_code": postal,
                "address": street,
                "opco": opco,
                "phone": "05 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
            },
        )
        ctx.companies.append(company)
        slug = f"entreprise{index}"
        contact = ensure_person(
            ctx, f"rh.{slug}@example.com", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        )
        upsert(
            CompanyContact,
            user=contact,
            company=company,
            defaults={"job_title": "Responsable RH", "is_hr_contact": True, "is_signatory": True},
        )
        for t in (1, 2):
            tutor = ensure_person(
                ctx, f"tuteur{t}.{slug}@example.com", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            )
            # One tutor in five lacks the eligibility facts, so option leads have something to check.
            eligible = (index + t) % 5 != 0
            upsert(
                CompanyTutor,
                user=tutor,
                defaults={
                    "company": company,
                    "job_title": "Ingénieur" if eligible else "Technicien supérieur",
                    "has_engineering_degree": eligible and t == 1,
                    "years_as_engineer": 6 if eligible else 2,
                },
            )
    # The demo company tutor works for the demo apprentice's company (Aéro Tarn Industries).
    tutor = ensure_person(ctx, "tuteur.entreprise@example.com", "Bruno", "Carrière", phone="05 63 00 00 01")
    upsert(
        CompanyTutor,
        user=tutor,
        defaults={
            "company": ctx.companies[0],
            "job_title": "Responsable amélioration continue",
            "has_engineering_degree": True,
            "years_as_engineer": 12,
        },
    )


def _load_apprenticeships(ctx: DemoContext) -> None:
    rng = random.Random(2026)
    school_tutors = list(User.objects.filter(groups__name=StaffRole.SCHOOL_TUTOR).order_by("email"))
    by_option = {
        code: [c for c, spec in zip(ctx.companies, COMPANIES, strict=True) if code in spec[5]]
        for code in ctx.options
    }
    demo_apprentice = ensure_person(ctx, "apprenti@example.com", "Lucie", "Fabre", phone="06 00 00 00 01")
    _upsert_apprenticeship(
        ctx,
        demo_apprentice,
        ctx.companies[0],
        ctx.options["genindus"],
        ctx.cohorts[2],
        ctx.people["tuteur.entreprise@example.com"],
        ctx.people["tuteur.ecole@example.com"],
    )
    option_codes = sorted(ctx.options)
    # Two careers off the nominal track: apprenti04 entered 2A directly this year (no 1A
    # enrolment); apprenti08, of the 3A cohort, repeats 2A this year.
    special = {
        4: {ctx.current_year: (StudyYear.SECOND, EnrolmentStatus.ENROLLED)},
        8: {
            ctx.previous_year: (StudyYear.SECOND, EnrolmentStatus.ENROLLED),
            ctx.current_year: (StudyYear.SECOND, EnrolmentStatus.REPEATING),
        },
    }
    for n in range(1, 40):
        code = option_codes[n % 4]
        study_year = 1 + (n // 4) % 3
        company = by_option[code][n % len(by_option[code])]
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
        apprentice = ensure_person(ctx, f"apprenti{n:02d}@example.com", first, last)
        tutors = list(
            CompanyTutor.objects.filter(company=company)
            .exclude(user__email="tuteur.entreprise@example.com")
            .select_related("user")
        )
        company_tutor = tutors[n % len(tutors)].user
        # A few 1A apprentices still wait for a school tutor: a real to-do for scolarité.
        school_tutor = (
            None if (study_year == 1 and n % 3 == 0) else school_tutors[rng.randrange(len(school_tutors))]
        )
        _upsert_apprenticeship(
            ctx,
            apprentice,
            company,
            ctx.options[code],
            ctx.cohorts[study_year],
            company_tutor,
            school_tutor,
            enrolments=special.get(n),
            contract_year=ctx.current_year.start_year if n == 4 else None,
        )


def _upsert_apprenticeship(
    ctx, apprentice, company, option, cohort, company_tutor, school_tutor, enrolments=None, contract_year=None
) -> Apprenticeship:
    """`enrolments`: school year → (study year, status); by default the cohort's nominal
    study year in the previous and the current school year. `contract_year`: when the
    contract started, if not with the cohort (a direct entry into 2A)."""
    if enrolments is None:
        enrolments = {
            year: (cohort.study_year_in(year), EnrolmentStatus.ENROLLED)
            for year in (ctx.previous_year, ctx.current_year)
            if cohort.study_year_in(year) is not None
        }
    entry_year = contract_year or cohort.entry_year
    start = school_year_start(entry_year) - datetime.timedelta(days=14)
    apprenticeship = upsert(
        Apprenticeship,
        apprentice=apprentice,
        defaults={
            "company": company,
            "option": option,
            "cohort": cohort,
            "company_tutor": company_tutor,
            "school_tutor": school_tutor,
            "contract_start": start,
            "contract_end": start + datetime.timedelta(days=3 * 365),
            "status": ApprenticeshipStatus.ACTIVE,
        },
    )
    for school_year, (study_year, status) in enrolments.items():
        upsert(
            Enrolment,
            {"study_year": study_year, "status": status},
            apprenticeship=apprenticeship,
            school_year=school_year,
        )
    return apprenticeship
