from .competencies import Competency, CompetencyBlock
from .exports import BookletExport
from .fiches import Fiche
from .plans import Deadline, ProjectDossier, ProjectDossierVersion, YearlyPlan, YearlyPlanVersion
from .reminders import Reminder
from .visits import Visit, VisitAction, VisitComment

__all__ = [
    "BookletExport",
    "Competency",
    "CompetencyBlock",
    "Deadline",
    "Fiche",
    "ProjectDossier",
    "ProjectDossierVersion",
    "Reminder",
    "Visit",
    "VisitAction",
    "VisitComment",
    "YearlyPlan",
    "YearlyPlanVersion",
]
