"""Demo data of the LEA: the competency framework and every demo apprentice's booklet.

Called by `load_demo` after `apprentissage.demo.load()` and `planning.demo.load()` (the
calendars the fiches come from), with its `DemoContext`.

- The framework: the seed's four general competencies (common block) and one block per
  option (`lea.framework_seed`), upserted by code.
- 2025-2026, for those enrolled that year: every fiche de liaison countersigned (a real
  online signature, so its verification code works) and acknowledged, the year's visit
  held with its signed report, the yearly missions description validated, the project
  dossier endorsed (signed) and validated.
- 2026-2027 up to today: fiches from the calendar, most done, some late (with the
  reminders the daily task would have sent), one sent back, one with a concern; visits
  held, planned or still to plan; missions descriptions validated, submitted or late.
- The personas' starting points (README "To try"): the demo apprentice's fiche to fill,
  the demo company tutor's fiche to countersign (with the reminder e-mail in the demo
  outbox), the demo school tutor's apprentice without a visit and visit whose report is
  to write, the GenIndus lead's missions description to validate (v1 sent back, v2 in).

The fiches' periods are the portal's own (`lea.fiches.company_periods`, from each apprentice's
calendar), so the daily `sync_fiches` finds nothing to change after the demo (tested). The
documents' states, audit entries and signatures are written directly, dated in the past (the
workflows' effects would date them today and notify everyone), under the workflows'
transition names and signature purposes.

Idempotent: each document is created only when missing (by its natural key: apprenticeship,
school year, period number), so a second run adds nothing; the framework is upserted.
Everything is dated in the past, relative to `ctx.today`.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from apprentissage.demo import DemoContext, upsert
from apprentissage.mail import queue_templated_email
from apprentissage.models import Apprenticeship, Notification, Signature, TransitionLog
from apprentissage.signatures import SignerEvidence, sign_online
from planning.selectors import calendars_for
from recruitment.demo import MISSIONS
from recruitment.enums import ExpectedLevel

from . import framework_seed
from .enums import (
    ActionOwner,
    BehaviourCriterion,
    CompetencyLevel,
    FicheState,
    PlanState,
    ProjectState,
    ReminderStep,
    RiskStatus,
    TutorAgreement,
    VisitMode,
    VisitState,
)
from .fiche_effects import SIGNATURE_PURPOSE as FICHE_SIGNATURE_PURPOSE
from .fiches import company_periods
from .models import (
    Competency,
    CompetencyBlock,
    Fiche,
    ProjectDossier,
    ProjectDossierVersion,
    Reminder,
    Visit,
    VisitAction,
    YearlyPlan,
    YearlyPlanVersion,
)
from .models.competencies import framework_for
from .projects import ENDORSEMENT_PURPOSE
from .reminders import steps
from .visits import SIGNATURE_PURPOSE as VISIT_SIGNATURE_PURPOSE

APPRENTICE = "apprenti@example.com"
COMPANY_TUTOR = "tuteur.entreprise@example.com"
SCHOOL_TUTOR = "tuteur.ecole@example.com"
SCOLARITE = "scolarite@example.com"
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# Signature purposes (what the signer signs as).
FICHE_PURPOSE = FICHE_SIGNATURE_PURPOSE
VISIT_PURPOSE = VISIT_SIGNATURE_PURPOSE
PROJECT_PURPOSE = ENDORSEMENT_PURPOSE

LEVELS = {1: ExpectedLevel.TECHNICIAN, 2: ExpectedLevel.ASSISTANT_ENGINEER, 3: ExpectedLevel.JUNIOR_ENGINEER}
TECHNICAL_SHARE = {1: 80, 2: 65, 3: 55}

# ---------------------------------------------------------------------------------------
# Content: what apprentices and tutors write (per option, then shared phrases)

ACTIVITIES = {
    "energies": [
        "Relevés et analyse des consommations de chauffage des bâtiments du site",
        "Participation à l'audit énergétique réglementaire (collecte des données, visites)",
        "Pré-dimensionnement d'une pompe à chaleur sur eaux grises",
        "Suivi de chantier de la chaufferie biomasse avec le bureau d'études",
        "Mise à jour des tableaux de bord de production photovoltaïque",
        "Rédaction des comptes rendus de réunions de maîtrise d'œuvre",
    ],
    "genindus": [
        "Cartographie des flux (VSM) de la ligne d'assemblage des sous-ensembles",
        "Animation des points quotidiens de performance avec les chefs d'équipe",
        "Calcul et suivi du TRS des trois postes goulots",
        "Chantier SMED sur la presse 400 t avec la maintenance",
        "Mise à jour des gammes et des standards de poste",
        "Analyse des causes de non-qualité (Ishikawa, 5 pourquoi) sur les retours clients",
    ],
    "materiaux": [
        "Essais de traction et de fatigue sur éprouvettes composites au laboratoire",
        "Rédaction des rapports d'essais et des fiches de non-conformité",
        "Comparaison de deux résines pour le drapage des pièces de structure",
        "Suivi de la qualification du nouveau four de polymérisation",
        "Analyse de défauts par microscopie et contrôle par ultrasons",
        "Participation aux revues de conception avec le bureau d'études",
    ],
    "pharmagro": [
        "Suivi des lots de fabrication et revue des dossiers de lot",
        "Participation à la qualification de la nouvelle ligne de conditionnement",
        "Rédaction de modes opératoires conformes aux BPF",
        "Analyse des écarts et suivi des CAPA avec l'assurance qualité",
        "Essais pilotes de formulation avec la R&D",
        "Mise à jour de l'analyse des risques HACCP de l'atelier",
    ],
}

PROJECTS = {
    "energies": [
        "Réduction des consommations de chauffage du bâtiment administratif",
        "Étude de faisabilité d'une centrale photovoltaïque en autoconsommation",
        "Récupération de chaleur fatale sur les compresseurs d'air",
    ],
    "genindus": [
        "Mise en place d'indicateurs de performance sur la ligne pilote",
        "Réduction des temps de changement de série sur l'atelier de presses",
        "Refonte du flux d'approvisionnement des lignes d'assemblage",
    ],
    "materiaux": [
        "Caractérisation d'une nouvelle résine pour pièces de structure",
        "Qualification d'un procédé d'assemblage collé",
        "Industrialisation d'une pièce composite thermoplastique",
    ],
    "pharmagro": [
        "Fiabilisation du conditionnement des flacons de 50 ml",
        "Réduction des pertes matière sur la ligne de moulage",
        "Validation du nettoyage en place de la cuve de préparation",
    ],
}

DIFFICULTIES = [
    "Difficile de trouver des créneaux avec les équipes de production pendant les pics d'activité.",
    "Les données historiques sont incomplètes : j'ai dû reconstituer une partie des relevés.",
    "J'ai eu du mal à prioriser entre les demandes urgentes et le projet.",
    "Rien de bloquant sur cette période.",
    "La prise en main du logiciel de l'entreprise m'a pris plus de temps que prévu.",
]
SUPPORT = [
    "Un point hebdomadaire avec mon tuteur pour arbitrer les priorités.",
    "Un accès aux données de l'ERP pour ne plus dépendre des extractions manuelles.",
    "Une formation courte sur l'outil de supervision.",
    "",
]
PROGRESS = [
    "Le périmètre du projet est validé ; la collecte des données est terminée à 70 %.",
    "Premiers résultats présentés au comité de pilotage, plan d'actions en cours de rédaction.",
    "L'état des lieux est fait ; les pistes d'amélioration sont chiffrées.",
    "Le prototype est en test sur un poste ; retours des opérateurs positifs.",
]
OBJECTIVES = [
    "Finaliser l'analyse et présenter les premières recommandations à mon tuteur.",
    "Mettre en œuvre les deux premières actions du plan et en mesurer l'effet.",
    "Rédiger la synthèse intermédiaire du projet et préparer la soutenance.",
    "Prendre en charge seul(e) l'animation de la réunion hebdomadaire.",
]
TUTOR_OBJECTIVES = [
    "Gagner en autonomie sur la conduite des réunions avec la production.",
    "Formaliser davantage les hypothèses et les sources des données utilisées.",
    "Tenir le planning du projet et alerter plus tôt en cas de retard.",
    "Partager les résultats avec l'ensemble de l'équipe.",
]
TUTOR_COMMENTS = [
    "Période riche, bon investissement.",
    "Travail sérieux, à poursuivre.",
    "Très bonne intégration dans l'équipe, les opérateurs apprécient sa disponibilité.",
    "Progrès nets depuis la dernière période.",
    "",
]
SCHOOL_COMMENTS = [
    "Bonne période, à poursuivre.",
    "Pris connaissance ; nous en reparlerons lors de la visite.",
    "",
    "Attention à garder du temps pour le projet.",
]
CORRECTIONS = (
    "La part de temps consacrée au chantier est plutôt de 30 % ; le reste conforme à ce que nous "
    "avons vu ensemble."
)
SEND_BACK_REMARK = (
    "Merci de détailler les activités de la période (part de temps de chacune) et de préciser "
    "l'avancement du projet avant que je complète ma partie."
)
CONCERN_REASON = (
    "Plusieurs retards et absences non justifiées en entreprise sur la période ; l'apprenti semble "
    "démotivé. Je souhaite un échange rapide avec le tuteur école."
)
PLAN_REMARKS = (
    "Les missions de 2A doivent faire apparaître une part managériale (animation, pilotage d'un "
    "petit projet) : merci de préciser ce que l'apprentie conduira seule et les indicateurs du "
    "projet."
)

REPORT = {
    "missions_fit": "Missions en adéquation avec la formation et le niveau attendu pour l'année.",
    "working_conditions": "Poste de travail adapté, équipements de protection fournis, horaires respectés.",
    "integration": "Bien intégré(e) dans l'équipe ; identifié(e) comme interlocuteur par les opérateurs.",
    "progress": "Progrès visibles sur l'autonomie et la rigueur des analyses depuis la période précédente.",
    "competencies_apprentice_view": "Se sent à l'aise sur l'analyse, moins sur l'animation de réunions.",
    "competencies_tutor_view": "Le tuteur souligne la qualité des livrables ; l'oral reste à travailler.",
    "project_status": "Sujet validé, objectifs et indicateurs définis ; premières mesures disponibles.",
    "mobility_and_english": "Séjour à l'international envisagé en 3A ; TOEIC prévu au printemps.",
    "overall_assessment": "Alternance qui se déroule bien ; accompagnement de qualité dans l'entreprise.",
}
RISK_REASONS = {
    RiskStatus.GREEN: "Aucun signal d'alerte.",
    RiskStatus.AMBER: "Charge de travail élevée en entreprise : vigilance sur le temps consacré aux cours.",
}
DOSSIER = {
    "problem": "Les performances actuelles ne permettent pas de tenir les objectifs fixés par la direction.",
    "objectives": "Définir et mettre en œuvre un plan d'actions chiffré ; mesurer les gains sur trois mois.",
    "indicators": "Indicateur principal suivi chaque semaine, comparé à la situation de référence.",
    "approach": "État des lieux, analyse des causes, pistes chiffrées, essais, généralisation.",
    "schedule": "Octobre–décembre : analyse ; janvier–mars : essais ; avril–juin : déploiement, bilan.",
}
ACTIONS = [
    ("Transmettre le planning détaillé du projet au tuteur école", ActionOwner.APPRENTICE, 14),
    ("Organiser un point mensuel de suivi du projet", ActionOwner.COMPANY_TUTOR, 30),
    ("Partager les supports du module de gestion de projet", ActionOwner.SCHOOL_TUTOR, 10),
]


# ---------------------------------------------------------------------------------------


@dataclass
class _Booklet:
    """What is written for one apprenticeship (rows then saved in bulk)."""

    apprenticeship: Apprenticeship
    key: str  # the apprentice's e-mail: seeds the choices, stable across databases
    index: int


@dataclass
class _Writer:
    """Transition logs and signatures, written in bulk once the documents are saved."""

    logs: list[TransitionLog] = field(default_factory=list)
    signatures: list[tuple[object, object, str, datetime.datetime]] = field(default_factory=list)
    content_types: dict = field(default_factory=dict)

    def ct(self, model):
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model)
        return self.content_types[model]

    def log(self, obj, name, from_state, to_state, actor, at, comment=""):
        self.logs.append(
            TransitionLog(
                content_type=self.ct(type(obj)),
                object_id=obj.pk,
                transition=name,
                from_state=from_state,
                to_state=to_state,
                actor=actor,
                at=at,
                comment=comment,
            )
        )

    def sign(self, obj, signer, purpose, at):
        self.signatures.append((obj, signer, purpose, at))

    def flush(self) -> None:
        TransitionLog.objects.bulk_create(self.logs)
        self.logs = []
        # Signed as loaded from the database, as the signing transition does: the content's
        # hash must be the one `verify` recomputes (a Visit's `starts_at` is hashed with its
        # time zone, UTC once read back).
        stored = {}
        for model in {type(obj) for obj, *_rest in self.signatures}:
            pks = [obj.pk for obj, *_rest in self.signatures if type(obj) is model]
            stored[model] = model.objects.in_bulk(pks)
        dated = []
        for obj, signer, purpose, at in self.signatures:
            signature = sign_online(
                stored[type(obj)][obj.pk],
                signer=signer,
                purpose=purpose,
                evidence=SignerEvidence(
                    typed_name=f"{signer.first_name} {signer.last_name}",
                    ip_address=f"192.0.2.{10 + signer.pk % 200}",  # documentation range (RFC 5737)
                    user_agent=USER_AGENT,
                ),
            )
            signature.signed_at = at
            dated.append(signature)
        Signature.objects.bulk_update(dated, ["signed_at"])
        self.signatures = []


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def load(ctx: DemoContext) -> None:
    _load_framework(ctx)
    apprenticeships = list(
        Apprenticeship.objects.with_people()
        .with_enrolments()
        .filter(cohort__entry_year__lte=ctx.current_year.start_year)
        .order_by("apprentice__email")
    )
    writer = _Writer()
    booklets = [_Booklet(a, a.apprentice.email, i) for i, a in enumerate(apprenticeships)]
    roles = _roles(ctx, booklets)
    _load_fiches(ctx, writer, booklets, roles)
    _load_visits(ctx, writer, booklets, roles)
    _load_plans(ctx, writer, booklets, roles)
    _load_projects(ctx, writer, booklets)
    writer.flush()
    _load_reminders(ctx)


# ---------------------------------------------------------------------------------------
# The framework


def _load_framework(ctx: DemoContext) -> None:
    common = upsert(CompetencyBlock, {"name": framework_seed.COMMON_BLOCK}, option=None, position=0)
    for position, (code, label) in enumerate(framework_seed.COMMON):
        upsert(Competency, {"block": common, "label": label, "position": position}, code=code)
    for position, code in enumerate(sorted(framework_seed.OPTIONS), start=1):
        name, competencies = framework_seed.OPTIONS[code]
        block = upsert(CompetencyBlock, {"name": name}, option=ctx.options[code], position=position)
        for rank, (competency_code, label) in enumerate(competencies):
            upsert(Competency, {"block": block, "label": label, "position": rank}, code=competency_code)


# ---------------------------------------------------------------------------------------
# Who plays which scenario


def _roles(ctx: DemoContext, booklets: list[_Booklet]) -> dict[str, int]:
    """Apprenticeship pk of each scenario that must land on a particular apprentice."""
    by_email = {b.key: b.apprenticeship for b in booklets}
    demo = by_email[APPRENTICE]
    school_tutor = ctx.people[SCHOOL_TUTOR]
    others_of_tutor = [
        b.apprenticeship
        for b in booklets
        if b.apprenticeship.school_tutor_id == school_tutor.pk and b.key != APPRENTICE
    ]
    current = [b.apprenticeship for b in booklets if b.apprenticeship.study_year_in(ctx.current_year)]
    # Others (neither the personas' apprentice nor the school tutor's one to visit).
    spare = [a for a in current if a.pk != demo.pk and a not in others_of_tutor[:2]]
    return {
        "to_visit": others_of_tutor[0].pk if others_of_tutor else None,
        # The demo school tutor's fiche to acknowledge (countersigned, not acknowledged yet).
        "to_acknowledge": others_of_tutor[1].pk if len(others_of_tutor) > 1 else None,
        "returned": spare[1].pk,
        "concern": spare[6].pk,
    }


# ---------------------------------------------------------------------------------------
# Fiches de liaison


def _load_fiches(ctx, writer, booklets, roles) -> None:
    years = [ctx.previous_year, ctx.current_year]
    calendars = calendars_for([b.apprenticeship for b in booklets], years, with_sessions=False)
    existing = set(
        Fiche.objects.live()
        .filter(school_year__in=years)
        .values_list("apprenticeship_id", "school_year_id", "number")
    )
    frameworks = {}
    new: list[tuple[_Booklet, Fiche, str]] = []
    for booklet, calendar in zip(booklets, calendars, strict=True):
        a = booklet.apprenticeship
        if a.option_id not in frameworks:
            frameworks[a.option_id] = framework_for(a.option)
        for school_year in years:
            study_year = calendar.study_year_in(school_year)
            if study_year is None:
                continue
            periods = [
                (p.period_start, p.period_end, p.return_on)
                for p in company_periods(calendar, school_year, a)
                if p.opens_on <= ctx.today
            ]
            # The latest period already over: where this year's scenarios play.
            latest = sum(1 for p in periods if p[2] <= ctx.today)
            for number, (start, end, back) in enumerate(periods, start=1):
                if (a.pk, school_year.pk, number) in existing:
                    continue
                fiche = Fiche(
                    apprenticeship=a,
                    school_year=school_year,
                    study_year=study_year,
                    number=number,
                    period_start=start,
                    period_end=end,
                    return_on=back,
                    due_on=back + _days(settings.LEA_FICHE_APPRENTICE_DAYS),
                    framework=frameworks[a.option_id],
                )
                scenario = _fiche_scenario(ctx, booklet, fiche, roles, latest=latest)
                new.append((booklet, fiche, scenario))
    for booklet, fiche, scenario in new:
        _fill_fiche(ctx, booklet, fiche, scenario)
    Fiche.objects.bulk_create([fiche for _b, fiche, _s in new])
    for booklet, fiche, scenario in new:
        _fiche_trail(ctx, writer, booklet, fiche, scenario)


def _fiche_scenario(ctx, booklet, fiche, roles, *, latest: int) -> str:
    """What happened to this fiche by today: empty, partial, late, submitted, returned,
    concern, countersigned, acknowledged."""
    today = ctx.today
    a = booklet.apprenticeship
    is_latest = fiche.number == latest
    if fiche.return_on > today:
        return "empty"  # opened, the period is not over
    if fiche.school_year.pk == ctx.previous_year.pk:
        return "acknowledged"
    if booklet.key == APPRENTICE:
        # Her latest fiche is hers to fill; the one before waits for her company tutor.
        if is_latest:
            return "partial"
        return "submitted_late" if fiche.number == latest - 1 else "acknowledged"
    if a.pk == roles["returned"] and is_latest:
        return "returned"
    if a.pk == roles["concern"] and is_latest:
        return "concern"
    if a.pk == roles["to_acknowledge"] and is_latest:
        return "countersigned"
    if not is_latest:
        return "acknowledged" if booklet.index % 4 else "countersigned"
    if fiche.due_on >= today:
        return ("empty", "partial", "submitted")[booklet.index % 3]
    return ("late", "submitted", "countersigned", "acknowledged", "late_partial", "countersigned")[
        booklet.index % 6
    ]


def _ratings(rng, codes, base) -> dict:
    return {code: max(0, min(CompetencyLevel.AUTONOMOUS, base + rng.choice((-1, 0, 0, 1)))) for code in codes}


def _fill_fiche(ctx, booklet, fiche, scenario) -> None:
    """The fiche's content and dates for its scenario (before it is saved)."""
    a = booklet.apprenticeship
    rng = random.Random(f"{booklet.key}/{fiche.school_year.start_year}/{fiche.number}")
    if scenario == "empty":
        return
    codes = [c["code"] for c in fiche.framework]
    base = {1: 1, 2: 2, 3: 2}[fiche.study_year] + (1 if fiche.number >= 4 else 0)
    shares = rng.choice(([50, 30, 20], [40, 40, 20], [60, 25, 15]))
    chosen = rng.sample(ACTIVITIES[a.option.code], 3)
    fiche.activities = [{"description": d, "share": s} for d, s in zip(chosen, shares, strict=True)]
    fiche.self_ratings = _ratings(rng, codes, base)
    fiche.difficulties = rng.choice(DIFFICULTIES)
    fiche.version = 3
    fiche.updated_by = a.apprentice
    if scenario in ("partial", "late_partial"):
        # Started on a phone between two meetings: activities and a few ratings, no more.
        fiche.activities = fiche.activities[:2]
        fiche.self_ratings = dict(list(fiche.self_ratings.items())[:3])
        fiche.version = 2
        return
    fiche.support_needed = rng.choice(SUPPORT)
    fiche.project_progress = rng.choice(PROGRESS)
    fiche.next_objectives = rng.choice(OBJECTIVES)
    if scenario == "late":
        # Written in but never submitted: the apprentice let it slip.
        fiche.project_progress = fiche.next_objectives = ""
        return
    yesterday = ctx.today - _days(1)
    submitted = _at(min(fiche.due_on - _days(rng.randint(0, 3)), yesterday), 18, rng.randint(0, 59))
    fiche.submitted_at = submitted
    fiche.tutor_due_on = submitted.date() + _days(settings.LEA_FICHE_TUTOR_DAYS)
    fiche.state_changed_at = submitted
    fiche.state = FicheState.SUBMITTED
    if scenario == "submitted_late":
        # Sent back once by the tutor (remark), resubmitted two weeks ago: the tutor is late.
        fiche.submitted_at = fiche.state_changed_at = _at(ctx.today - _days(14), 19, 12)
        fiche.tutor_due_on = ctx.today - _days(14) + _days(settings.LEA_FICHE_TUTOR_DAYS)
        fiche.version = 5
        return
    if scenario == "submitted":
        return
    if scenario == "returned":
        fiche.state = FicheState.RETURNED
        fiche.state_changed_at = min(submitted + _days(2), _at(ctx.today, 8))
        fiche.tutor_due_on = None
        return
    # Completed and countersigned by the company tutor.
    fiche.tutor_agreement = TutorAgreement.AGREE if rng.random() < 0.75 else TutorAgreement.CORRECTIONS
    if fiche.tutor_agreement == TutorAgreement.CORRECTIONS:
        fiche.tutor_corrections = CORRECTIONS
    fiche.tutor_ratings = _ratings(rng, codes, base)
    fiche.behaviour_ratings = {c: rng.choice((2, 3, 3, 4)) for c in BehaviourCriterion.values}
    fiche.tutor_objectives = rng.choice(TUTOR_OBJECTIVES)
    fiche.tutor_comment = rng.choice(TUTOR_COMMENTS)
    if scenario == "concern":
        fiche.concern = True
        fiche.concern_reason = CONCERN_REASON
        fiche.concern_told_at = submitted + _days(1)  # the tutor's save told the school tutor
        fiche.behaviour_ratings |= {BehaviourCriterion.DEADLINES: 1, BehaviourCriterion.INITIATIVE: 1}
    signed = min(submitted + _days(rng.randint(2, 8)), _at(ctx.today, 8) - _days(1))
    signed = max(signed, submitted + datetime.timedelta(hours=2))
    fiche.countersigned_at = fiche.state_changed_at = signed
    fiche.state = FicheState.COUNTERSIGNED
    fiche.version = 6
    fiche.updated_by = a.company_tutor
    if scenario == "acknowledged":
        acknowledged = signed + _days(rng.randint(1, 6))
        if acknowledged.date() < ctx.today:
            fiche.state = FicheState.ACKNOWLEDGED
            fiche.acknowledged_at = fiche.state_changed_at = acknowledged
            fiche.acknowledged_by = _school_tutor(a)
            fiche.school_comment = rng.choice(SCHOOL_COMMENTS)


