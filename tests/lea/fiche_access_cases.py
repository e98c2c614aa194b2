"""The fiche de liaison's pages in the access matrix (registered by tests/test_access_matrix.py).

Readers of world.own's fiches: its apprentice, company tutor, school tutor, option lead,
scolarité and IT; a company contact who is not the tutor, MidiSup, a candidate or an
outsider get 404, as everyone but scolarité and IT on world.other's."""

from django.urls import reverse

from lea.enums import FicheState
from lea.models import Fiche

from ..access import CASES, Case, expect
from .fiche_helpers import APPRENTICE_PART, apprentice_data, make_fiche, tutor_data

READERS = dict(apprentice=200, company_tutor=200, school_tutor=200, option_lead=200, scolarite=200, admin=200)
STAFF = dict(scolarite=200, admin=200)


def _as(readers: dict, status, **overrides) -> dict:
    return {**{persona: status for persona in readers}, **overrides}


def _fiche(w, state=FicheState.DRAFT, other=False) -> Fiche:
    return make_fiche(w, state, apprenticeship=w.other if other else None)


def _state_and_version(w):
    return list(
        Fiche.objects.order_by("pk").values_list("state", "version", "next_objectives", "tutor_comment")
    )


def _complete_draft(w) -> Fiche:
    fiche = _fiche(w)
    Fiche.objects.filter(pk=fiche.pk).update(**APPRENTICE_PART)
    return fiche


CASES.add(
    Case(
        "lea:fiche_detail",
        "own",
        lambda w: reverse("lea:fiche_detail", args=[_fiche(w).pk]),
        expect(404, **READERS),
    ),
    Case(
        "lea:fiche_detail",
        "other's",
        lambda w: reverse("lea:fiche_detail", args=[_fiche(w, other=True).pk]),
        expect(404, **STAFF),
    ),
    # The apprentice's part: the apprentice; the other readers are sent to the fiche's page.
    Case(
        "lea:fiche_edit",
        "own draft",
        lambda w: reverse("lea:fiche_edit", args=[_fiche(w).pk]),
        expect(404, **_as(READERS, 302, apprentice=200)),
    ),
    Case(
        "lea:fiche_edit",
        "post",
        lambda w: reverse("lea:fiche_edit", args=[_fiche(w).pk]),
        expect(404, **_as(READERS, 302)),
        method="post",
        data=lambda w: apprentice_data(Fiche.objects.get(), next_objectives="Changé"),
        unchanged=_state_and_version,
    ),
    Case(
        "lea:fiche_edit",
        "other's",
        lambda w: reverse("lea:fiche_edit", args=[_fiche(w, other=True).pk]),
        expect(404, **_as(STAFF, 302)),
    ),
    # The tutor's part, once submitted: the company tutor.
    Case(
        "lea:fiche_tutor_edit",
        "own submitted",
        lambda w: reverse("lea:fiche_tutor_edit", args=[_fiche(w, FicheState.SUBMITTED).pk]),
        expect(404, **_as(READERS, 302, company_tutor=200)),
    ),
    Case(
        "lea:fiche_tutor_edit",
        "post",
        lambda w: reverse("lea:fiche_tutor_edit", args=[_fiche(w, FicheState.SUBMITTED).pk]),
        expect(404, **_as(READERS, 302)),
        method="post",
        data=lambda w: tutor_data(Fiche.objects.get(), tutor_comment="Changé"),
        unchanged=_state_and_version,
    ),
    Case(
        "lea:fiche_tutor_edit",
        "other's",
        lambda w: reverse("lea:fiche_tutor_edit", args=[_fiche(w, FicheState.SUBMITTED, other=True).pk]),
        expect(404, **_as(STAFF, 302)),
    ),
    # Submitting: the apprentice; other readers 403; nobody else sees the fiche.
    Case(
        "lea:fiche_transition",
        "submit",
        lambda w: reverse("lea:fiche_transition", args=[_complete_draft(w).pk, "submit"]),
        expect(404, **_as(READERS, 403, apprentice=302)),
        method="post",
        unchanged=_state_and_version,
    ),
    Case(
        "lea:fiche_transition",
        "reopen other's",
        lambda w: reverse(
            "lea:fiche_transition", args=[_fiche(w, FicheState.COUNTERSIGNED, other=True).pk, "reopen"]
        ),
        expect(404, scolarite=302, admin=302),
        method="post",
        data=lambda w: {"comment": "Erreur"},
        unchanged=_state_and_version,
    ),
    Case(
        "lea:fiche_pdf",
        "own",
        lambda w: reverse("lea:fiche_pdf", args=[_fiche(w, FicheState.COUNTERSIGNED).pk]),
        expect(404, **READERS),
    ),
    Case(
        "lea:fiche_pdf",
        "other's",
        lambda w: reverse("lea:fiche_pdf", args=[_fiche(w, other=True).pk]),
        expect(404, **STAFF),
    ),
)
