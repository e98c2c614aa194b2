"""The demo's evaluation: last year's programme and grades complete, this year's in progress,
the module teacher's login and modules."""

from apprentissage.enums import StaffRole
from apprentissage.models import Enrolment, User
from evaluation import computation
from evaluation.demo import TEACHER_MODULES
from evaluation.models import Grade, Module, Programme
from evaluation.results import year_results


def test_both_school_years_have_a_programme(demo_data):
    assert Programme.objects.count() == 2
    years = [p.school_year.start_year for p in Programme.objects.order_by("school_year__start_year")]
    assert years == [2025, 2026]


def test_the_module_teacher_teaches_three_2a_modules_of_this_year(demo_data):
    teacher = User.objects.get(email="enseignant@example.com")
    assert teacher.groups.filter(name=StaffRole.MODULE_TEACHER).exists()
    modules = Module.objects.filter(teachers=teacher)
    assert sorted(m.code for m in modules) == sorted(TEACHER_MODULES)
    assert {m.unit.programme.school_year.start_year for m in modules} == {2026}
    counts = {m.code: Grade.objects.filter(assessment__module=m).count() for m in modules}
    assert counts[TEACHER_MODULES[0]] > counts[TEACHER_MODULES[1]] > counts[TEACHER_MODULES[2]] == 0


def test_last_year_is_complete(demo_data):
    programme = Programme.objects.get(school_year__start_year=2025)
    enrolments = Enrolment.objects.filter(school_year=programme.school_year).select_related("apprenticeship")
    results = year_results(enrolments, programme)
    assert results
    for result in results.values():
        assert result.status is computation.Status.COMPLETE, computation.gaps(result)
        assert next(ue for ue in result.ues if ue.code == "UW").average is not None


def test_this_year_is_in_progress(demo_data):
    programme = Programme.objects.get(school_year__start_year=2026)
    grades = Grade.objects.filter(assessment__module__unit__programme=programme)
    assert grades.exists() and grades.filter(special="ATT").exists()
    assert (
        grades.count()
        < Grade.objects.filter(assessment__module__unit__programme__school_year__start_year=2025).count()
    )


def test_last_years_juries_are_published_and_this_years_2a_is_being_prepared(demo_data):
    from evaluation.enums import JuryState
    from evaluation.models import JurySession

    published = JurySession.objects.filter(school_year__start_year=2025)
    assert sorted(s.study_year for s in published) == [1, 2]  # nobody was in 3A yet
    assert all(s.state == JuryState.PUBLISHED and s.minutes for s in published)
    assert all(s.decisions.exclude(code="").count() == s.decisions.count() > 0 for s in published)
    assert list(
        JurySession.objects.filter(school_year__start_year=2026).values_list("study_year", "state")
    ) == [(2, JuryState.PREPARING)]


def test_the_demo_apprentice_reads_last_years_results_and_gets_a_transcript_that_verifies(demo_data, client):
    from apprentissage.signatures import signatures_of, verify
    from evaluation.models import Transcript

    client.force_login(User.objects.get(email="apprenti@example.com"))
    assert client.get("/evaluation/mes-resultats/").status_code == 200
    enrolment = Enrolment.objects.get(
        apprenticeship__apprentice__email="apprenti@example.com", school_year__start_year=2025
    )
    response = client.get(f"/evaluation/resultats/{enrolment.pk}/releve.pdf")
    assert response.status_code == 200
    code = signatures_of(Transcript.objects.get(enrolment=enrolment)).get().verification_code
    assert verify(code).content_unchanged


def test_the_demo_apprentices_report_waits_for_the_school_tutor_and_3a_defences_are_scheduled(demo_data):
    from evaluation.models import ComponentGrade, Defence, ReportFile

    report = ReportFile.objects.get(enrolment__apprenticeship__apprentice__email="apprenti@example.com")
    assert report.current and not report.late and report.file.open("rb").read(5) == b"%PDF-"
    assert not ComponentGrade.objects.filter(enrolment=report.enrolment, component=report.component).exists()
    defences = Defence.objects.filter(enrolment__school_year__start_year=2026)
    assert defences.exists() and {d.enrolment.study_year for d in defences} == {3}