def _school_tutor(a):
    return a.school_tutor or a.option.lead


def _fiche_trail(ctx, writer, booklet, fiche, scenario) -> None:
    a = booklet.apprenticeship
    F = FicheState
    if fiche.submitted_at is None:
        return
    if scenario == "submitted_late":
        first = _at(fiche.due_on - _days(1), 17, 40)
        writer.log(fiche, "submit", F.DRAFT, F.SUBMITTED, a.apprentice, first)
        writer.log(
            fiche, "send_back", F.SUBMITTED, F.RETURNED, a.company_tutor, first + _days(3), SEND_BACK_REMARK
        )
        writer.log(fiche, "submit", F.RETURNED, F.SUBMITTED, a.apprentice, fiche.submitted_at)
        return
    writer.log(fiche, "submit", F.DRAFT, F.SUBMITTED, a.apprentice, fiche.submitted_at)
    if fiche.state == F.RETURNED:
        writer.log(
            fiche,
            "send_back",
            F.SUBMITTED,
            F.RETURNED,
            a.company_tutor,
            fiche.state_changed_at,
            SEND_BACK_REMARK,
        )
        return
    if fiche.countersigned_at:
        writer.log(
            fiche, "countersign", F.SUBMITTED, F.COUNTERSIGNED, a.company_tutor, fiche.countersigned_at
        )
        writer.sign(fiche, a.company_tutor, FICHE_PURPOSE, fiche.countersigned_at)
    if fiche.concern:
        # The school tutor was told at once (and has read it).
        Notification.objects.create(
            recipient=_school_tutor(a),
            title=f"Inquiétude signalée par le tuteur entreprise de {a.apprentice.get_full_name()}",
            url=reverse("lea:fiche_detail", args=[fiche.pk]),
            message=fiche.concern_reason,
            created_at=fiche.concern_told_at,
            emailed_at=fiche.concern_told_at,
            read_at=fiche.countersigned_at + _days(1) if fiche.acknowledged_at else None,
        )
    if fiche.acknowledged_at:
        writer.log(
            fiche,
            "acknowledge",
            F.COUNTERSIGNED,
            F.ACKNOWLEDGED,
            fiche.acknowledged_by,
            fiche.acknowledged_at,
            fiche.school_comment,
        )


