"""Demo data of recruitment: the next cohort's admitted candidates and their dossiers.

Called by `load_demo` after `apprentissage.demo.load()`, with its `DemoContext`.

The dossiers are driven through the real services and transitions (`services.fire`,
`services.fire_on_sheet`, `confirm_receipt`), as their actors would from the pages: each
dossier has its audit trail, its online signature, its mission sheet versions and the
notifications the portal sends. Each step is then dated in the past (see `_Clock`), so
the history reads like weeks of work, not one second of loading.

Idempotent: people, candidates, the company contact and the capacities are found by
natural key and updated in place; a candidate's dossier scenario runs only while that
candidate has no dossier yet, so a second run fires no transition and adds nothing.
"""

import datetime
import random
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from apprentissage import notifications
from apprentissage.demo import DemoContext, ensure_person, upsert
from apprentissage.drafts import save_draft
from apprentissage.models import (
    Apprenticeship,
    Cohort,
    CompanyContact,
    CompanyTutor,
    Notification,
    Signature,
    TransitionLog,
)
from apprentissage.models.academics import school_year_start
from apprentissage.signatures import SignerEvidence

from . import services
from .enums import Diploma, ExpectedLevel, MissionFamily
from .models import AccordPrealable, Candidate, Dossier, MissionSheet, MissionSheetVersion, OptionCapacity

COMPANY_LOGIN = "entreprise@example.com"
CANDIDATE_LOGIN = "candidat@example.com"
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

# Places per option for the next cohort: Matériaux is small, and full (two dossiers hold
# its two places), so one dossier waits on the list.
CAPACITIES = {"genindus": 10, "energies": 8, "materiaux": 2, "pharmagro": 6}

# What each option's companies plan for the three years: (missions, family) per year.
MISSIONS = {
    "genindus": [
        (
            "Découverte des ateliers et des flux de production. Cartographie de la chaîne de valeur "
            "d'une ligne pilote, mise en place d'indicateurs de performance (TRS, taux de service) "
            "et animation des points quotidiens avec les chefs d'équipe.",
            MissionFamily.PRODUCTION,
        ),
        (
            "Pilotage d'un chantier d'amélioration continue (SMED, 5S) sur un poste goulot ; analyse "
            "des causes de non-qualité et suivi du plan d'actions avec la production et la maintenance.",
            MissionFamily.SUPPORT,
        ),
        (
            "Conduite du projet de réimplantation d'un atelier : étude des scénarios, chiffrage des "
            "investissements, planification et accompagnement du changement auprès d'une équipe de "
            "six techniciens.",
            MissionFamily.STUDIES,
        ),
    ],
    "energies": [
        (
            "Relevés et suivi des consommations énergétiques des installations ; participation aux "
            "opérations de maintenance préventive et rédaction des comptes rendus d'intervention.",
            MissionFamily.SUPPORT,
        ),
        (
            "Audit énergétique d'un site client : instrumentation, bilan thermique, propositions "
            "chiffrées d'efficacité énergétique (récupération de chaleur, variation de vitesse).",
            MissionFamily.STUDIES,
        ),
        (
            "Pilotage technique d'un projet de production d'énergie renouvelable : dimensionnement, "
            "consultation des sous-traitants, suivi de chantier et mise en service.",
            MissionFamily.STUDIES,
        ),
    ],
    "materiaux": [
        (
            "Prise en main des procédés de mise en œuvre des composites (drapage, infusion, cuisson "
            "en autoclave) et des contrôles non destructifs ; suivi des non-conformités matière.",
            MissionFamily.PRODUCTION,
        ),
        (
            "Caractérisation mécanique et physico-chimique de nouvelles formulations (traction, DSC, "
            "vieillissement accéléré) ; rédaction des rapports d'essais et des fiches de qualification.",
            MissionFamily.STUDIES,
        ),
        (
            "Responsabilité d'un projet d'industrialisation d'un nouveau matériau : plan d'expériences, "
            "qualification du procédé avec le client, transfert en production.",
            MissionFamily.STUDIES,
        ),
    ],
    "pharmagro": [
        (
            "Intégration à l'équipe de production : conduite de ligne en environnement BPF, "
            "renseignement des dossiers de lot, participation aux réglages et aux nettoyages validés.",
            MissionFamily.PRODUCTION,
        ),
        (
            "Assistance au service qualité : traitement des déviations et des actions correctives "
            "(CAPA), qualification d'un équipement (QI/QO/QP), préparation d'un audit client.",
            MissionFamily.SUPPORT,
        ),
        (
            "Conduite d'un projet d'amélioration de la productivité d'une ligne de conditionnement : "
            "analyse des arrêts, étude technico-économique, validation du procédé modifié et "
            "formation des opérateurs.",
            MissionFamily.STUDIES,
        ),
    ],
}
# First versions an option lead sent back: (year, missions too thin for that year).
THIN_MISSIONS = {
    "materiaux": (3, "Suivi de la production et contrôles qualité des pièces composites."),
    "pharmagro": (2, "Contrôles qualité de routine au laboratoire."),
}
REMARKS = {
    "materiaux": (
        "En 3e année, les missions doivent relever du niveau ingénieur débutant : précisez le projet "
        "que l'apprentie conduira et ses responsabilités (budget, interlocuteurs, client)."
    ),
    "pharmagro": (
        "La 2e année ne décrit que des contrôles de routine : ajoutez une mission d'amélioration ou "
        "de qualification (déviations, CAPA, qualification d'équipement)."
    ),
}


