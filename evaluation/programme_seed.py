"""A plausible programme (maquette) of the apprentice-engineer training, until scolarité enters
the school's official one: the seed's four teaching units (UE) of 30-hour modules, the
Unité Entreprise (UW) with its yearly components, the company-project rubric (the seed's
seven criteria) and the professional-behaviour criteria the company tutor grades.

The seed fixes the shape: SF 10 modules over years 1–2, TI 21 and CI 11 over years 1–3, the
Option UE 6 modules a year per option; 60 modules of 30 h, 600 h a year, 180 ECTS. The
titles, the split over the years and semesters, the coefficients, the ECTS and the UW weights
are ours: plausible, not the school's. Codes are stable (grades and capitalised UEs keep the
codes they were given): a module's code is its UE (or its option's prefix), its study year and
its number in that year.

Pure data (no Django): loaded by the demo and usable as a starting point by scolarité's own
load. Totals are computed here (`totals`), never written down, so the portal can show them
beside the seed's figures.
"""

from dataclasses import dataclass
from decimal import Decimal

YEARS = (1, 2, 3)
MODULE_HOURS = 30

# Who grades a component of the Unité Entreprise: the first two are apprentissage.enums.Role
# values; the project jury is the company tutor, the school tutor and the option lead together.
SCHOOL_TUTOR = "school_tutor"
COMPANY_TUTOR = "company_tutor"
PROJECT_JURY = "project_jury"


@dataclass(frozen=True)
class TeachingUnit:
    code: str
    title: str
    common: bool  # followed by the apprentices of every option (the tronc commun)
    has_modules: bool = True  # the Unité Entreprise is graded on the company's work, not on courses


@dataclass(frozen=True)
class Module:
    code: str
    title: str
    unit: str  # a TeachingUnit code
    study_year: int
    semester: int  # 1–6: year 1 → S1 or S2, year 2 → S3 or S4, year 3 → S5 or S6
    coefficient: Decimal  # its weight in the UE average
    option: str | None = None  # an option code for the Option UE's modules, else None
    hours: int = MODULE_HOURS

    @property
    def semester_label(self) -> str:
        return f"S{self.semester}"


@dataclass(frozen=True)
class Level:
    code: str
    title: str
    descriptor: str
    min_points: Decimal
    max_points: Decimal  # a grader gives min_points..max_points, in steps of 0.5


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    max_points: Decimal
    levels: tuple[Level, ...]  # from the lowest to the highest
    competencies: tuple[str, ...] = ()  # lea.framework_seed codes the criterion gives evidence of
    fiche_criteria: tuple[str, ...] = ()  # lea.enums.BehaviourCriterion values rated in the fiches


@dataclass(frozen=True)
class UnitComponent:
    code: str
    title: str
    description: str
    weight: Decimal  # share of the Unité Entreprise grade; a year's weights sum to 1
    graded_by: str  # SCHOOL_TUTOR, COMPANY_TUTOR or PROJECT_JURY
    rubric: str | None = None  # a RUBRICS key; None: a single grade out of 20


@dataclass(frozen=True)
class CompanyUnitYear:
    study_year: int
    expected_level: str  # the seed's missions of the year
    components: tuple[UnitComponent, ...]


UNITS = (
    TeachingUnit("SF", "Sciences Fondamentales", common=True),
    TeachingUnit("TI", "Techniques pour l'Ingénieur", common=True),
    TeachingUnit("CI", "Culture de l'Ingénieur", common=True),
    TeachingUnit("OPT", "Option", common=False),
    TeachingUnit("UW", "Unité Entreprise", common=True, has_modules=False),
)

# option code (apprentissage.Option) → the prefix of its modules' codes
OPTION_PREFIXES = {"energies": "ENE", "genindus": "GI", "materiaux": "MAT", "pharmagro": "PHA"}


def _modules(unit: str, year: int, rows, option: str | None = None) -> tuple[Module, ...]:
    """Modules from (code, semester, coefficient, title) rows."""
    return tuple(
        Module(code, title, unit, year, semester, Decimal(coefficient), option)
        for code, semester, coefficient, title in rows
    )