# ---------------------------------------------------------------------------------------
# Company visits


def _load_visits(ctx, writer, booklets, roles) -> None:
    years = [ctx.previous_year, ctx.current_year]
    done = set(Visit.objects.filter(school_year__in=years).values_list("apprenticeship_id", "school_year_id"))
    school_tutor = ctx.people[SCHOOL_TUTOR]
    for booklet in booklets:
        a = booklet.apprenticeship
        tutor = _school_tutor(a)
        rng = random.Random(f"{booklet.key}/visits")
        for school_year in years:
            study_year = a.study_year_in(school_year)
            if study_year is None or (a.pk, school_year.pk) in done:
                continue
            if school_year.pk == ctx.previous_year.pk:
                # 1A: a first visit within the first months of the contract; else in the spring.
                first = datetime.date(school_year.start_year, 11, 3) if study_year == 1 else None
                day = (first or datetime.date(school_year.start_year + 1, 2, 2)) + _days(rng.randint(0, 45))
                _visit(ctx, writer, a, school_year, tutor, day, rng, reported=True)
                continue
            if a.school_tutor is None or a.pk == roles["to_visit"]:
                continue  # still to plan (scolarité is to assign a school tutor first)
            if booklet.key == APPRENTICE:
                # Held last week: the demo school tutor's report to write.
                _visit(ctx, writer, a, school_year, school_tutor, ctx.today - _days(6), rng, reported=False)
                continue
            kind = booklet.index % 3
            if kind == 0:
                day = ctx.today - _days(rng.randint(10, 50))
                _visit(ctx, writer, a, school_year, tutor, day, rng, reported=True)
            elif kind == 1:
                day = ctx.today + _days(rng.randint(5, 40))
                _visit(ctx, writer, a, school_year, tutor, day, rng, reported=False)
            # kind 2: no visit yet this year