@dataclass(frozen=True)
class Admitted:
    """An admitted candidate of the next cohort."""

    first_name: str
    last_name: str
    option: str
    diploma: str
    diploma_title: str
    age: int = 20  # on the first day of training
    admitted_days_ago: int = 30
    email: str = ""  # default: candidat.prenom.nom@example.com

    @property
    def address(self) -> str:
        if self.email:
            return self.email
        slug = f"{self.first_name}.{self.last_name}".lower().replace(" ", "-")
        ascii_slug = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
        return f"candidat.{ascii_slug}@example.com"


@dataclass(frozen=True)
class Scenario:
    """One candidate's dossier: steps (days ago, action, argument) replayed in order."""

    candidate: Admitted
    company: int  # index in ctx.companies
    steps: tuple[tuple, ...]
    contact: str = ""  # default: the company's HR contact from the core demo
    tutor: str = ""  # default: the company's first eligible tutor


# Admitted, no dossier yet.
WITHOUT_DOSSIER = [
    Admitted(
        "Maëlle",
        "Cabanes",
        "genindus",
        Diploma.BUT,
        "BUT Qualité, logistique industrielle et organisation",
        age=20,
        admitted_days_ago=12,
        email=CANDIDATE_LOGIN,
    ),
    Admitted(
        "Yanis",
        "Bouzid",
        "materiaux",
        Diploma.BTS,
        "BTS Europlastics et composites",
        age=21,
        admitted_days_ago=20,
    ),
    Admitted(
        "Océane", "Ferrand", "pharmagro", Diploma.BUT, "BUT Génie biologique", age=20, admitted_days_ago=9
    ),
    Admitted(
        "Nicolas",
        "Fabre",
        "energies",
        Diploma.L2,
        "L2 Physique, parcours énergie",
        age=20,
        admitted_days_ago=5,
    ),
    # Not eligible: 30 or older on the first day of training (scolarité sees the problem).
    Admitted(
        "Frédéric",
        "Marty",
        "energies",
        Diploma.DUT,
        "DUT Génie thermique et énergie",
        age=31,
        admitted_days_ago=16,
    ),
]

