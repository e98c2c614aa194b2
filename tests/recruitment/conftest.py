import datetime
from dataclasses import dataclass

import pytest

from apprentissage.models import User
from recruitment.enums import ExpectedLevel, MissionFamily
from recruitment.models import Dossier

ACCORD_DATA = {
    "company_name": "Aéro Tarn Industries",
    "siret": "73282932000074",
    "address": "12 avenue de l'Industrie",
    "postal_code": "81000",
    "city": "Albi",
    "opco": "OPCO 2i",
    "hr_first_name": "Hélène",
    "hr_last_name": "Ressources",
    "hr_email": "rh@aerotarn.example.com",
    "hr_phone": "05 63 00 00 00",
    "tutor_first_name": "Bruno",
    "tutor_last_name": "Carrière",
    "tutor_email": "bruno.carriere@aerotarn.example.com",
    "tutor_phone": "05 63 00 00 01",
    "tutor_job_title": "Responsable amélioration continue",
    "tutor_has_engineering_degree": True,
    "tutor_years_as_engineer": 12,
    "start_date": datetime.date(2027, 9, 1),
    "allows_remote_courses": True,
    "provides_quiet_office": True,
    "respects_remote_sessions": True,
    "reports_schedule_changes": True,
    "reports_remote_problems": True,
}
SHEET_DATA = {
    "year1_missions": "Cartographie des flux de l'atelier d'usinage.\nMise en place d'indicateurs.",
    "year1_family": MissionFamily.PRODUCTION,
    "year1_level": ExpectedLevel.TECHNICIAN,
    "year2_missions": "Pilotage d'un chantier SMED sur la ligne 3.",
    "year2_family": MissionFamily.SUPPORT,
    "year2_level": ExpectedLevel.ASSISTANT_ENGINEER,
    "year3_missions": "Conduite du projet de réimplantation de l'atelier.",
    "year3_family": MissionFamily.STUDIES,
    "year3_level": ExpectedLevel.JUNIOR_ENGINEER,
}


@dataclass
class Recruitment:
    dossier: Dossier
    candidate: User
    contact: User

    def refresh(self) -> Dossier:
        self.dossier = Dossier.objects.select_related("accord", "mission_sheet", "option").get(
            pk=self.dossier.pk
        )
        return self.dossier


def fill(dossier: Dossier, *, accord: bool = True, sheet: bool = True) -> None:
    if accord:
        type(dossier.accord).objects.filter(pk=dossier.accord.pk).update(**ACCORD_DATA)
    if sheet:
        type(dossier.mission_sheet).objects.filter(pk=dossier.mission_sheet.pk).update(**SHEET_DATA)


@pytest.fixture
def recruitment(world) -> Recruitment:
    """World's dossier: the candidate persona with world's company contact, in GenIndus."""
    result = Recruitment(
        dossier=world.dossier, candidate=world["candidate"], contact=world["company_contact"]
    )
    result.refresh()
    return result
