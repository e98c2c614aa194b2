"""Named personas (see ../shared/STYLE.md, Tests): each holds one role towards `world.own`.

`world.other` is an apprenticeship none of the linked personas has anything to do with.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings

from apprentissage.enums import StaffRole
from apprentissage.models import Apprenticeship, User
from recruitment.models import Candidate, Dossier
from recruitment.services import start_dossier

from . import factories as f
from .demo_once import demo_loaded_once

PERSONAS = [
    "anonymous",
    "candidate",
    "apprentice",
    "company_tutor",
    "company_contact",
    "school_tutor",
    "option_lead",
    "module_teacher",
    "scolarite",
    "midisup",
    "admin",
    "outsider",
]


@dataclass
class World:
    own: Apprenticeship
    other: Apprenticeship
    people: dict[str, User | None]
    # Recruitment: the candidate's dossier with world's company contact, in GenIndus
    # (led by the option lead); and one nobody of the personas is linked to.
    dossier: Dossier | None = None
    other_dossier: Dossier | None = None

    def __getitem__(self, persona: str) -> User | None:
        return self.people[persona]


@pytest.fixture(autouse=True)
def _frozen_today():
    """Tests run on a fixed day of the 2026-2027 school year (2A for cohort 2025)."""
    with time_machine.travel("2026-11-24 10:00 +0100", tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty server cache: a board or feed cached by an earlier test
    (its rows rolled back, ids reused on SQLite) must not answer for this one's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _french(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def world(db) -> World:
    f.SchoolYearFactory(start_year=2025)
    f.SchoolYearFactory(start_year=2026)
    lead = f.UserFactory(email="responsable@example.com", groups=[StaffRole.SCHOOL_TUTOR])
    genindus = f.option("genindus")
    genindus.lead = lead
    genindus.save()
    company = f.CompanyFactory(name="Aéro Tarn Industries")
    tutor = f.CompanyTutorFactory(user__email="tuteur@example.com", company=company).user
    contact = f.CompanyContactFactory(user__email="rh@example.com", company=company).user
    own = f.ApprenticeshipFactory(
        apprentice=f.UserFactory(email="apprenti@example.com"),
        company=company,
        company_tutor=tutor,
        school_tutor=f.UserFactory(email="tuteur.ecole@example.com", groups=[StaffRole.SCHOOL_TUTOR]),
        option=genindus,
    )
    other_lead = f.UserFactory(email="autre.responsable@example.com")
    energies = f.option("energies")
    energies.lead = other_lead
    energies.save()
    other_company = f.CompanyFactory(name="Solaire d'Occitanie")
    other = f.ApprenticeshipFactory(
        company=other_company,
        company_tutor=f.CompanyTutorFactory(company=other_company).user,
        option=energies,
    )
    f.CompanyContactFactory(company=other_company)
    candidate = Candidate.objects.create(
        user=f.UserFactory(email="candidat@example.com"),
        cohort=f.CohortFactory(entry_year=2027),
        option=genindus,
        birth_date=datetime.date(2005, 3, 14),
        diploma="but",
    )
    dossier = start_dossier(
        candidate=candidate, contact_email=contact.email, contact_first_name="A", contact_last_name="B"
    )
    stranger = Candidate.objects.create(
        user=f.UserFactory(),
        cohort=candidate.cohort,
        option=energies,
        birth_date=datetime.date(2004, 1, 2),
        diploma="bts",
    )
    other_dossier = start_dossier(
        candidate=stranger,
        contact_email="rh@solaire.example.com",
        contact_first_name="C",
        contact_last_name="D",
    )
    people = {
        "anonymous": None,
        "candidate": candidate.user,
        "apprentice": own.apprentice,
        "company_tutor": tutor,
        "company_contact": contact,
        "school_tutor": own.school_tutor,
        "option_lead": lead,
        "module_teacher": f.UserFactory(email="enseignant@example.com", groups=[StaffRole.MODULE_TEACHER]),
        "scolarite": f.UserFactory(email="scolarite@example.com", groups=[StaffRole.SCOLARITE]),
        "midisup": f.UserFactory(email="midisup@example.com", groups=[StaffRole.MIDISUP]),
        "admin": f.UserFactory(email="admin@example.com", is_staff=True, is_superuser=True),
        "outsider": f.UserFactory(email="inconnu@example.com"),
    }
    return World(own=own, other=other, people=people, dossier=dossier, other_dossier=other_dossier)


@pytest.fixture
def login(client):
    """Log the test client in as a persona's user (or stay anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
        return client

    return _login


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    with demo_loaded_once(django_db_blocker):
        yield


@pytest.fixture
def demo_data(_demo_once, db) -> None:
    """The demo, loaded once per module that asks for it (see tests/demo_once.py); its load
    time is measured by `make bench`, not here. Browser tests have their own (live server)."""