# The common core: 14 modules a year (Y1: SF 5, TI 6, CI 3; Y2: the same; Y3: TI 9, CI 5).
COMMON_MODULES = (
    *_modules(
        "SF",
        1,
        [
            ("SF1-01", 1, "1.5", "Mathématiques pour l'ingénieur"),
            ("SF1-02", 1, "1", "Probabilités et statistiques"),
            ("SF1-03", 1, "1", "Thermodynamique"),
            ("SF1-04", 2, "1", "Mécanique générale et des solides"),
            ("SF1-05", 2, "1", "Électricité et électrotechnique"),
        ],
    ),
    *_modules(
        "SF",
        2,
        [
            ("SF2-01", 3, "1.5", "Analyse numérique et optimisation"),
            ("SF2-02", 3, "1", "Mécanique des fluides"),
            ("SF2-03", 3, "1", "Transferts thermiques"),
            ("SF2-04", 4, "1", "Chimie et science des matériaux"),
            ("SF2-05", 4, "1", "Statistiques appliquées et plans d'expériences"),
        ],
    ),
    *_modules(
        "TI",
        1,
        [
            ("TI1-01", 1, "1", "Algorithmique et programmation"),
            ("TI1-02", 1, "1", "Conception assistée par ordinateur et dessin technique"),
            ("TI1-03", 1, "1", "Métrologie et instrumentation"),
            ("TI1-04", 2, "1", "Gestion de projet"),
            ("TI1-05", 2, "1", "Gestion de production"),
            ("TI1-06", 2, "1", "Qualité : outils et méthodes"),
        ],
    ),
    *_modules(
        "TI",
        2,
        [
            ("TI2-01", 3, "1.5", "Automatique et régulation"),
            ("TI2-02", 3, "1", "Supply chain et logistique"),
            ("TI2-03", 3, "1", "Maintenance et sûreté de fonctionnement"),
            ("TI2-04", 4, "1", "Systèmes d'information et bases de données"),
            ("TI2-05", 4, "1", "Modélisation et simulation des systèmes"),
            ("TI2-06", 4, "1", "Santé, sécurité au travail et prévention des risques"),
        ],
    ),
    *_modules(
        "TI",
        3,
        [
            ("TI3-01", 5, "1", "Ingénierie système"),
            ("TI3-02", 5, "1", "Analyse de données et intelligence artificielle"),
            ("TI3-03", 5, "1", "Industrie du futur et systèmes cyber-physiques"),
            ("TI3-04", 5, "1", "Amélioration continue et résolution de problèmes"),
            ("TI3-05", 5, "1", "Éco-conception et analyse du cycle de vie"),
            ("TI3-06", 5, "1", "Analyse de la valeur et conception à coût objectif"),
            ("TI3-07", 6, "1", "Management de l'énergie et décarbonation"),
            ("TI3-08", 6, "1", "Maîtrise des risques industriels et environnementaux"),
            ("TI3-09", 6, "1.5", "Pilotage de projets complexes"),
        ],
    ),
    *_modules(
        "CI",
        1,
        [
            ("CI1-01", 1, "1", "Anglais 1 : communication professionnelle"),
            ("CI1-02", 1, "1", "Économie d'entreprise"),
            ("CI1-03", 2, "1", "Communication et expression professionnelle"),
        ],
    ),
    *_modules(
        "CI",
        2,
        [
            ("CI2-01", 3, "1", "Anglais 2 : anglais technique et scientifique"),
            ("CI2-02", 3, "1", "Droit du travail et relations sociales"),
            ("CI2-03", 4, "1", "Management d'équipe"),
        ],
    ),
    *_modules(
        "CI",
        3,
        [
            ("CI3-01", 5, "1.5", "Anglais 3 : préparation à la certification B2"),
            ("CI3-02", 5, "1", "Responsabilité sociétale des entreprises et transitions"),
            ("CI3-03", 5, "1", "Finance et contrôle de gestion"),
            ("CI3-04", 6, "1", "Innovation et entrepreneuriat"),
            ("CI3-05", 6, "1", "Management interculturel et international"),
        ],
    ),
)


def _option(option: str, years: dict[int, list]) -> tuple[Module, ...]:
    return tuple(module for year, rows in years.items() for module in _modules("OPT", year, rows, option))