# Steps: invite (the candidate names the contact), accord / accord_partial and missions /
# missions_thin (the contact saves drafts), submit, sign, receipt (scolarité), validate /
# send_back (option lead), MidiSup's milestones, withdraw (candidate), cancel (contact).
SCENARIOS = [
    # entreprise@'s accord, filled and waiting for their signature; missions ready to submit.
    Scenario(
        Admitted("Clément", "Azaïs", "genindus", Diploma.BUT, "BUT Génie mécanique et productique"),
        company=0,
        contact=COMPANY_LOGIN,
        tutor="tuteur.entreprise@example.com",
        steps=((6, "invite"), (4, "accord"), (2, "missions")),
    ),
    Scenario(
        Admitted("Inès", "Benhamou", "energies", Diploma.BUT, "BUT Mesures physiques", age=21),
        company=11,
        steps=((13, "invite"), (11, "accord_partial")),
    ),
    Scenario(
        Admitted("Pauline", "Granier", "pharmagro", Diploma.BTS, "BTS Bioanalyses et contrôles"),
        company=2,
        steps=((12, "invite"), (6, "accord"), (5, "missions"), (3, "sign")),
    ),
    # Signed, not yet confirmed by scolarité; missions with the GenIndus option lead.
    Scenario(
        Admitted("Maxime", "Vialar", "genindus", Diploma.DUT, "DUT Génie industriel et maintenance", age=21),
        company=6,
        steps=((20, "invite"), (14, "accord"), (13, "missions"), (11, "submit"), (10, "sign")),
    ),
    # Matériaux: two places, both taken (Pujol, Teyssier); Rouquette waits on the list.
    Scenario(
        Admitted("Lucas", "Pujol", "materiaux", Diploma.BUT, "BUT Science et génie des matériaux"),
        company=4,
        steps=(
            (38, "invite"),
            (33, "accord"),
            (33, "missions"),
            (32, "submit"),
            (31, "sign"),
            (30, "receipt"),
            (27, "validate"),
            (12, "sign_convention"),
        ),
    ),
    Scenario(
        Admitted("Sarah", "Teyssier", "materiaux", Diploma.L2, "L2 Chimie"),
        company=9,
        steps=(
            (30, "invite"),
            (26, "accord"),
            (25, "missions_thin"),
            (24, "submit"),
            (23, "sign"),
            (22, "receipt"),
            (20, "send_back"),
        ),
    ),
    Scenario(
        Admitted("Thomas", "Rouquette", "materiaux", Diploma.BTS, "BTS Europlastics et composites", age=22),
        company=0,
        steps=((21, "invite"), (17, "accord"), (16, "missions"), (15, "sign"), (14, "receipt")),
    ),
    Scenario(
        Admitted("Anaïs", "Barthe", "energies", Diploma.BUT, "BUT Métiers de la transition énergétique"),
        company=1,
        steps=(
            (25, "invite"),
            (19, "accord"),
            (19, "missions"),
            (18, "sign"),
            (17, "receipt"),
            (4, "submit"),
        ),
    ),
    Scenario(
        Admitted("Romain", "Calvet", "energies", Diploma.DUT, "DUT Génie thermique et énergie", age=21),
        company=5,
        steps=(
            (55, "invite"),
            (50, "accord"),
            (49, "missions"),
            (49, "submit"),
            (48, "sign"),
            (47, "receipt"),
            (45, "validate"),
            (30, "sign_convention"),
            (6, "sign_contract"),
        ),
    ),
    Scenario(
        Admitted("Manon", "Escande", "energies", Diploma.BUT, "BUT Génie thermique et énergie"),
        company=11,
        steps=(
            (60, "invite"),
            (56, "accord"),
            (55, "missions"),
            (55, "submit"),
            (54, "sign"),
            (53, "receipt"),
            (50, "validate"),
            (40, "sign_convention"),
            (25, "sign_contract"),
            (5, "send_to_opco"),
        ),
    ),
    Scenario(
        Admitted("Hugo", "Maurel", "energies", Diploma.BTS, "BTS Fluides, énergies, domotique", age=21),
        company=8,
        steps=(
            (35, "invite"),
            (30, "accord"),
            (29, "missions"),
            (28, "sign"),
            (27, "receipt"),
            (
                16,
                "cancel",
                "Le projet de nouvelle centrale est reporté à 2028 : nous gelons ce recrutement.",
            ),
        ),
    ),
    Scenario(
        Admitted(
            "Laura", "Gasc", "genindus", Diploma.BUT, "BUT Qualité, logistique industrielle et organisation"
        ),
        company=10,
        steps=(
            (28, "invite"),
            (24, "accord"),
            (22, "missions"),
            (21, "submit"),
            (20, "sign"),
            (19, "receipt"),
            (3, "validate"),
        ),
    ),
    Scenario(
        Admitted("Kévin", "Alibert", "genindus", Diploma.BTS, "BTS Conception des processus de réalisation"),
        company=9,
        steps=(
            (18, "invite"),
            (15, "accord_partial"),
            (
                8,
                "withdraw",
                "J'ai accepté une proposition d'alternance chez un autre employeur, plus près de chez moi.",
            ),
        ),
    ),
    Scenario(
        Admitted("Chloé", "Cassagne", "pharmagro", Diploma.BUT, "BUT Génie chimique, génie des procédés"),
        company=7,
        steps=(
            (45, "invite"),
            (40, "accord"),
            (40, "missions_thin"),
            (39, "submit"),
            (38, "sign"),
            (37, "receipt"),
            (35, "send_back"),
            (33, "missions"),
            (32, "submit"),
            (30, "validate"),
            (2, "sign_convention"),
        ),
    ),
    Scenario(
        Admitted(
            "Antoine", "Bories", "pharmagro", Diploma.DUT, "DUT Génie biologique, option agroalimentaire"
        ),
        company=3,
        steps=(
            (70, "invite"),
            (66, "accord"),
            (65, "missions"),
            (65, "submit"),
            (64, "sign"),
            (63, "receipt"),
            (61, "validate"),
            (50, "sign_convention"),
            (35, "sign_contract"),
            (21, "send_to_opco"),
            (4, "register"),
        ),
    ),
]