def _visit(ctx, writer, a, school_year, tutor, day, rng, *, reported) -> Visit:
    year = day.year - (day.month == 1)
    christmas = (datetime.date(year, 12, 19), datetime.date(year + 1, 1, 4))
    if christmas[0] <= day < christmas[1]:
        day = christmas[1] + _days(rng.randint(0, 12))  # no visit during the Christmas closure
    while day.weekday() >= 5:
        day += _days(1)
    starts = _at(day, rng.choice((9, 10, 14, 15)), rng.choice((0, 30)))
    mode = rng.choice((VisitMode.ON_SITE, VisitMode.ON_SITE, VisitMode.VIDEO))
    visit = Visit(
        apprenticeship=a,
        school_year=school_year,
        starts_at=starts,
        mode=mode,
        location=(
            f"{a.company.address}, {a.company.postal_code} {a.company.city}"
            if mode == VisitMode.ON_SITE
            else "https://visio.example.com/visite-entreprise"
        ),
        attendees=", ".join(p.get_full_name() for p in (a.apprentice, a.company_tutor, tutor)),
        state_changed_at=starts - _days(21),
        updated_by=tutor,
    )
    if reported:
        risk = RiskStatus.AMBER if rng.random() < 0.2 else RiskStatus.GREEN
        for name, text in REPORT.items():
            setattr(visit, name, text)
        visit.risk = risk
        visit.risk_reason = RISK_REASONS[risk]
        visit.next_visit_on = day + _days(120)
        visit.reported_at = visit.state_changed_at = starts + _days(rng.randint(1, 5))
        visit.state = VisitState.REPORTED
        visit.version = 3
    visit.save()
    if reported:
        owners = {
            ActionOwner.APPRENTICE: a.apprentice,
            ActionOwner.COMPANY_TUTOR: a.company_tutor,
            ActionOwner.SCHOOL_TUTOR: tutor,
        }
        actions = []
        for description, owner_role, in_days in rng.sample(ACTIONS, 2):
            due = day + _days(in_days)
            done = due < ctx.today - _days(7)
            actions.append(
                VisitAction(
                    visit=visit,
                    description=description,
                    owner_role=owner_role,
                    owner=owners[owner_role],
                    due_on=due,
                    done_at=_at(due - _days(2), 11) if done else None,
                    done_by=owners[owner_role] if done else None,
                )
            )
        VisitAction.objects.bulk_create(actions)
        writer.log(visit, "sign_report", VisitState.PLANNED, VisitState.REPORTED, tutor, visit.reported_at)
        writer.sign(visit, tutor, VISIT_PURPOSE, visit.reported_at)
    return visit


