"""Who acts on a LEA document (fiche, visit, yearly description, project dossier), said once
for the four workflows: as a predicate on one document and as the filter of the documents a
person acts on (through the document's apprenticeship; see apprentissage.workflow.Actor)."""

from django.db.models import Q

from apprentissage.rules import (
    can_manage,
    is_an_apprentice,
    leads_an_option,
    tutors_at_school,
    tutors_in_a_company,
)
from apprentissage.workflow import Actor
from lea.rules import is_apprentice, is_company_tutor, is_option_lead, is_school_tutor

apprentice = Actor(is_apprentice, q=lambda user: Q(apprenticeship__apprentice=user), when=is_an_apprentice)
company_tutor = Actor(
    is_company_tutor, q=lambda user: Q(apprenticeship__company_tutor=user), when=tutors_in_a_company
)
school_tutor = Actor(
    is_school_tutor, q=lambda user: Q(apprenticeship__school_tutor=user), when=tutors_at_school
)
option_lead = Actor(is_option_lead, q=lambda user: Q(apprenticeship__option__lead=user), when=leads_an_option)
scolarite = Actor.role(can_manage)  # scolarité and IT administrators
