"""The reminder box on each follow-up document's page: what was sent, and the button for
those who may send one (the school tutor, scolarité), never for the parties themselves."""

import pytest
from django.urls import reverse

from lea.models import Reminder
from tests import factories as f


def _documents(world):
    return {
        "fiche": (f.FicheFactory(apprenticeship=world.own), "lea:fiche_detail"),
        "plan": (f.YearlyPlanFactory(apprenticeship=world.own), "lea:plan_detail"),
        "project": (f.ProjectDossierFactory(apprenticeship=world.own), "lea:project_detail"),
    }


@pytest.mark.parametrize("kind", ["fiche", "plan", "project"])
def test_the_school_tutor_sees_the_button_and_the_apprentice_what_was_sent(world, login, kind):
    document, page = _documents(world)[kind]
    button = reverse("lea:send_reminder", args=[kind, document.pk])

    response = login(world["school_tutor"]).get(reverse(page, args=[document.pk]))
    assert response.status_code == 200
    assert f'action="{button}"' in response.content.decode()

    login(world["school_tutor"]).post(button, {"next": reverse(page, args=[document.pk])})
    sent = list(Reminder.of(document))  # one per person who must act (a plan: two)
    assert sent and {r.sent_by for r in sent} == {world["school_tutor"]}

    seen = login(world["apprentice"]).get(reverse(page, args=[document.pk])).content.decode()
    assert f'action="{button}"' not in seen
    assert "Relance envoyée manuellement" in seen