# ---------------------------------------------------------------------------------------
# Yearly missions and project descriptions


def _load_plans(ctx, writer, booklets, roles) -> None:
    years = [ctx.previous_year, ctx.current_year]
    done = set(
        YearlyPlan.objects.filter(school_year__in=years).values_list("apprenticeship_id", "school_year_id")
    )
    for booklet in booklets:
        a = booklet.apprenticeship
        rng = random.Random(f"{booklet.key}/plans")
        for school_year in years:
            study_year = a.study_year_in(school_year)
            if study_year is None or (a.pk, school_year.pk) in done:
                continue
            missions, family = MISSIONS[a.option.code][study_year - 1]
            project = PROJECTS[a.option.code][study_year - 1]
            plan = YearlyPlan(
                apprenticeship=a,
                school_year=school_year,
                study_year=study_year,
                missions=missions,
                family=family,
                level=LEVELS[study_year],
                technical_share=TECHNICAL_SHARE[study_year],
                company_project=f"{project}. Projet conduit avec le tuteur, jalons trimestriels.",
                updated_by=a.apprentice,
                version=4,
            )
            submitted = _at(datetime.date(school_year.start_year, 10, 5) + _days(rng.randint(0, 20)), 17)
            if school_year.pk == ctx.current_year.pk and booklet.key == APPRENTICE:
                _plan_resubmitted(ctx, writer, a, plan, submitted)
                continue
            if school_year.pk == ctx.current_year.pk and booklet.index % 5 == 3:
                plan.state = PlanState.DRAFT  # late: due on 15 November
                plan.version = 2
                plan.company_project = ""
                plan.save()
                continue
            if school_year.pk == ctx.current_year.pk and booklet.index % 5 == 1:
                plan.state, plan.state_changed_at = PlanState.SUBMITTED, submitted
                plan.save()
                _plan_version(plan, 1, a.apprentice, submitted)
                writer.log(plan, "submit", PlanState.DRAFT, PlanState.SUBMITTED, a.apprentice, submitted)
                continue
            decided = submitted + _days(rng.randint(2, 9))
            plan.state, plan.state_changed_at = PlanState.VALIDATED, decided
            plan.save()
            _plan_version(
                plan,
                1,
                a.apprentice,
                submitted,
                decision="validated",
                decided_by=a.option.lead,
                decided_at=decided,
            )
            writer.log(plan, "submit", PlanState.DRAFT, PlanState.SUBMITTED, a.apprentice, submitted)
            writer.log(plan, "validate", PlanState.SUBMITTED, PlanState.VALIDATED, a.option.lead, decided)


