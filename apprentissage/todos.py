"""The core's own to-dos (registered from `ApprentissageConfig.ready`)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage import rules as access
from apprentissage.dashboard import TodoItem, todo_provider
from apprentissage.models import Apprenticeship, CompanyTutor
from apprentissage.selectors import pending_invitations


@todo_provider
def scolarite_todos(user):
    if not access.can_manage(user):
        return []
    items = []
    missing = Apprenticeship.objects.current().filter(school_tutor__isnull=True).count()
    if missing:
        items.append(
            TodoItem(
                title=ngettext(
                    "%(count)d apprenticeship has no school tutor",
                    "%(count)d apprenticeships have no school tutor",
                    missing,
                )
                % {"count": missing},
                url=reverse("apprenticeship_list") + "?sans_tuteur_ecole=on",
                count=missing,
            )
        )
    days = settings.INVITATION_REMINDER_DAYS
    waiting = pending_invitations(days).count()
    if waiting:
        items.append(
            TodoItem(
                title=ngettext(
                    "%(count)d invitation not accepted after %(days)d days",
                    "%(count)d invitations not accepted after %(days)d days",
                    waiting,
                )
                % {"count": waiting, "days": days},
                url=reverse("person_list") + "?invitation=en_attente",
                count=waiting,
            )
        )
    return items


@todo_provider
def option_lead_todos(user):
    if not access.leads_an_option(user):  # a user fact: no query of its own
        return []
    ineligible = (
        Apprenticeship.objects.current()
        .filter(option__lead=user, company_tutor__company_tutor_profile__isnull=False)
        .exclude(CompanyTutor.eligible_q("company_tutor__company_tutor_profile__"))
        .count()
    )
    if not ineligible:
        return []
    return [
        TodoItem(
            title=ngettext(
                "%(count)d company tutor does not meet the eligibility conditions",
                "%(count)d company tutors do not meet the eligibility conditions",
                ineligible,
            )
            % {"count": ineligible},
            url=reverse("apprenticeship_list") + "?tuteur_non_eligible=on",
            count=ineligible,
            detail=_("Neither an engineering degree nor more than 3 years as an engineer."),
        )
    ]
