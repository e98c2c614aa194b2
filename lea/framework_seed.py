"""A plausible competency framework, until scolarité enters the school's official blocks
(RNCP 39143): the seed's four general competencies of an IMT Mines Albi engineer as the
common block, and for each option a block named after the seed's option competency with a
few competencies that make it observable in the company. Codes are stable: fiches keep the
codes they were rated on.

Loaded by the demo (`lea.demo`); also usable as a starting point by scolarité's own load.
"""

# (code, label): the seed's own wording.
COMMON_BLOCK = "Compétences générales de l'ingénieur IMT Mines Albi"
COMMON = [
    (
        "gen-conception",
        "Conception pour l'industrie et les services, de produits, procédé et processus "
        "respectueux d'un avenir durable",
    ),
    (
        "gen-organisation",
        "Organisation de la production dans un environnement en évolution, avec une "
        "responsabilité individuelle et collective",
    ),
    (
        "gen-amelioration",
        "Amélioration pour l'industrie et les services, des performances d'un produit, procédé, "
        "processus pour anticiper et accompagner les changements induits par les transitions",
    ),
    (
        "gen-projet",
        "Conduite d'un projet en adoptant une approche systémique dans un environnement complexe",
    ),
]

# option code → (block name: the seed's option competency, [(code, label)])
OPTIONS = {
    "energies": (
        "Énergies : conception et mise en œuvre des systèmes énergétiques soutenables pour les "
        "secteurs du bâtiment, de l'industrie et de l'aménagement du territoire",
        [
            ("ene-bilan", "Établir le bilan énergétique d'un bâtiment, d'un site ou d'un procédé"),
            (
                "ene-dimensionnement",
                "Dimensionner une installation de production d'énergie renouvelable ou de récupération",
            ),
            ("ene-pilotage", "Suivre et optimiser l'exploitation d'un système énergétique"),
        ],
    ),
    "genindus": (
        "GenIndus : conception et pilotage des organisations en prenant des décisions "
        "responsables dans un environnement complexe, évolutif et incertain",
        [
            ("gi-flux", "Modéliser et analyser les flux physiques et d'information d'une organisation"),
            ("gi-pilotage", "Construire et suivre des indicateurs de performance (coûts, qualité, délais)"),
            ("gi-lean", "Conduire un chantier d'amélioration continue avec les équipes"),
        ],
    ),
    "materiaux": (
        "Matériaux : conception et mise en œuvre des solutions avancées de matériaux et procédés "
        "pour l'industrie des transports et de l'énergie",
        [
            ("mat-choix", "Choisir un matériau et son procédé au regard d'un cahier des charges"),
            ("mat-caracterisation", "Caractériser un matériau et interpréter des essais"),
            ("mat-industrialisation", "Industrialiser un procédé de mise en forme ou d'assemblage"),
        ],
    ),
    "pharmagro": (
        "PharmAgro : conception et mise en œuvre de procédés et de processus dans les secteurs "
        "agroalimentaire, pharmaceutique et cosmétique, en s'appuyant sur une culture "
        "industrielle forte",
        [
            ("pha-procede", "Mettre en œuvre et conduire un procédé de fabrication ou de conditionnement"),
            ("pha-qualite", "Appliquer les bonnes pratiques de fabrication et la maîtrise des risques"),
            ("pha-validation", "Qualifier un équipement et valider un procédé"),
        ],
    ),
}