def _plan_version(
    plan, number, by, at, *, content=None, decision="", remarks="", decided_by=None, decided_at=None
):
    YearlyPlanVersion.objects.create(
        plan=plan,
        number=number,
        content=content or plan.content(),
        submitted_at=at,
        submitted_by=by,
        decision=decision,
        decided_at=decided_at,
        decided_by=decided_by,
        remarks=remarks,
    )


def _plan_resubmitted(ctx, writer, a, plan, first) -> None:
    """The option lead's to-do: v1 sent back with remarks, v2 resubmitted four days ago."""
    lead = a.option.lead
    first_content = plan.content() | {
        "missions": plan.missions.split(";")[0] + ".",
        "technical_share": 90,
        "company_project": "Amélioration continue sur un poste goulot.",
    }
    returned = first + _days(4)
    second = _at(ctx.today - _days(4), 18, 25)
    plan.missions += (
        " L'apprentie anime seule le chantier SMED et le point hebdomadaire de performance avec "
        "les chefs d'équipe (part managériale)."
    )
    plan.company_project = (
        "Réduction de 30 % du temps de changement de série sur la presse 400 t. Indicateurs : "
        "durée moyenne de changement, TRS du poste, nombre de changements par semaine."
    )
    plan.state, plan.state_changed_at, plan.version = PlanState.SUBMITTED, second, 6
    plan.save()
    _plan_version(
        plan,
        1,
        a.apprentice,
        first,
        content=first_content,
        decision="returned",
        remarks=PLAN_REMARKS,
        decided_by=lead,
        decided_at=returned,
    )
    _plan_version(plan, 2, a.apprentice, second)
    writer.log(plan, "submit", PlanState.DRAFT, PlanState.SUBMITTED, a.apprentice, first)
    writer.log(plan, "send_back", PlanState.SUBMITTED, PlanState.RETURNED, lead, returned, PLAN_REMARKS)
    writer.log(plan, "submit", PlanState.RETURNED, PlanState.SUBMITTED, a.apprentice, second)


