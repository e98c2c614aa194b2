"""The visit report: drafted and signed by the school tutor only, not before the visit nor
incomplete; commented by the apprentice and the company tutor, never changed; its agreed
actions are their owners' to-dos until marked done."""

import datetime
import html
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from apprentissage.dashboard import todos_for
from apprentissage.models import Notification, TransitionLog
from apprentissage.rules import is_an_apprentice
from apprentissage.signatures import content_hash, valid_signature, verify
from lea.enums import VisitState
from lea.models import Visit, VisitAction, VisitComment

from .. import factories as f

PARIS = ZoneInfo("Europe/Paris")
HELD = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)  # four days before the frozen today

REPORT = {
    "missions_fit": "Les missions correspondent au niveau assistant ingénieur.",
    "working_conditions": "Bonnes conditions ; EPI fournis.",
    "integration": "Bien intégrée dans l'équipe méthodes.",
    "progress": "Autonomie accrue sur les gammes.",
    "competencies_apprentice_view": "Se sent à l'aise en organisation de production.",
    "competencies_tutor_view": "Progrès nets en amélioration continue.",
    "project_status": "Sujet : réduction des temps de changement de série.",
    "mobility_and_english": "Séjour à l'étranger envisagé en été 2027 ; TOEIC en mars.",
    "risk": "green",
    "risk_reason": "",
    "overall_assessment": "Très bon semestre.",
    "next_visit_on": "2027-04-15",
}