class _Clock:
    """Dates the rows a step writes.

    The services stamp everything with `timezone.now()`: the transition log, the dossier's
    and the sheet's `state_changed_at`, the signature, the sheet versions, notifications,
    history rows. Replayed in one second, the whole pipeline would look done today and no
    dossier would show on the board as "not moved for more than 7 days". So after each
    step, every timestamp that step wrote (>= the moment it began) is moved back to the
    step's date, with a plain UPDATE (no history row). Notifications older than a week are
    marked read, as their recipients would have.
    """

    FIELDS = [
        (Dossier, ("created_at", "state_changed_at", "accord_signed_at")),
        (AccordPrealable, ("updated_at",)),
        (MissionSheet, ("state_changed_at", "updated_at")),
        (MissionSheetVersion, ("submitted_at", "decided_at")),
        (TransitionLog, ("at",)),
        (Signature, ("signed_at",)),
        (Notification, ("created_at", "emailed_at")),
        (Apprenticeship, ("created_at",)),
        *[
            (model.history.model, ("history_date",))
            for model in (
                Dossier,
                AccordPrealable,
                MissionSheet,
                Apprenticeship,
                CompanyContact,
                CompanyTutor,
            )
        ],
    ]

    def __init__(self, today: datetime.date):
        self.today = today
        self.per_day: dict[int, int] = {}

    def moment(self, days_ago: int) -> datetime.datetime:
        """Working hours, later for each further step of the scenario on the same day."""
        n = self.per_day[days_ago] = self.per_day.get(days_ago, -1) + 1
        day = self.today - datetime.timedelta(days=days_ago)
        at = datetime.time(min(9 + days_ago % 3 + 2 * n, 18), (days_ago * 17) % 60)
        return timezone.make_aware(datetime.datetime.combine(day, at))

    def backdate(self, since: datetime.datetime, when: datetime.datetime) -> None:
        for model, fields in self.FIELDS:
            for name in fields:
                model.objects.filter(**{f"{name}__gte": since}).update(**{name: when})
        if when < timezone.now() - datetime.timedelta(days=7):
            Notification.objects.filter(created_at=when, read_at__isnull=True).update(
                read_at=when + datetime.timedelta(hours=3)
            )


def load(ctx: DemoContext) -> None:
    cohort = _recruited_cohort(ctx)
    scolarite = ctx.people["scolarite@example.com"]
    for code, places in CAPACITIES.items():
        if not OptionCapacity.objects.filter(option=ctx.options[code], cohort=cohort).exists():
            services.set_capacity(option=ctx.options[code], cohort=cohort, places=places, actor=scolarite)
    company_contact = ensure_person(ctx, COMPANY_LOGIN, "Sandrine", "Albouy", phone="05 63 00 00 02")
    upsert(
        CompanyContact,
        user=company_contact,
        company=ctx.companies[0],
        defaults={
            "job_title": "Responsable des ressources humaines",
            "is_hr_contact": True,
            "is_signatory": True,
        },
    )
    rng = random.Random(2027)
    for admitted in WITHOUT_DOSSIER:
        _candidate(ctx, cohort, admitted, rng)
    with _notifications_not_emailed():
        for scenario in SCENARIOS:
            candidate = _candidate(ctx, cohort, scenario.candidate, rng)
            if not candidate.dossiers.exists():
                _Replay(ctx, candidate, scenario).run()


