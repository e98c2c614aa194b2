"""The reminder by hand (lea:send_reminder) in the access matrix (registered by
tests/test_access_matrix.py): the apprenticeship's school tutor and scolarité send it; the
other parties, who see the document, are refused; anyone else gets 404."""

from django.urls import reverse

from apprentissage.models import Notification
from lea.models import Fiche, ProjectDossier, Reminder, YearlyPlan
from tests import factories as f

from ..access import CASES, Case, expect

SENDERS = {"school_tutor": 302, "scolarite": 302, "admin": 302}
PARTIES = {"apprentice": 403, "company_tutor": 403, "option_lead": 403}


def _document(kind, apprenticeship):
    if kind == "fiche":
        return Fiche.objects.filter(apprenticeship=apprenticeship).first() or f.FicheFactory(
            apprenticeship=apprenticeship
        )
    factory = {"plan": f.YearlyPlanFactory, "project": f.ProjectDossierFactory}[kind]
    return factory(apprenticeship=apprenticeship)


def _url(kind, whose="own"):
    return lambda w: reverse("lea:send_reminder", args=[kind, _document(kind, getattr(w, whose)).pk])


def _sent(w):
    return (
        list(Reminder.objects.values_list("object_id", "step", "recipient_id", "sent_by_id")),
        Notification.objects.count(),
        list(Fiche.objects.values_list("pk", "state")),
        list(YearlyPlan.objects.values_list("pk", "state")),
        list(ProjectDossier.objects.values_list("pk", "state")),
    )


def _case(label, url, expected):
    return Case("lea:send_reminder", label, url, expected, method="post", data=lambda w: {}, unchanged=_sent)


CASES.add(
    _case("fiche", _url("fiche"), expect(404, **SENDERS, **PARTIES)),
    # The company contact reads the yearly description (the booklet), not the fiches.
    _case("plan", _url("plan"), expect(404, **SENDERS, **PARTIES, company_contact=403)),
    _case("project", _url("project"), expect(404, **SENDERS, **PARTIES)),
    _case("others-fiche", _url("fiche", "other"), expect(404, scolarite=302, admin=302)),
    _case(
        "unknown-kind",
        lambda w: reverse("lea:send_reminder", args=["visit", 1]),
        expect(404),
    ),
)