def fr(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


def management(total=0, initial=0) -> dict:
    return {
        "actions-TOTAL_FORMS": str(total),
        "actions-INITIAL_FORMS": str(initial),
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }


def action_rows(*rows) -> dict:
    data = management(total=len(rows))
    for i, (description, owner, due) in enumerate(rows):
        data |= {
            f"actions-{i}-description": description,
            f"actions-{i}-owner_role": owner,
            f"actions-{i}-due_on": due,
        }
    return data


ACTIONS = (
    ("Rédiger la note de cadrage du projet", "apprentice", "2026-12-18"),
    ("Organiser un point mensuel", "company_tutor", "2026-12-31"),
)


@pytest.fixture
def visit(world):
    return f.VisitFactory(apprenticeship=world.own, starts_at=HELD)


def write(client, visit, report=None, actions=ACTIONS):
    data = {**REPORT, **(report or {}), "version": visit.version, **action_rows(*actions)}
    return client.post(reverse("lea:visit_report", args=[visit.pk]), data)


def sign(client, visit, name):
    return client.post(
        reverse("lea:visit_transition", args=[visit.pk, "sign_report"]), {"typed_name": name, "consent": "on"}
    )


def name_of(user) -> str:
    return f"{user.first_name} {user.last_name}"


@pytest.fixture
def signed(world, login, visit):
    client = login(world["school_tutor"])
    assert write(client, visit).status_code == 302
    visit.refresh_from_db()
    assert sign(client, visit, name_of(world["school_tutor"])).status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.REPORTED
    return visit


class TestWriteAndSign:
    def test_the_school_tutor_writes_then_signs(self, world, login, visit):
        client = login(world["school_tutor"])
        assert client.get(reverse("lea:visit_report", args=[visit.pk])).status_code == 200
        assert write(client, visit).status_code == 302
        visit.refresh_from_db()
        assert visit.overall_assessment == "Très bon semestre."
        actions = list(visit.actions.order_by("pk"))
        assert [(a.owner_role, a.owner) for a in actions] == [
            ("apprentice", world["apprentice"]),
            ("company_tutor", world["company_tutor"]),
        ]
        response = sign(client, visit, name_of(world["school_tutor"]))
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.state == VisitState.REPORTED and visit.reported_at is not None
        signature = valid_signature(visit)
        assert signature.signer == world["school_tutor"]
        assert signature.content_sha256 == content_hash(visit)
        assert ["Rédiger la note de cadrage du projet", "apprentice", "2026-12-18"] in visit.signed_content()[
            "actions"
        ]
        assert TransitionLog.objects.filter(object_id=visit.pk, transition="sign_report").exists()
        told = set(
            Notification.objects.filter(url=reverse("lea:visit_detail", args=[visit.pk])).values_list(
                "recipient", flat=True
            )
        )
        assert {world["apprentice"].pk, world["company_tutor"].pk} <= told

    def test_the_page_shows_the_signature_and_its_verification_code(self, world, login, signed):
        response = login(world["apprentice"]).get(reverse("lea:visit_detail", args=[signed.pk]))
        assert response.status_code == 200
        assert valid_signature(signed).verification_code in response.content.decode()
        assert "Rédiger la note de cadrage du projet" in response.content.decode()

    def test_the_pdf_holds_the_report(self, world, login, signed):
        from pypdf import PdfReader

        VisitComment.objects.create(visit=signed, author=world["apprentice"], body="Merci pour la visite.")
        response = login(world["company_tutor"]).get(reverse("lea:visit_pdf", args=[signed.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pages = PdfReader(io.BytesIO(response.content)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        assert REPORT["overall_assessment"] in text and REPORT["integration"] in text
        assert all(description in text for description, _owner, _due in ACTIONS)
        assert "Merci pour la visite." in text
        assert valid_signature(signed).verification_code in text.replace(" ", "")

    def test_not_before_the_day_of_the_visit(self, world, login):
        future = f.VisitFactory(apprenticeship=world.own)  # 08/12/2026
        client = login(world["school_tutor"])
        write(client, future, actions=[("Point", "apprentice", "2026-12-20")])
        future.refresh_from_db()
        response = sign(client, future, name_of(world["school_tutor"]))
        assert response.status_code == 409
        future.refresh_from_db()
        assert future.state == VisitState.PLANNED
        assert valid_signature(future) is None

    def test_not_incomplete_and_the_message_names_each_missing_field(self, world, login, visit):
        client = login(world["school_tutor"])
        write(client, visit, report={"integration": "", "next_visit_on": ""})
        visit.refresh_from_db()
        response = sign(client, visit, name_of(world["school_tutor"]))
        assert response.status_code == 409
        text = html.unescape(response.content.decode())
        for name in ("integration", "next_visit_on"):
            assert str(Visit._meta.get_field(name).verbose_name) in text
        visit.refresh_from_db()
        assert visit.state == VisitState.PLANNED

    def test_a_wrong_typed_name_signs_nothing(self, world, login, visit):
        client = login(world["school_tutor"])
        write(client, visit)
        visit.refresh_from_db()
        assert sign(client, visit, "Quelqu'un d'autre").status_code == 400
        visit.refresh_from_db()
        assert visit.state == VisitState.PLANNED and valid_signature(visit) is None

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("apprentice", 403),
            ("company_tutor", 403),
            ("option_lead", 403),
            ("scolarite", 403),
            ("company_contact", 404),
            ("midisup", 404),
            ("outsider", 404),
        ],
    )
    def test_only_the_school_tutor_signs(self, world, login, visit, persona, status):
        write(login(world["school_tutor"]), visit)
        visit.refresh_from_db()
        response = sign(login(world[persona]), visit, name_of(world[persona]))
        assert response.status_code == status
        visit.refresh_from_db()
        assert visit.state == VisitState.PLANNED and valid_signature(visit) is None

    @pytest.mark.parametrize("persona", ["apprentice", "company_tutor", "option_lead", "scolarite"])
    def test_only_the_school_tutor_writes_the_report(self, world, login, visit, persona):
        response = write(login(world[persona]), visit, report={"overall_assessment": "Autre"})
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.overall_assessment == "" and not visit.actions.exists()

    def test_a_signed_report_no_longer_changes(self, world, login, signed):
        before = (signed.overall_assessment, signed.version, signed.actions.count())
        response = write(login(world["school_tutor"]), signed, report={"overall_assessment": "Réécrit"})
        assert response.status_code == 302
        signed.refresh_from_db()
        assert (signed.overall_assessment, signed.version, signed.actions.count()) == before


class TestBadInput:
    def refused(self, world, login, visit, **kwargs):
        response = write(login(world["school_tutor"]), visit, **kwargs)
        assert response.status_code == 400
        visit.refresh_from_db()
        assert (visit.version, visit.overall_assessment) == (1, "")
        assert not visit.actions.exists()
        return response

    @pytest.mark.parametrize("risk", ["amber", "red"])
    def test_an_amber_or_red_risk_needs_its_reason(self, world, login, visit, risk):
        response = self.refused(world, login, visit, report={"risk": risk, "risk_reason": " "})
        assert (
            fr("Give the reason for an amber or red risk status.")
            in response.context["form"].errors["risk_reason"]
        )

    def test_a_text_over_its_limit(self, world, login, visit):
        response = self.refused(world, login, visit, report={"progress": "x" * 4001})
        assert "4000" in " ".join(response.context["form"].errors["progress"])

    def test_a_risk_outside_the_scale(self, world, login, visit):
        self.refused(world, login, visit, report={"risk": "purple"})

    def test_an_action_due_before_the_visit(self, world, login, visit):
        response = self.refused(world, login, visit, actions=[("Trop tôt", "apprentice", "2026-11-19")])
        assert "20/11/2026" in " ".join(response.context["formset"].forms[0].errors["due_on"])

    def test_an_action_with_an_unknown_owner(self, world, login, visit):
        self.refused(world, login, visit, actions=[("Qui ?", "the_ceo", "2026-12-19")])

    def test_the_next_visit_before_this_one(self, world, login, visit):
        response = self.refused(world, login, visit, report={"next_visit_on": "2026-11-01"})
        assert response.context["form"].errors["next_visit_on"] == [
            fr("Choose a date for the next visit after this one (%(date)s).") % {"date": "20/11/2026"}
        ]

    def test_a_stale_form_saves_neither_report_nor_actions(self, world, login, visit):
        client = login(world["school_tutor"])
        write(client, visit, actions=[])
        response = write(client, visit, report={"overall_assessment": "Périmé"})  # version 1 again
        assert response.status_code == 409
        visit.refresh_from_db()
        assert visit.overall_assessment == "Très bon semestre." and not visit.actions.exists()


class TestComments:
    def comment(self, client, visit, body, **extra):
        return client.post(reverse("lea:visit_comment", args=[visit.pk]), {"body": body, **extra})

    @pytest.mark.parametrize("persona", ["apprentice", "company_tutor"])
    def test_the_apprentice_and_the_tutor_comment_without_changing_the_report(
        self, world, login, signed, persona
    ):
        before = (signed.report(), signed.signed_content(), signed.version)
        response = self.comment(
            login(world[persona]),
            signed,
            "D'accord avec le compte rendu.",
            overall_assessment="Changé",
            risk="red",
        )
        assert response.status_code == 302
        signed.refresh_from_db()
        assert (signed.report(), signed.signed_content(), signed.version) == before
        assert VisitComment.objects.get(visit=signed).author == world[persona]
        assert verify(valid_signature(signed).verification_code).content_unchanged
        assert Notification.objects.filter(
            recipient=world["school_tutor"], url__contains="#commentaires"
        ).exists()

    @pytest.mark.parametrize(
        ("persona", "status"), [("school_tutor", 403), ("option_lead", 403), ("company_contact", 404)]
    )
    def test_others_may_not_comment(self, world, login, signed, persona, status):
        assert self.comment(login(world[persona]), signed, "Non").status_code == status
        assert not VisitComment.objects.exists()

    def test_no_comment_before_the_report_is_signed(self, world, login, visit):
        assert self.comment(login(world["apprentice"]), visit, "Trop tôt").status_code == 403
        assert not VisitComment.objects.exists()

    def test_the_apprentice_cannot_write_the_report(self, world, login, signed):
        before = signed.report()
        response = write(login(world["apprentice"]), signed, report={"overall_assessment": "Changé"})
        assert response.status_code == 302
        signed.refresh_from_db()
        assert signed.report() == before

    def test_a_comment_over_its_limit_is_refused(self, world, login, signed):
        assert self.comment(login(world["apprentice"]), signed, "x" * 4001).status_code == 400
        assert not VisitComment.objects.exists()


def test_each_action_of_the_report_form_is_a_fieldset_named_by_its_number(world, login, visit):
    page = html.unescape(
        login(world["school_tutor"]).get(reverse("lea:visit_report", args=[visit.pk])).content.decode()
    )

    legends = re.findall(r"<fieldset[^>]*>\s*<legend[^>]*>([^<]*)</legend>", page)
    assert [" ".join(legend.split()) for legend in legends][-2:] == [
        "Action 1",
        "Action 2",
    ]  # the 2 extra forms


def test_each_mark_done_button_names_its_action(world, login, signed):
    page = login(world["apprentice"]).get(reverse("lea:visit_detail", args=[signed.pk])).content.decode()

    (button,) = re.findall(r'<form method="post" action="/[^"]*/fait/".*?</form>', page, re.S)
    assert "Rédiger la note de cadrage du projet" in html.unescape(button)  # the apprentice's only


class TestActionTodos:
    def titles(self, user) -> list[str]:
        return [item.title for item in todos_for(user)]

    def test_actions_become_todos_of_their_owners_once_signed(self, world, login, visit):
        write(login(world["school_tutor"]), visit)
        assert not any("note de cadrage" in t for t in self.titles(world["apprentice"]))  # a draft: not yet
        visit.refresh_from_db()
        sign(login(world["school_tutor"]), visit, name_of(world["school_tutor"]))
        assert any("note de cadrage" in t for t in self.titles(world["apprentice"]))
        assert any("point mensuel" in t for t in self.titles(world["company_tutor"]))
        assert not any("note de cadrage" in t for t in self.titles(world["company_tutor"]))

    def test_marked_done_by_its_owner_it_disappears_and_twice_changes_nothing(self, world, login, signed):
        action = signed.actions.get(owner_role="apprentice")
        client = login(world["apprentice"])
        assert client.post(reverse("lea:action_done", args=[action.pk])).status_code == 302
        action.refresh_from_db()
        done_at = action.done_at
        assert done_at is not None and action.done_by == world["apprentice"]
        assert not any("note de cadrage" in t for t in self.titles(world["apprentice"]))
        assert client.post(reverse("lea:action_done", args=[action.pk])).status_code == 302
        action.refresh_from_db()
        assert action.done_at == done_at

    def test_the_school_tutor_may_mark_it_done(self, world, login, signed):
        action = signed.actions.get(owner_role="company_tutor")
        assert (
            login(world["school_tutor"]).post(reverse("lea:action_done", args=[action.pk])).status_code == 302
        )
        action.refresh_from_db()
        assert action.done_by == world["school_tutor"]

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("company_tutor", 403), ("option_lead", 403), ("company_contact", 404), ("outsider", 404)],
    )
    def test_others_may_not(self, world, login, signed, persona, status):
        action = signed.actions.get(owner_role="apprentice")
        assert login(world[persona]).post(reverse("lea:action_done", args=[action.pk])).status_code == status
        action.refresh_from_db()
        assert action.done_at is None

    @pytest.mark.parametrize("state", list(VisitState))
    def test_the_permission_to_mark_it_done_over_states_and_personas(self, world, visit, state):
        visit.state = state
        visit.save(update_fields=["state"])
        action = VisitAction.objects.create(
            visit=visit,
            description="x",
            owner_role="apprentice",
            owner=world["apprentice"],
            due_on=datetime.date(2027, 1, 5),
        )
        reported = state == VisitState.REPORTED
        expected = {
            "apprentice": reported,  # the owner
            "school_tutor": reported,
            "company_tutor": False,
            "option_lead": False,
            "scolarite": False,
            "company_contact": False,
            "outsider": False,
        }
        assert {p: world[p].has_perm("lea.mark_action_done", action) for p in expected} == expected

    def test_an_action_without_owner_is_not_anyones_to_mark_done(self, world, signed):
        from django.contrib.auth.models import AnonymousUser

        action = signed.actions.get(owner_role="company_tutor")
        VisitAction.objects.filter(pk=action.pk).update(owner=None)
        action.refresh_from_db()
        assert not AnonymousUser().has_perm("lea.mark_action_done", action)
        assert not world["company_tutor"].has_perm("lea.mark_action_done", action)
        assert world["school_tutor"].has_perm("lea.mark_action_done", action)

    def test_a_held_visit_without_report_is_a_todo_of_the_school_tutor(self, world, visit):
        titles = self.titles(world["school_tutor"])
        assert any(
            str(world["apprentice"]) in t and "/compte-rendu/" in i.url
            for t, i in zip(titles, todos_for(world["school_tutor"]), strict=True)
        )

    def test_the_todos_cost_the_same_for_5_or_50_actions(self, world):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from lea.todos import visit_action_todos

        def make(n):
            for _ in range(n):
                v = f.VisitFactory(apprenticeship=world.own, starts_at=HELD, state=VisitState.REPORTED)
                VisitAction.objects.create(
                    visit=v,
                    description="x",
                    owner_role="apprentice",
                    owner=world["apprentice"],
                    due_on=datetime.date(2027, 1, 5),
                )

        apprentice = world["apprentice"]
        is_an_apprentice(apprentice)  # the user's facts: asked once per request by the page
        make(5)
        with CaptureQueriesContext(connection) as five:
            assert len(visit_action_todos(apprentice)) == 5
        make(45)
        with CaptureQueriesContext(connection) as fifty:
            assert len(visit_action_todos(apprentice)) == 20  # the first 20 by due date
        assert len(five) == len(fifty) == 1
