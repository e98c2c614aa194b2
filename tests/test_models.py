import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apprentissage.enums import ApprenticeshipStatus, StudyYear
from apprentissage.models import CompanyTutor, SchoolYear
from apprentissage.models.academics import school_year_end, school_year_start
from apprentissage.validators import luhn_complete, validate_siret

from . import factories as f


class TestSiret:
    def test_valid_siret_passes(self):
        validate_siret("73282932000074")  # a well-known valid SIRET format (Luhn ok)

    def test_spaces_are_ignored(self):
        validate_siret("732 829 320 00074")

    @pytest.mark.parametrize("value", ["7328293200007", "7328293200007A", "", "123456789012345"])
    def test_wrong_length_or_characters_is_refused_in_french(self, value):
        with pytest.raises(ValidationError) as error:
            validate_siret(value)
        assert error.value.code == "siret_format"

    def test_wrong_check_digit_is_refused(self):
        with pytest.raises(ValidationError) as error:
            validate_siret("73282932000075")
        assert error.value.code == "siret_checksum"

    def test_la_poste_uses_its_own_checksum(self):
        validate_siret("35600000000015")  # digits sum to 20: valid for La Poste, not for Luhn
        with pytest.raises(ValidationError):
            validate_siret("35600000000016")

    def test_luhn_complete_builds_valid_numbers(self):
        for prefix in ("8000000010001", "9123456780001"):
            validate_siret(luhn_complete(prefix))

    def test_company_full_clean_rejects_bad_siret(self, db):
        company = f.CompanyFactory.build(siret="12345678901234")
        with pytest.raises(ValidationError) as error:
            company.full_clean()
        assert "siret" in error.value.message_dict


class TestSchoolYear:
    def test_2025_2026_matches_the_seed(self):
        assert school_year_start(2025) == datetime.date(2025, 9, 15)
        assert school_year_end(2025) == datetime.date(2026, 9, 25)

    def test_current_is_the_latest_started_year(self, db):
        SchoolYear.for_start_year(2025)
        SchoolYear.for_start_year(2026)
        assert SchoolYear.objects.current(datetime.date(2026, 9, 20)).label == "2026-2027"
        # Years overlap in September (3A defences): before the rentrée, last year is current.
        assert SchoolYear.objects.current(datetime.date(2026, 9, 10)).label == "2025-2026"
        assert SchoolYear.objects.current(datetime.date(2025, 1, 1)) is None


class TestCohort:
    @pytest.mark.parametrize(
        ("start_year", "expected"),
        [
            (2024, None),
            (2025, StudyYear.FIRST),
            (2026, StudyYear.SECOND),
            (2027, StudyYear.THIRD),
            (2028, None),
        ],
    )
    def test_study_year_is_derived_from_the_entry_year(self, db, start_year, expected):
        cohort = f.CohortFactory(entry_year=2025)
        assert cohort.study_year_in(start_year) == expected


class TestCompanyTutorEligibility:
    @pytest.mark.parametrize(
        ("degree", "years", "eligible"),
        [(True, 0, True), (False, 4, True), (False, 3, False), (False, 0, False)],
    )
    def test_degree_or_more_than_three_years(self, degree, years, eligible):
        tutor = CompanyTutor(has_engineering_degree=degree, years_as_engineer=years)
        assert tutor.is_eligible is eligible

    def test_queryset_condition_agrees_with_the_property(self, db):
        tutors = [
            f.CompanyTutorFactory(has_engineering_degree=d, years_as_engineer=y)
            for d, y in [(True, 0), (False, 4), (False, 3), (False, 0)]
        ]
        eligible = set(CompanyTutor.objects.filter(CompanyTutor.eligible_q()).values_list("pk", flat=True))
        assert eligible == {t.pk for t in tutors if t.is_eligible}


class TestApprenticeship:
    def test_one_current_apprenticeship_per_apprentice(self, db):
        first = f.ApprenticeshipFactory()
        with pytest.raises(IntegrityError):
            f.ApprenticeshipFactory(apprentice=first.apprentice)

    def test_a_finished_one_does_not_block_a_new_one(self, db):
        first = f.ApprenticeshipFactory(status=ApprenticeshipStatus.TERMINATED)
        f.ApprenticeshipFactory(apprentice=first.apprentice)

    def test_contract_must_end_after_it_starts(self, db):
        apprenticeship = f.ApprenticeshipFactory.build(
            contract_start=datetime.date(2026, 9, 1), contract_end=datetime.date(2026, 8, 1)
        )
        with pytest.raises(ValidationError) as error:
            apprenticeship.clean()
        assert "contract_end" in error.value.message_dict

    def test_changes_are_audited(self, db):
        apprenticeship = f.ApprenticeshipFactory()
        apprenticeship.status = ApprenticeshipStatus.COMPLETED
        apprenticeship.save()
        assert [h.status for h in apprenticeship.history.all()] == ["completed", "active"]