def _recruited_cohort(ctx: DemoContext) -> Cohort:
    """The next cohort (entering next September); once the demo is loaded, the cohort it
    was loaded for. Run again after the rentrée, `load_demo` updates that data in place
    instead of replaying the pipeline for people who went through it (registering
    someone who is already an apprentice would fail)."""
    loaded = Candidate.objects.filter(user__email=CANDIDATE_LOGIN).order_by("-cohort__entry_year").first()
    if loaded:
        return loaded.cohort
    entry_year = ctx.current_year.start_year + 1
    return upsert(Cohort, entry_year=entry_year, defaults={"name": f"Promotion {entry_year + 3}"})


@contextmanager
def _notifications_not_emailed():
    """Record the replayed steps' notifications without e-mailing them.

    Replaying the pipeline notifies over a hundred times; each would leave as an e-mail when
    `load_demo`'s transaction commits, dated today about steps dated weeks ago, flooding
    the demo outbox (/demo/boite-mail/, there to follow invitation links) and printing a
    Celery line each. Overriding EMAIL_BACKEND here would not stop them: they are sent
    by on-commit callbacks, after this function has returned and the override is gone.
    So the one function `notify` queues e-mails with is swapped for a no-op meanwhile:
    the notifications are still created (and marked e-mailed, then back-dated, so the
    daily digest does not pick them up); invitations and every other e-mail are untouched.
    """
    queue = notifications.queue_templated_email
    notifications.queue_templated_email = lambda **kwargs: None
    try:
        yield
    finally:
        notifications.queue_templated_email = queue


def _candidate(ctx: DemoContext, cohort: Cohort, admitted: Admitted, rng: random.Random) -> Candidate:
    user = ensure_person(
        ctx,
        admitted.address,
        admitted.first_name,
        admitted.last_name,
        phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    )
    start = school_year_start(cohort.entry_year)
    born = datetime.date(start.year - admitted.age - 1, rng.randint(10, 12), rng.randint(1, 28))
    scores = [Decimal(rng.randint(24, 36)) / 2 for _ in range(4)]  # 12 to 18, by half points
    defaults = {
        "option": ctx.options[admitted.option],
        "birth_date": born,
        "diploma": admitted.diploma,
        "diploma_title": admitted.diploma_title,
        "file_score": scores[0],
        "interview_score": scores[1],
        "test_score": scores[2],
        "english_score": scores[3],
        "recorded_by": ctx.people["scolarite@example.com"],
    }
    if not Candidate.objects.filter(user=user, cohort=cohort).exists():
        # Set once: the dossiers are dated after it, and are not re-dated on later runs.
        defaults["admitted_on"] = ctx.today - datetime.timedelta(days=admitted.admitted_days_ago)
    return upsert(Candidate, defaults, user=user, cohort=cohort)


