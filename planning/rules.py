"""Who sees which calendar. Apprentices see theirs; tutors, option leads and company
contacts the calendars of the apprentices they follow (the apprenticeship's view
permission); scolarité manages every calendar."""

import rules
from django.db.models import OuterRef

from apprentissage.rules import (
    can_manage,
    can_view_apprenticeship,
    follows_apprentices,
    is_school_staff,
    leads_an_option,
    user_fact,
)

rules.add_perm("planning.manage_calendars", can_manage)
rules.add_perm("planning.view_apprentice_calendar", can_view_apprenticeship)
rules.add_perm("planning.view_calendars", rules.is_authenticated)


def _own_apprenticeships():
    from apprentissage.models import Apprenticeship

    return Apprenticeship.objects.filter(apprentice=OuterRef("pk"))


def _host_company_roles():
    """Company tutors and company contacts: the "who is at school when" page is theirs."""
    from apprentissage.models import CompanyContact

    return CompanyContact.objects.filter(user=OuterRef("pk"))


def _tutor_profiles():
    from apprentissage.models import CompanyTutor

    return CompanyTutor.objects.filter(user=OuterRef("pk"))


has_an_apprenticeship = user_fact("planning.has_an_apprenticeship", _own_apprenticeships)
works_for_a_host_company = user_fact("planning.is_company_contact", _host_company_roles) | user_fact(
    "planning.has_a_tutor_profile", _tutor_profiles
)

rules.add_perm("planning.view_my_calendar", has_an_apprenticeship)
rules.add_perm("planning.view_company_calendar", works_for_a_host_company)

# Who has a calendar to subscribe to (planning.views.feeds, the account menu): their own, or
# that of the apprentices they follow or will follow (tutors, option leads, company contacts).
has_a_calendar_feed = (
    has_an_apprenticeship | follows_apprentices | works_for_a_host_company | is_school_staff | leads_an_option
)
rules.add_perm("planning.subscribe_to_calendar", has_a_calendar_feed)
