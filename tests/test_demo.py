"""`make demo`'s data: idempotent, anchored on today, one login per role."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse

from apprentissage import demo
from apprentissage.enums import EnrolmentStatus, Role, StudyYear
from apprentissage.models import Apprenticeship, Company, Enrolment, OutboxEmail, SchoolYear, User
from apprentissage.selectors import roles_of

from .demo_once import load_demo


def _counts():
    return (
        User.objects.count(),
        Company.objects.count(),
        Apprenticeship.objects.count(),
        SchoolYear.objects.count(),
        Enrolment.objects.count(),
        Enrolment.history.count(),
    )


def test_refused_outside_demo_mode(db):
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_running_twice_duplicates_nothing(demo_data):
    before = _counts()
    assert before[2] > 0  # the module's demo is there
    load_demo()
    assert _counts() == before


def test_school_years_are_anchored_on_today(demo_data):
    # The suite runs on 2026-11-24: current 2026-2027 and the seed's 2025-2026.
    assert [y.label for y in SchoolYear.objects.all()] == ["2026-2027", "2025-2026"]


def test_about_forty_apprentices_over_the_options_and_years(demo_data):
    current = SchoolYear.objects.current()
    # Those in training this year (recruitment's demo also registers one for next year).
    apprenticeships = list(
        Apprenticeship.objects.with_people().filter(cohort__entry_year__lte=current.start_year)
    )
    assert len(apprenticeships) == 40
    assert {a.option.code for a in apprenticeships} == {"energies", "genindus", "materiaux", "pharmagro"}
    assert {a.study_year_in(current) for a in apprenticeships} == set(StudyYear)
    assert all(a.company_tutor for a in apprenticeships)


def test_every_apprentice_in_training_is_enrolled_in_both_school_years_it_spans(demo_data):
    current = SchoolYear.objects.current()
    previous = SchoolYear.objects.get(start_year=current.start_year - 1)
    apprenticeships = list(
        Apprenticeship.objects.with_enrolments().filter(cohort__entry_year__lte=current.start_year)
    )
    assert all(a.study_year_in(current) for a in apprenticeships)
    # Everyone but 1A (not yet in training last year) and the direct entry into 2A.
    enrolled_before = [a.apprentice.email for a in apprenticeships if a.study_year_in(previous)]
    assert (
        len(enrolled_before)
        == len(apprenticeships) - Enrolment.objects.filter(school_year=current, study_year=1).count() - 1
    )
    assert "apprenti04@example.com" not in enrolled_before


def test_one_apprentice_repeats_a_year_and_one_entered_2a_directly(demo_data):
    current = SchoolYear.objects.current()
    repeater = Apprenticeship.objects.get(apprentice__email="apprenti08@example.com")
    assert repeater.cohort.study_year_in(current) == StudyYear.THIRD  # nominally
    assert [
        (e.school_year.start_year, e.study_year, e.status)
        for e in repeater.enrolments.order_by("school_year__start_year")
    ] == [
        (current.start_year - 1, 2, EnrolmentStatus.ENROLLED),
        (current.start_year, 2, EnrolmentStatus.REPEATING),
    ]
    direct = Apprenticeship.objects.get(apprentice__email="apprenti04@example.com")
    assert [(e.school_year_id, e.study_year) for e in direct.enrolments.all()] == [(current.pk, 2)]
    assert direct.contract_start.year == current.start_year


EXPECTED_ROLES = {
    "apprenti@example.com": [Role.APPRENTICE],
    "tuteur.entreprise@example.com": [Role.COMPANY_TUTOR],
    "tuteur.ecole@example.com": [Role.SCHOOL_TUTOR],
    "responsable.option@example.com": [Role.SCHOOL_TUTOR, Role.OPTION_LEAD],
    "scolarite@example.com": [Role.SCOLARITE],
    "midisup@example.com": [Role.MIDISUP],
    "admin@example.com": [Role.ADMIN],
}


@pytest.mark.parametrize("email", sorted(EXPECTED_ROLES))
def test_each_demo_login_works_with_password_demo(demo_data, email):
    user = authenticate(email=email, password="demo")
    assert user is not None and user.email == email
    assert roles_of(user) == EXPECTED_ROLES[email]
    assert email in [login for login, _label in demo.DEMO_LOGINS]


def test_demo_people_are_linked_to_the_demo_apprentice(demo_data):
    apprenticeship = Apprenticeship.objects.with_people().get(apprentice__email="apprenti@example.com")
    assert apprenticeship.company_tutor.email == "tuteur.entreprise@example.com"
    assert apprenticeship.school_tutor.email == "tuteur.ecole@example.com"
    assert apprenticeship.option.lead.email == "responsable.option@example.com"


def test_demo_outbox_lists_sent_mail_in_demo_mode(settings, client, db):
    settings.DEMO_MODE = True
    OutboxEmail.objects.create(to="a@example.com", subject="Votre accès", body="http://lien")
    response = client.get(reverse("demo_outbox"))
    assert response.status_code == 200
    assert "Votre accès" in response.content.decode()


def test_demo_backend_keeps_a_copy(settings, db):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "apprentissage.mail.DemoOutboxBackend"
    send_mail("Sujet", "Corps", None, ["b@example.com"])
    assert OutboxEmail.objects.get(subject="Sujet").to == "b@example.com"