# The Option UE: 6 modules a year for each option, after the option's description in the seed.
OPTION_MODULES = {
    "energies": _option(
        "energies",
        {
            1: [
                ("ENE1-01", 1, "1", "Enjeux énergétiques et mix énergétique"),
                ("ENE1-02", 1, "1", "Systèmes énergétiques et conversion de l'énergie"),
                ("ENE1-03", 1, "1", "Énergétique du bâtiment"),
                ("ENE1-04", 2, "1", "Thermique du bâtiment et réglementation environnementale"),
                ("ENE1-05", 2, "1", "Énergie solaire photovoltaïque et thermique"),
                ("ENE1-06", 2, "1", "Audit et bilan énergétiques"),
            ],
            2: [
                ("ENE2-01", 3, "1", "Pompes à chaleur, froid et climatisation"),
                ("ENE2-02", 3, "1", "Biomasse, méthanisation et valorisation énergétique des déchets"),
                ("ENE2-03", 3, "1", "Éolien et hydroélectricité"),
                ("ENE2-04", 4, "1", "Réseaux de chaleur et récupération de chaleur fatale"),
                ("ENE2-05", 4, "1", "Stockage de l'énergie et hydrogène"),
                ("ENE2-06", 4, "1", "Simulation énergétique dynamique des bâtiments"),
            ],
            3: [
                ("ENE3-01", 5, "1", "Réseaux électriques intelligents"),
                ("ENE3-02", 5, "1", "Construction durable et rénovation énergétique"),
                ("ENE3-03", 5, "1", "Efficacité énergétique des procédés industriels"),
                ("ENE3-04", 5, "1", "Exploitation et pilotage des installations énergétiques"),
                ("ENE3-05", 6, "1", "Planification énergétique des territoires"),
                ("ENE3-06", 6, "2", "Projet d'option : conception d'un système énergétique"),
            ],
        },
    ),
    "genindus": _option(
        "genindus",
        {
            1: [
                ("GI1-01", 1, "1", "Modélisation des processus d'entreprise"),
                ("GI1-02", 1, "1", "Recherche opérationnelle"),
                ("GI1-03", 1, "1", "Ordonnancement et planification de la production"),
                ("GI1-04", 2, "1", "Gestion des stocks et des approvisionnements"),
                ("GI1-05", 2, "1", "Outils du Lean et amélioration continue"),
                ("GI1-06", 2, "1", "Ergonomie et organisation du travail"),
            ],
            2: [
                ("GI2-01", 3, "1", "Simulation de flux"),
                ("GI2-02", 3, "1", "Maîtrise statistique des procédés et Six Sigma"),
                ("GI2-03", 3, "1", "ERP et systèmes d'information de production"),
                ("GI2-04", 4, "1", "Indicateurs de performance et tableaux de bord"),
                ("GI2-05", 4, "1", "Conception et implantation d'unités de production"),
                ("GI2-06", 4, "1", "Achats et relations fournisseurs"),
            ],
            3: [
                ("GI3-01", 5, "1", "Pilotage de la chaîne logistique globale"),
                ("GI3-02", 5, "1", "Aide à la décision multicritère"),
                ("GI3-03", 5, "1", "Lean management et transformation des organisations"),
                ("GI3-04", 5, "1", "Gestion des risques et résilience des organisations"),
                ("GI3-05", 6, "1", "Logistique durable et économie circulaire"),
                ("GI3-06", 6, "2", "Projet d'option : reconception d'un système de production"),
            ],
        },
    ),
    "materiaux": _option(
        "materiaux",
        {
            1: [
                ("MAT1-01", 1, "1", "Structure et propriétés des matériaux"),
                ("MAT1-02", 1, "1", "Résistance des matériaux"),
                ("MAT1-03", 1, "1", "Matériaux métalliques et traitements thermiques"),
                ("MAT1-04", 2, "1", "Polymères et élastomères"),
                ("MAT1-05", 2, "1", "Essais mécaniques et caractérisation"),
                ("MAT1-06", 2, "1", "Procédés de mise en forme des métaux"),
            ],
            2: [
                ("MAT2-01", 3, "1", "Matériaux composites"),
                ("MAT2-02", 3, "1", "Céramiques et matériaux pour l'énergie"),
                ("MAT2-03", 3, "1", "Mise en forme des polymères et des composites"),
                ("MAT2-04", 4, "1", "Assemblage : soudage, collage, fixations"),
                ("MAT2-05", 4, "1", "Corrosion et durabilité des matériaux"),
                ("MAT2-06", 4, "1", "Contrôle non destructif"),
            ],
            3: [
                ("MAT3-01", 5, "1", "Choix des matériaux et des procédés"),
                ("MAT3-02", 5, "1", "Fabrication additive"),
                ("MAT3-03", 5, "1", "Simulation numérique des procédés"),
                ("MAT3-04", 5, "1", "Allègement des structures pour les transports"),
                ("MAT3-05", 6, "1", "Fin de vie, recyclage et matériaux biosourcés"),
                ("MAT3-06", 6, "2", "Projet d'option : industrialisation d'une pièce"),
            ],
        },
    ),
    "pharmagro": _option(
        "pharmagro",
        {
            1: [
                ("PHA1-01", 1, "1", "Génie des procédés : opérations unitaires"),
                ("PHA1-02", 1, "1", "Bilans matière et énergie"),
                ("PHA1-03", 1, "1", "Microbiologie industrielle"),
                ("PHA1-04", 2, "1", "Biochimie et physico-chimie des produits"),
                ("PHA1-05", 2, "1", "Bonnes pratiques de fabrication et réglementation"),
                ("PHA1-06", 2, "1", "Hygiène, nettoyage et désinfection"),
            ],
            2: [
                ("PHA2-01", 3, "1", "Procédés de séparation"),
                ("PHA2-02", 3, "1", "Procédés de transformation agroalimentaire"),
                ("PHA2-03", 3, "1", "Formulation des produits cosmétiques et pharmaceutiques"),
                ("PHA2-04", 4, "1", "Technologie des formes galéniques"),
                ("PHA2-05", 4, "1", "Conditionnement et emballage"),
                ("PHA2-06", 4, "1", "Analyse des dangers et maîtrise des risques qualité"),
            ],
            3: [
                ("PHA3-01", 5, "1", "Qualification des équipements et validation des procédés"),
                ("PHA3-02", 5, "1", "Conduite et contrôle des procédés"),
                ("PHA3-03", 5, "1", "Extrapolation et transposition d'échelle"),
                ("PHA3-04", 5, "1", "Assurance qualité et affaires réglementaires"),
                ("PHA3-05", 6, "1", "Production en zone à atmosphère contrôlée"),
                ("PHA3-06", 6, "2", "Projet d'option : conception d'une ligne de production"),
            ],
        },
    ),
}

