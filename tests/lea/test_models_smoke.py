"""The LEA's documents can be created for the personas' apprenticeship (the factories other
tests build on), and the framework a fiche is filled with is the option's."""

from lea.models.competencies import framework_for
from tests import factories as f


def test_documents_of_an_apprenticeship(world):
    fiche = f.FicheFactory(apprenticeship=world.own)
    visit = f.VisitFactory(apprenticeship=world.own)
    plan = f.YearlyPlanFactory(apprenticeship=world.own)
    project = f.ProjectDossierFactory(apprenticeship=world.own)
    assert fiche.study_year == 2 and not fiche.is_started
    assert visit.ends_at > visit.starts_at
    assert plan.study_year == project.study_year == 2


def test_framework_common_blocks_then_the_option(world):
    common = f.CompetencyFactory(label="Concevoir", block__name="Communes")
    own = f.CompetencyFactory(label="Piloter la performance", block__option=world.own.option)
    f.CompetencyFactory(label="Matériaux", block__option=world.other.option)
    f.CompetencyFactory(label="Retirée", is_active=False)
    assert [c["label"] for c in framework_for(world.own.option)] == [common.label, own.label]
