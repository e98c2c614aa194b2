from .academics import Cohort, Option, SchoolYear
from .apprenticeships import Apprenticeship
from .companies import Company, CompanyContact, CompanyTutor
from .mail import OutboxEmail
from .users import User

__all__ = [
    "Apprenticeship",
    "Cohort",
    "Company",
    "CompanyContact",
    "CompanyTutor",
    "Option",
    "OutboxEmail",
    "SchoolYear",
    "User",
]