MODULES = COMMON_MODULES + tuple(module for modules in OPTION_MODULES.values() for module in modules)

# ECTS per UE and per year (60 a year): 2 for each 30-hour module a student follows, 20 for the
# Unité Entreprise (1,000 h in the company). Awarded when the UE is validated.
ECTS = {
    1: {"SF": 10, "TI": 12, "CI": 6, "OPT": 12, "UW": 20},
    2: {"SF": 10, "TI": 12, "CI": 6, "OPT": 12, "UW": 20},
    3: {"TI": 18, "CI": 10, "OPT": 12, "UW": 20},
}


# Rubrics: four levels, from the lowest; each criterion's points split over them in steps of 0.5.
LEVELS = (
    ("insuffisant", "Insuffisant"),
    ("a_ameliorer", "À améliorer"),
    ("satisfaisant", "Satisfaisant"),
    ("excellent", "Excellent"),
)
# max points → (min, max) points of each level
SCALES = {
    2: (("0", "0.5"), ("1", "1"), ("1.5", "1.5"), ("2", "2")),
    3: (("0", "0.5"), ("1", "1.5"), ("2", "2.5"), ("3", "3")),
    4: (("0", "1"), ("1.5", "2"), ("2.5", "3"), ("3.5", "4")),
}


def _criterion(code: str, title: str, max_points: int, descriptors: tuple[str, str, str, str], **links):
    levels = tuple(
        Level(level_code, level_title, descriptor, Decimal(low), Decimal(high))
        for (level_code, level_title), descriptor, (low, high) in zip(
            LEVELS, descriptors, SCALES[max_points], strict=True
        )
    )
    return Criterion(code, title, Decimal(max_points), levels, **links)


