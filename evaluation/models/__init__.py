from .company_unit import Defence, ReportFile, RubricScoring
from .grades import ComponentGrade, Grade
from .juries import JuryDecision, JurySession, Transcript
from .programme import Assessment, Module, Programme, TeachingUnit, UnitComponent

__all__ = [
    "Assessment",
    "ComponentGrade",
    "Defence",
    "Grade",
    "JuryDecision",
    "JurySession",
    "Module",
    "Programme",
    "ReportFile",
    "RubricScoring",
    "TeachingUnit",
    "Transcript",
    "UnitComponent",
]
