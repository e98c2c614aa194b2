"""Rubrics scored online: the project's by each jury member (drafts, then submitted and
read-only), the jury's agreed scores making the component's grade (on 20), the professional
behaviour's by the company tutor alone, signed (frozen), reopened by scolarité with a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Notification, Signature
from apprentissage.signatures import FrozenDocument, SignerEvidence, is_frozen, verify
from evaluation import company_unit as uw
from evaluation.enums import ScorerRole
from evaluation.models import ComponentGrade, RubricScoring

from . import company_unit_helpers as h


@pytest.fixture
def project(world):
    enrolment, components = h.own(world)
    return enrolment, components[h.PROJECT[2]]


@pytest.fixture
def behaviour(world):
    enrolment, components = h.own(world)
    return enrolment, components[h.BEHAVIOUR]


def _save(enrolment, component, role, actor, points=None, *, version=0, submit=False, comment=""):
    return uw.save_scoring(
        slot=h.slot(enrolment, component, role),
        points=h.full_points(component) if points is None else points,
        comment=comment,
        expected_version=version,
        actor=actor,
        submit=submit,
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        (" 3 ", Decimal(3)),
        ("0", Decimal(0)),
        ("", None),
    ],
)
def test_points_are_read_as_typed(typed, expected):
    assert uw.parse_points(typed, Decimal(3)) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("3,5", "points_too_high"),
        ("4", "points_too_high"),
        ("-1", "points_format"),
        ("0,3", "points_step"),
        ("1,25", "points_step"),
        ("ABS", "points_format"),
        ("deux", "points_format"),
    ],
)
def test_points_out_of_range_or_not_a_step_of_a_half_are_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        uw.parse_points(typed, Decimal(3))
    assert refused.value.code == code


def test_a_rubric_total_is_scaled_to_twenty(project):
    _enrolment, component = project
    assert uw.rubric_total(component) == 20
    assert uw.on_twenty(component, Decimal("13.5")) == Decimal("13.5")
    component.rubric = component.rubric[:2]  # 2 + 3 points
    assert uw.on_twenty(component, Decimal("2.5")) == Decimal(10)


class TestProjectScoring:
    def test_a_draft_may_be_partial_then_is_submitted_and_read_only(self, project, world):
        enrolment, component = project
        tutor = world["company_tutor"]
        draft = _save(enrolment, component, ScorerRole.COMPANY_TUTOR, tutor, {"contexte": Decimal("1.5")})
        assert (draft.points, draft.version, draft.submitted_at) == ({"contexte": "1.5"}, 1, None)
        with pytest.raises(ValidationError):
            _save(
                enrolment,
                component,
                ScorerRole.COMPANY_TUTOR,
                tutor,
                {"contexte": Decimal(2)},
                version=1,
                submit=True,
            )
        submitted = _save(enrolment, component, ScorerRole.COMPANY_TUTOR, tutor, version=1, submit=True)
        assert submitted.submitted_at is not None and submitted.version == 2
        with pytest.raises(uw.ScoringClosed):
            _save(enrolment, component, ScorerRole.COMPANY_TUTOR, tutor, version=2)
        assert RubricScoring.objects.get().points == {k: str(v) for k, v in h.full_points(component).items()}

    def test_a_stale_draft_changes_nothing(self, project, world):
        enrolment, component = project
        _save(enrolment, component, ScorerRole.SCHOOL_TUTOR, world["school_tutor"], {"contexte": Decimal(1)})
        with pytest.raises(ConcurrentEdit):
            _save(
                enrolment, component, ScorerRole.SCHOOL_TUTOR, world["school_tutor"], {"contexte": Decimal(2)}
            )
        assert RubricScoring.objects.get().points == {"contexte": "1"}

    def test_the_third_jury_member_tells_the_school_tutor_and_the_agreed_scores_make_the_grade(
        self, project, world
    ):
        enrolment, component = project
        for role, persona in (
            (ScorerRole.COMPANY_TUTOR, "company_tutor"),
            (ScorerRole.SCHOOL_TUTOR, "school_tutor"),
        ):
            _save(enrolment, component, role, world[persona], submit=True)
        told = Notification.objects.filter(recipient=world["school_tutor"]).count()
        _save(enrolment, component, ScorerRole.OPTION_LEAD, world["option_lead"], submit=True)
        assert Notification.objects.filter(recipient=world["school_tutor"]).count() == told + 1

        points = {c["code"]: Decimal(c["max_points"]) - Decimal("0.5") for c in component.rubric}  # 16,5
        _save(
            enrolment,
            component,
            ScorerRole.AGREED,
            world["school_tutor"],
            points,
            submit=True,
            comment="Solide.",
        )
        grade = ComponentGrade.objects.get(enrolment=enrolment, component=component)
        assert (grade.value, grade.comment) == (Decimal("16.5"), "Solide.")
        # Individual and agreed scorings are all kept.
        assert RubricScoring.objects.filter(enrolment=enrolment).count() == 4


class TestBehaviour:
    def test_signing_freezes_the_scoring_and_makes_the_grade(self, behaviour, world):
        enrolment, component = behaviour
        tutor = world["company_tutor"]
        scoring = h.signed_behaviour(enrolment, component, tutor)
        assert is_frozen(scoring) and scoring.submitted_at
        signature = Signature.objects.get()
        assert (signature.signer, signature.purpose) == (tutor, uw.BEHAVIOUR_SIGNATURE_PURPOSE)
        assert verify(signature.verification_code).content_unchanged
        assert ComponentGrade.objects.get(component=component).value == Decimal("12.00")  # 6 × 2 on 20
        with pytest.raises(uw.ScoringClosed):
            _save(enrolment, component, ScorerRole.COMPANY_TUTOR, tutor, version=scoring.version)

    def test_the_signature_alone_freezes_the_scoring(self, behaviour, world):
        enrolment, component = behaviour
        scoring = h.signed_behaviour(enrolment, component, world["company_tutor"])
        RubricScoring.objects.filter(pk=scoring.pk).update(submitted_at=None)
        with pytest.raises(FrozenDocument):
            _save(
                enrolment,
                component,
                ScorerRole.COMPANY_TUTOR,
                world["company_tutor"],
                version=scoring.version,
            )
        assert RubricScoring.objects.get().version == scoring.version

    def test_a_change_of_the_points_behind_the_signature_fails_its_verification(self, behaviour, world):
        enrolment, component = behaviour
        scoring = h.signed_behaviour(enrolment, component, world["company_tutor"])
        RubricScoring.objects.filter(pk=scoring.pk).update(points={**scoring.points, "rigueur": "4"})
        assert not verify(Signature.objects.get().verification_code).content_unchanged

    def test_a_wrong_typed_name_signs_nothing_and_saves_nothing(self, behaviour, world):
        enrolment, component = behaviour
        tutor = world["company_tutor"]
        with pytest.raises(ValidationError):
            uw.sign_behaviour(
                slot=h.slot(enrolment, component, ScorerRole.COMPANY_TUTOR),
                points=h.full_points(component),
                comment="",
                expected_version=0,
                actor=tutor,
                evidence=SignerEvidence(typed_name="Quelqu'un d'autre", ip_address=None, user_agent=""),
            )
        assert not RubricScoring.objects.exists()
        assert not Signature.objects.exists()
        assert not ComponentGrade.objects.exists()

    def test_an_incomplete_behaviour_cannot_be_signed(self, behaviour, world):
        enrolment, component = behaviour
        with pytest.raises(ValidationError):
            uw.sign_behaviour(
                slot=h.slot(enrolment, component, ScorerRole.COMPANY_TUTOR),
                points={"ponctualite": Decimal(3)},
                comment="",
                expected_version=0,
                actor=world["company_tutor"],
                evidence=h.evidence_of(world["company_tutor"]),
            )
        assert not Signature.objects.exists()

    def test_scolarite_reopens_with_a_reason_and_the_tutor_signs_again(self, behaviour, world):
        enrolment, component = behaviour
        tutor = world["company_tutor"]
        scoring = h.signed_behaviour(enrolment, component, tutor)
        slot = h.slot(enrolment, component, ScorerRole.COMPANY_TUTOR)
        with pytest.raises(ValidationError):
            uw.reopen_behaviour(slot=slot, reason="  ", actor=world["scolarite"])
        assert is_frozen(scoring)
        uw.reopen_behaviour(slot=slot, reason="Erreur sur la ponctualité", actor=world["scolarite"])
        scoring.refresh_from_db()
        assert not is_frozen(scoring) and scoring.submitted_at is None
        assert Signature.objects.get().void_reason == "Erreur sur la ponctualité"
        uw.sign_behaviour(
            slot=slot,
            points=h.full_points(component, "3"),
            comment="Corrigé",
            expected_version=scoring.version,
            actor=tutor,
            evidence=h.evidence_of(tutor),
        )
        assert ComponentGrade.objects.get(component=component).value == Decimal(18)
        assert Signature.objects.filter(voided_at__isnull=True).count() == 1


class TestRubricPage:
    def _url(self, enrolment, component, role):
        return reverse("evaluation:rubric_score", args=[enrolment.pk, component.pk, role])

    def test_each_criterion_is_a_fieldset_with_its_levels(self, project, world, login):
        enrolment, component = project
        response = login(world["option_lead"]).get(self._url(enrolment, component, ScorerRole.OPTION_LEAD))
        html = response.content.decode()
        assert html.count("<legend") == len(component.rubric)
        first = component.rubric[0]
        assert first["title"] in html
        assert first["levels"][-1]["descriptor"].replace("'", "&#x27;") in html
        assert 'step="0.5"' in html

    @pytest.mark.parametrize(
        ("typed", "code"), [("9", "points_too_high"), ("0,3", "points_step"), ("x", "points_format")]
    )
    def test_bad_points_are_refused_and_nothing_saved(self, project, world, login, typed, code):
        enrolment, component = project
        data = h.rubric_post(component, {"contexte": typed})
        response = login(world["school_tutor"]).post(
            self._url(enrolment, component, ScorerRole.SCHOOL_TUTOR), data
        )
        assert response.status_code == 400
        assert response.context["form"].has_error("points_contexte", code)
        assert not RubricScoring.objects.exists()

    def test_submitting_needs_every_criterion(self, project, world, login):
        enrolment, component = project
        data = h.rubric_post(component, {"contexte": "2"}, action="submit")
        response = login(world["school_tutor"]).post(
            self._url(enrolment, component, ScorerRole.SCHOOL_TUTOR), data
        )
        assert response.status_code == 400
        assert response.context["form"].has_error("points_diagnostic", "required")
        assert not RubricScoring.objects.exists()

    def test_a_draft_then_a_submission_through_the_page(self, project, world, login):
        enrolment, component = project
        client = login(world["company_tutor"])
        url = self._url(enrolment, component, ScorerRole.COMPANY_TUTOR)
        assert client.post(url, h.rubric_post(component, {"contexte": "1,5"})).status_code == 302
        assert RubricScoring.objects.get().points == {"contexte": "1.5"}
        assert client.post(url, h.rubric_post(component, version=1, action="submit")).status_code == 302
        assert RubricScoring.objects.get().submitted_at
        # Read-only afterwards: a post changes nothing.
        client.post(url, h.rubric_post(component, h.full_points(component, "0"), version=2))
        assert RubricScoring.objects.get().points["bilan"] == "3"
        assert '<form method="post" aria-labelledby="grille"' not in client.get(url).content.decode()

    def test_a_stale_draft_answers_409(self, project, world, login):
        enrolment, component = project
        _save(enrolment, component, ScorerRole.SCHOOL_TUTOR, world["school_tutor"], {"contexte": Decimal(1)})
        response = login(world["school_tutor"]).post(
            self._url(enrolment, component, ScorerRole.SCHOOL_TUTOR), h.rubric_post(component, version=0)
        )
        assert response.status_code == 409
        assert RubricScoring.objects.get().points == {"contexte": "1"}

    def test_the_agreed_page_shows_the_three_scorings_side_by_side(self, project, world, login):
        enrolment, component = project
        _save(
            enrolment,
            component,
            ScorerRole.COMPANY_TUTOR,
            world["company_tutor"],
            h.full_points(component, "0.5"),
        )
        _save(
            enrolment,
            component,
            ScorerRole.OPTION_LEAD,
            world["option_lead"],
            h.full_points(component, "1.5"),
            submit=True,
        )
        response = login(world["school_tutor"]).get(self._url(enrolment, component, ScorerRole.AGREED))
        rows = response.context["jury_rows"]
        assert rows[0]["points"] == [Decimal("0.5"), None, Decimal("1.5")]
        assert response.context["jury_totals"] == [Decimal("3.5"), None, Decimal("10.5")]

    def test_the_behaviour_is_signed_through_the_page(self, behaviour, world, login):
        enrolment, component = behaviour
        tutor = world["company_tutor"]
        url = self._url(enrolment, component, ScorerRole.COMPANY_TUTOR)
        client = login(tutor)
        wrong = {**h.rubric_post(component, action="sign"), "typed_name": "Personne", "consent": "on"}
        assert client.post(url, wrong).status_code == 400
        assert not Signature.objects.exists()
        no_consent = {
            **h.rubric_post(component, action="sign"),
            "typed_name": f"{tutor.first_name} {tutor.last_name}",
        }
        assert client.post(url, no_consent).status_code == 400
        right = {**no_consent, "consent": "on"}
        assert client.post(url, right).status_code == 302
        assert Signature.objects.get().signer == tutor
        assert ComponentGrade.objects.get(component=component).value == 20
        page = client.get(url)
        assert page.context["read_only"] and page.context["signature"]