# The company project (mémoire and soutenance), graded by the jury: the seed's seven criteria,
# each with the common competencies (lea.framework_seed) it gives evidence of.
PROJECT_RUBRIC = (
    _criterion(
        "contexte",
        "Problématique et contexte de l'entreprise",
        2,
        (
            "La problématique n'est pas formulée ou le contexte de l'entreprise est absent.",
            "La problématique est énoncée mais reste vague ; le contexte est décrit sans lien avec elle.",
            "La problématique est clairement posée et située dans le contexte de l'entreprise "
            "et de son secteur.",
            "La problématique est précise ; ses enjeux techniques, économiques, humains et "
            "environnementaux sont mis en évidence et justifient le projet.",
        ),
        competencies=("gen-projet",),
    ),
    _criterion(
        "diagnostic",
        "Analyse critique menant à un diagnostic",
        3,
        (
            "L'existant est décrit sans être analysé ; aucun diagnostic n'est posé.",
            "L'analyse est partielle ou peu étayée par des données ; le diagnostic reste superficiel.",
            "L'analyse s'appuie sur des données et des outils adaptés et mène à un diagnostic argumenté.",
            "L'analyse est rigoureuse, croise plusieurs sources et remonte aux causes profondes ; "
            "le diagnostic est partagé avec l'entreprise.",
        ),
        competencies=("gen-amelioration", "gen-projet"),
    ),
    _criterion(
        "objectifs",
        "Objectifs à atteindre et indicateurs",
        3,
        (
            "Les objectifs ne sont pas définis ou ne sont pas mesurables.",
            "Des objectifs sont fixés, mais les indicateurs manquent, sont imprécis ou sans "
            "situation de référence.",
            "Les objectifs sont mesurables et suivis par des indicateurs pertinents, à partir "
            "d'une situation de référence.",
            "Les objectifs sont hiérarchisés, chiffrés et datés ; les indicateurs couvrent coûts, "
            "qualité, délais et impacts, et leur mode de collecte est défini.",
        ),
        competencies=("gen-projet", "gen-amelioration"),
    ),
    _criterion(
        "solutions",
        "Solutions possibles à la résolution du problème",
        3,
        (
            "Une seule solution est présentée, sans justification.",
            "Plusieurs pistes sont citées, sans être décrites ni comparées.",
            "Plusieurs solutions sont étudiées et comparées selon des critères explicites.",
            "Les solutions, y compris des pistes non évidentes, sont comparées avec méthode : "
            "critères pondérés, risques, impacts environnementaux et sociaux.",
        ),
        competencies=("gen-conception",),
    ),
    _criterion(
        "faisabilite",
        "Faisabilité technico-économique de la solution retenue",
        3,
        (
            "Le choix n'est pas justifié ; ni les coûts ni les contraintes techniques ne sont évalués.",
            "La faisabilité technique ou économique est abordée, mais pas les deux, ou sans "
            "chiffrage crédible.",
            "La faisabilité technique et économique est démontrée, avec un chiffrage des coûts et des gains.",
            "La démonstration est complète : chiffrage détaillé, retour sur investissement, "
            "analyse de sensibilité et des risques.",
        ),
        competencies=("gen-conception", "gen-organisation"),
    ),
    _criterion(
        "mise_en_oeuvre",
        "Mise en œuvre de la solution ou sa préparation",
        3,
        (
            "La mise en œuvre n'est ni réalisée ni planifiée.",
            "La mise en œuvre est esquissée ; le planning, les ressources ou les acteurs manquent.",
            "La mise en œuvre est réalisée ou planifiée de façon réaliste : étapes, ressources, "
            "acteurs, jalons.",
            "La mise en œuvre est conduite avec les équipes concernées ; les aléas sont anticipés "
            "et la conduite du changement est prise en compte.",
        ),
        competencies=("gen-organisation", "gen-projet"),
    ),
    _criterion(
        "bilan",
        "Évaluation des résultats et bilan critique",
        3,
        (
            "Aucun résultat n'est évalué ; le bilan se limite à un récit.",
            "Des résultats sont présentés sans être confrontés aux objectifs et aux indicateurs.",
            "Les résultats sont mesurés au regard des objectifs et les écarts sont expliqués.",
            "Le bilan est lucide et argumenté : écarts analysés, limites reconnues, perspectives "
            "et enseignements personnels formulés.",
        ),
        competencies=("gen-amelioration",),
    ),
)