class _Replay:
    """Plays one scenario's steps through the services, as each actor would."""

    def __init__(self, ctx: DemoContext, candidate: Candidate, scenario: Scenario):
        self.ctx = ctx
        self.clock = _Clock(ctx.today)
        self.candidate = candidate
        self.scenario = scenario
        self.company = ctx.companies[scenario.company]
        self.contact = ctx.people[scenario.contact or f"rh.entreprise{scenario.company + 1}@example.com"]
        self.option = ctx.options[candidate.option.code]
        self.dossier: Dossier | None = None

    def run(self) -> None:
        for days_ago, action, *argument in self.scenario.steps:
            when = self.clock.moment(days_ago)
            since = timezone.now()
            getattr(self, f"_{action}")(when, *argument)
            self.clock.backdate(since, when)

    # The candidate

    def _invite(self, when):
        self.dossier = services.start_dossier(
            candidate=self.candidate,
            contact_email=self.contact.email,
            contact_first_name=self.contact.first_name,
            contact_last_name=self.contact.last_name,
            company_name=self.company.name,
        )

    def _withdraw(self, when, reason):
        self.dossier = services.fire(self.dossier, "withdraw", actor=self.candidate.user, comment=reason)

    # The company contact

    def _accord(self, when, *, complete=True):
        company = self.company
        data = {
            "company_name": company.name,
            "siret": company.siret,
            "address": company.address,
            "postal_code": company.postal_code,
            "city": company.city,
            "opco": company.opco,
            "hr_phone": self.contact.phone or company.phone,
        }
        if complete:
            tutor = self._tutor()
            start = school_year_start(self.candidate.cohort.entry_year) - datetime.timedelta(days=14)
            data |= {
                "tutor_first_name": tutor.user.first_name,
                "tutor_last_name": tutor.user.last_name,
                "tutor_email": tutor.user.email,
                "tutor_phone": tutor.user.phone or company.phone,
                "tutor_job_title": tutor.job_title,
                "tutor_has_engineering_degree": tutor.has_engineering_degree,
                "tutor_years_as_engineer": tutor.years_as_engineer,
                "start_date": start,
                **dict.fromkeys(AccordPrealable.COMMITMENT_FIELDS, True),
            }
        accord = AccordPrealable.objects.get(dossier=self.dossier)
        save_draft(accord, data=data, expected_version=accord.version, actor=self.contact)

    def _accord_partial(self, when):
        self._accord(when, complete=False)

    def _tutor(self) -> CompanyTutor:
        tutors = CompanyTutor.objects.select_related("user").filter(company=self.company)
        if self.scenario.tutor:
            return tutors.get(user__email=self.scenario.tutor)
        eligible = tutors.filter(CompanyTutor.eligible_q()).exclude(
            user__email="tuteur.entreprise@example.com"
        )
        return eligible.order_by("user__email").first() or tutors.order_by("user__email").first()

    def _missions(self, when, *, thin=False):
        data = {}
        for year, (missions, family) in enumerate(MISSIONS[self.option.code], start=1):
            data[f"year{year}_missions"] = missions
            data[f"year{year}_family"] = family
            data[f"year{year}_level"] = (
                ExpectedLevel.TECHNICIAN,
                ExpectedLevel.ASSISTANT_ENGINEER,
                ExpectedLevel.JUNIOR_ENGINEER,
            )[year - 1]
        if thin:
            year, missions = THIN_MISSIONS[self.option.code]
            data[f"year{year}_missions"] = missions
        sheet = MissionSheet.objects.get(dossier=self.dossier)
        save_draft(sheet, data=data, expected_version=sheet.version, actor=self.contact)

    def _missions_thin(self, when):
        self._missions(when, thin=True)

    def _submit(self, when):
        services.fire_on_sheet(self._sheet(), "submit", actor=self.contact)

    def _sign(self, when):
        evidence = SignerEvidence(
            typed_name=f"{self.contact.first_name} {self.contact.last_name}",
            ip_address=f"192.0.2.{10 + self.scenario.company}",  # documentation range (RFC 5737)
            user_agent=USER_AGENT,
        )
        self.dossier = services.fire(self.dossier, "sign_accord", actor=self.contact, evidence=evidence)

    def _cancel(self, when, reason):
        self.dossier = services.fire(self.dossier, "cancel", actor=self.contact, comment=reason)

    # Scolarité and the option lead

    def _receipt(self, when):
        self.dossier = services.confirm_receipt(
            dossier=self.dossier, actor=self.ctx.people["scolarite@example.com"]
        )

    def _validate(self, when):
        services.fire_on_sheet(self._sheet(), "validate", actor=self.option.lead)

    def _send_back(self, when):
        services.fire_on_sheet(
            self._sheet(), "send_back", actor=self.option.lead, comment=REMARKS[self.option.code]
        )

    def _sheet(self) -> MissionSheet:
        return MissionSheet.objects.get(dossier=self.dossier)

    # MidiSup

    def _milestone(self, name: str, when: datetime.datetime) -> None:
        dossier = Dossier.objects.get(pk=self.dossier.pk)
        self.dossier = services.fire(
            dossier, name, actor=self.ctx.people["midisup@example.com"], data={"on_date": when.date()}
        )

    def _sign_convention(self, when):
        self._milestone("sign_convention", when)

    def _sign_contract(self, when):
        self._milestone("sign_contract", when)

    def _send_to_opco(self, when):
        self._milestone("send_to_opco", when)

    def _register(self, when):
        self._milestone("register", when)