# ---------------------------------------------------------------------------------------
# Project subjects and dossiers de validation


def _load_projects(ctx, writer, booklets) -> None:
    years = [ctx.previous_year, ctx.current_year]
    done = set(
        ProjectDossier.objects.filter(school_year__in=years).values_list(
            "apprenticeship_id", "school_year_id"
        )
    )
    for booklet in booklets:
        a = booklet.apprenticeship
        rng = random.Random(f"{booklet.key}/projects")
        for school_year in years:
            study_year = a.study_year_in(school_year)
            if study_year is None or (a.pk, school_year.pk) in done:
                continue
            title = PROJECTS[a.option.code][study_year - 1]
            dossier = ProjectDossier(
                apprenticeship=a,
                school_year=school_year,
                study_year=study_year,
                title=title,
                context=f"{a.company.name} ({a.company.city}) : {title.lower()}, priorité du site.",
                **DOSSIER,
                updated_by=a.apprentice,
                version=4,
            )
            if school_year.pk == ctx.current_year.pk:
                # Subjects are due at the end of the first semester: most are being written.
                if booklet.index % 2:
                    dossier.approach = dossier.schedule = ""
                    dossier.save()
                continue
            submitted = _at(datetime.date(school_year.start_year + 1, 1, 10) + _days(rng.randint(0, 15)), 18)
            endorsed = submitted + _days(rng.randint(2, 6))
            validated = endorsed + _days(rng.randint(2, 10))
            tutor = _school_tutor(a)
            dossier.tutor_remarks = "Sujet important pour le site ; moyens et accès aux données garantis."
            dossier.submitted_at = submitted
            dossier.state, dossier.state_changed_at, dossier.validated_at = (
                ProjectState.VALIDATED,
                validated,
                validated,
            )
            dossier.save()
            ProjectDossierVersion.objects.create(
                dossier=dossier,
                number=1,
                content=dossier.content(),
                submitted_at=submitted,
                submitted_by=a.apprentice,
                decision="validated",
                decided_at=validated,
                decided_by=tutor,
            )
            P = ProjectState
            writer.log(dossier, "submit", P.DRAFT, P.SUBMITTED, a.apprentice, submitted)
            writer.log(dossier, "endorse", P.SUBMITTED, P.ENDORSED, a.company_tutor, endorsed)
            writer.sign(dossier, a.company_tutor, PROJECT_PURPOSE, endorsed)
            writer.log(dossier, "validate", P.ENDORSED, P.VALIDATED, tutor, validated)