# Professional behaviour over the year, graded by the company tutor alone; each criterion
# names the fiche de liaison's criteria (rated at every return to school) it sums up.
BEHAVIOUR_CRITERIA = (
    _criterion(
        "ponctualite",
        "Ponctualité, assiduité et respect des délais",
        3,
        (
            "Retards ou absences répétés, non justifiés ou non signalés ; délais rarement tenus.",
            "Quelques retards ou absences, pas toujours signalés à temps ; délais parfois dépassés.",
            "Ponctuel et assidu ; les absences sont prévues et signalées, les délais tenus.",
            "Ponctualité et assiduité exemplaires ; organise son temps entre l'école et "
            "l'entreprise sans rappel.",
        ),
        fiche_criteria=("deadlines",),
    ),
    _criterion(
        "integration",
        "Intégration dans l'équipe",
        3,
        (
            "Reste à l'écart de l'équipe ; les relations de travail sont difficiles.",
            "S'intègre lentement ; échange surtout avec son tuteur.",
            "Bien intégré ; coopère avec son équipe et avec les autres services.",
            "Reconnu par l'équipe comme un interlocuteur fiable ; fédère et entraîne les autres.",
        ),
        fiche_criteria=("integration",),
    ),
    _criterion(
        "autonomie",
        "Autonomie et prise d'initiative",
        4,
        (
            "Attend des consignes pour chaque tâche ; ne prend aucune initiative.",
            "Mène seul les tâches courantes mais sollicite souvent son tuteur ; initiatives rares.",
            "Organise seul son travail, sait demander de l'aide à bon escient et propose des améliorations.",
            "Conduit ses missions en pleine autonomie, anticipe les besoins et prend des initiatives "
            "pertinentes.",
        ),
        fiche_criteria=("initiative",),
    ),
    _criterion(
        "communication",
        "Communication orale et écrite",
        3,
        (
            "Informe peu ou mal ; ses écrits sont confus.",
            "Communique lorsqu'on le sollicite ; ses écrits doivent être repris.",
            "Rend compte régulièrement ; ses écrits et ses présentations sont clairs et adaptés.",
            "Communique avec aisance à tous les niveaux, y compris en anglais ; ses documents font "
            "référence.",
        ),
        fiche_criteria=("communication",),
    ),
    _criterion(
        "rigueur",
        "Rigueur, qualité du travail et respect des règles de sécurité",
        4,
        (
            "Travail approximatif ; les règles de qualité ou de sécurité ne sont pas respectées.",
            "Travail inégal ; les règles sont connues mais appliquées irrégulièrement.",
            "Travail soigné et fiable ; respecte les procédures et les règles de sécurité.",
            "Rigueur exemplaire ; contribue à améliorer les procédures, la qualité et la sécurité.",
        ),
        fiche_criteria=("rigour",),
    ),
    _criterion(
        "implication",
        "Implication et capacité d'adaptation",
        3,
        (
            "Peu investi dans ses missions ; peine à s'adapter aux changements.",
            "Implication variable selon les tâches ; s'adapte lorsqu'on l'y aide.",
            "Impliqué et motivé ; s'adapte aux situations nouvelles.",
            "Très engagé, se saisit des enjeux de l'entreprise et fait face aux imprévus avec aisance.",
        ),
        fiche_criteria=("adaptability",),
    ),
)

RUBRICS = {"projet": PROJECT_RUBRIC, "comportement": BEHAVIOUR_CRITERIA}


def _behaviour(weight: str) -> UnitComponent:
    return UnitComponent(
        "COMPORTEMENT",
        "Comportement professionnel",
        "Évalué par le tuteur entreprise seul, sur l'ensemble de l'année.",
        Decimal(weight),
        COMPANY_TUTOR,
        rubric="comportement",
    )


