from .academics import Cohort, Option, SchoolYear
from .apprenticeships import Apprenticeship
from .audit import Signature, TransitionLog
from .companies import Company, CompanyContact, CompanyTutor
from .enrolments import Enrolment
from .imports import ImportBatch
from .jobs import Job
from .mail import OutboxEmail
from .notifications import Notification
from .users import User

__all__ = [
    "Apprenticeship",
    "Cohort",
    "Company",
    "CompanyContact",
    "CompanyTutor",
    "Enrolment",
    "ImportBatch",
    "Job",
    "Notification",
    "Option",
    "OutboxEmail",
    "SchoolYear",
    "Signature",
    "TransitionLog",
    "User",
]