# ---------------------------------------------------------------------------------------
# Reminders (what the daily task would have sent)


def _load_reminders(ctx) -> None:
    """The cadence of PRACTICE.md §2 for each late fiche, up to today; each step once
    (get by its natural key). The demo company tutor's first reminder is also in the demo
    outbox, with its direct link (README "To try")."""
    ct = ContentType.objects.get_for_model(Fiche)
    scolarite = ctx.people[SCOLARITE]
    existing = set(
        Reminder.objects.filter(content_type=ct).values_list("object_id", "step", "due_on", "recipient_id")
    )
    # The portal's own cadence (lea.reminders.steps), and who gets each escalation.
    escalated_to = {ReminderStep.SCHOOL_TUTOR: "school", ReminderStep.SCOLARITE: "scolarite"}
    new = []
    for fiche in Fiche.objects.live().with_people().filter(school_year=ctx.current_year):
        late_since = fiche.late_since(ctx.today)
        if late_since is None:
            continue
        a = fiche.apprenticeship
        party = a.apprentice if fiche.state in FicheState.with_apprentice() else a.company_tutor
        for step, after in steps():
            day = late_since + _days(after)
            if day > ctx.today:
                break
            who = escalated_to.get(step)
            recipient = {"school": _school_tutor(a), "scolarite": scolarite}.get(who, party)
            if (fiche.pk, step, late_since, recipient.pk) in existing:
                continue
            reminder = Reminder(
                content_type=ct,
                object_id=fiche.pk,
                step=step,
                due_on=late_since,
                recipient=recipient,
                sent_at=_at(day, 7, 30),
            )
            new.append(reminder)
            if step == ReminderStep.FIRST and party.email == COMPANY_TUTOR:
                _email_tutor_reminder(fiche, party)
    Reminder.objects.bulk_create(new)


def _email_tutor_reminder(fiche, tutor) -> None:
    url = reverse("lea:fiche_tutor_edit", args=[fiche.pk])
    notification = Notification.objects.create(
        recipient=tutor,
        title=f"Rappel : fiche de liaison de {fiche.apprenticeship.apprentice.get_full_name()} à signer",
        url=url,
        message=(
            f"La fiche de la période du {fiche.period_start:%d/%m/%Y} au {fiche.period_end:%d/%m/%Y} "
            f"attendait votre partie pour le {fiche.tutor_due_on:%d/%m/%Y}."
        ),
        emailed_at=timezone.now(),
    )
    queue_templated_email(
        to=[tutor.email],
        template_prefix="emails/notification",
        context={"person": tutor, "notification": notification, "link": settings.SITE_URL + url},
    )