# The Unité Entreprise of each year: its components, their weights and who grades them.
COMPANY_UNIT = (
    CompanyUnitYear(
        1,
        "Missions d'un technicien supérieur : la dimension technique prime sur la dimension managériale.",
        (
            UnitComponent(
                "RAPPORT_OBS",
                "Rapport d'observation de l'entreprise",
                "Réalisé dès le début de la 1re année : organisation, activités, marchés de "
                "l'entreprise et place de l'apprenti.",
                Decimal("0.25"),
                SCHOOL_TUTOR,
            ),
            UnitComponent(
                "PROJET",
                "Projet en entreprise (mémoire et soutenance)",
                "Sujet proposé par l'apprenti et le tuteur entreprise avant la fin du 1er semestre.",
                Decimal("0.5"),
                PROJECT_JURY,
                rubric="projet",
            ),
            _behaviour("0.25"),
        ),
    ),
    CompanyUnitYear(
        2,
        "Missions d'un agent de maîtrise ou d'un assistant ingénieur : dimensions technique et "
        "managériale équilibrées.",
        (
            UnitComponent(
                "RAPPORT_ING",
                "Rapport d'ingénierie",
                "Étude d'un système appartenant au secteur d'activité de l'entreprise.",
                Decimal("0.25"),
                SCHOOL_TUTOR,
            ),
            UnitComponent(
                "PROJET",
                "Projet en entreprise (mémoire et soutenance)",
                "Sujet proposé par l'apprenti et le tuteur entreprise avant la fin du 1er semestre.",
                Decimal("0.5"),
                PROJECT_JURY,
                rubric="projet",
            ),
            _behaviour("0.25"),
        ),
    ),
    CompanyUnitYear(
        3,
        "Missions d'un ingénieur débutant : la dimension managériale prime sur la dimension technique.",
        (
            UnitComponent(
                "PFE",
                "Projet de fin d'études (mémoire et soutenance)",
                "Conduit pendant la dernière période en entreprise ; soutenances de fin d'études "
                "en septembre.",
                Decimal("0.75"),
                PROJECT_JURY,
                rubric="projet",
            ),
            _behaviour("0.25"),
        ),
    ),
)


def modules_for(study_year: int, option_code: str) -> tuple[Module, ...]:
    """The modules an apprentice of `option_code` follows in `study_year`: the common core's
    (SF, TI, CI), then their option's."""
    if study_year not in YEARS:
        raise ValueError(f"No study year {study_year!r}: {YEARS}.")
    if option_code not in OPTION_MODULES:
        raise ValueError(f"No option {option_code!r}: {tuple(OPTION_MODULES)}.")
    return tuple(
        module for module in COMMON_MODULES + OPTION_MODULES[option_code] if module.study_year == study_year
    )


@dataclass(frozen=True)
class Totals:
    study_year: int | None  # None: the three years
    modules: int  # followed by one apprentice
    hours: int
    ects: int
    common_modules: int
    option_modules: int
    offered_modules: int  # taught by the school: the common core and every option's


@dataclass(frozen=True)
class ProgrammeTotals:
    years: tuple[Totals, ...]
    overall: Totals


def _totals(study_year: int | None, option_code: str) -> Totals:
    years = YEARS if study_year is None else (study_year,)
    followed = [module for year in years for module in modules_for(year, option_code)]
    return Totals(
        study_year=study_year,
        modules=len(followed),
        hours=sum(module.hours for module in followed),
        ects=sum(sum(ECTS[year].values()) for year in years),
        common_modules=sum(1 for module in followed if module.option is None),
        option_modules=sum(1 for module in followed if module.option is not None),
        offered_modules=sum(1 for module in MODULES if module.study_year in years),
    )


def totals(option_code: str | None = None) -> ProgrammeTotals:
    """Modules, hours and ECTS per year and over the three years, for an apprentice of
    `option_code`; without one, for any apprentice (ValueError if the options differ)."""
    options = (option_code,) if option_code else tuple(OPTION_MODULES)
    found = {
        ProgrammeTotals(
            years=tuple(_totals(year, option) for year in YEARS),
            overall=_totals(None, option),
        )
        for option in options
    }
    if len(found) > 1:
        raise ValueError("The options' totals differ: ask for one option's.")
    return found.pop()
