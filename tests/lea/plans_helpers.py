"""Shared arrangements of the yearly missions / project tests (world.own: 2A GenIndus in 2026-2027)."""

from apprentissage.models import SchoolYear
from lea.models import ProjectDossier, YearlyPlan
from lea.plans import ensure_yearly_documents

COMPLETE_PLAN = {
    "missions": "Piloter l'amélioration continue de la ligne d'usinage\nAnimer les points 5S",
    "family": "support",
    "level": "assistant",
    "technical_share": 50,
    "company_project": "Réduire de 20 % les arrêts de la ligne 3.",
}

COMPLETE_PROJECT = {
    "title": "Réduction des arrêts de la ligne 3",
    "context": "Atelier d'usinage de 40 personnes.",
    "problem": "Taux de rendement synthétique à 62 %.",
    "objectives": "Atteindre 75 % en juin.",
    "indicators": "TRS hebdomadaire, nombre d'arrêts.",
    "approach": "Diagnostic, SMED, maintenance préventive.",
    "schedule": "Diagnostic en janvier, actions de février à mai.",
    "confidentiality": "public",
}


def year(start_year: int = 2026) -> SchoolYear:
    return SchoolYear.objects.get(start_year=start_year)


def documents_of(apprenticeship, start_year: int = 2026) -> tuple[YearlyPlan, ProjectDossier]:
    ensure_yearly_documents([apprenticeship], year(start_year))
    return (
        YearlyPlan.objects.get(apprenticeship=apprenticeship, school_year__start_year=start_year),
        ProjectDossier.objects.get(apprenticeship=apprenticeship, school_year__start_year=start_year),
    )


def fill(document, **values):
    type(document).objects.filter(pk=document.pk).update(**values)
    document.refresh_from_db()
    return document
