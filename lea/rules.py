"""Who may read and write what in the LEA. Document predicates take (user, document) where
the document has an `apprenticeship` (fiche, visit, yearly plan, project dossier); booklet
predicates take the apprenticeship itself.

A company contact who is not the tutor reaches the booklet (missions, project) but not the
fiches or visit reports: those are between the apprentice, the tutor and the school."""

import rules
from django.db.models import Q

from apprentissage import rules as core
from apprentissage.rules import can_manage, leads_an_option, tutors_at_school

from .enums import FicheState, PlanState, ProjectState, VisitState


def _apprenticeship(obj):
    return getattr(obj, "apprenticeship", obj)


def _of_apprenticeship(predicate, name):
    @rules.predicate(name=name)
    def of_document(user, obj) -> bool:
        return bool(obj) and predicate(user, _apprenticeship(obj))

    return of_document


is_apprentice = _of_apprenticeship(core.is_apprentice_of, "lea_is_apprentice")
is_company_tutor = _of_apprenticeship(core.is_company_tutor_of, "lea_is_company_tutor")
is_school_tutor = _of_apprenticeship(core.is_school_tutor_of, "lea_is_school_tutor")
is_option_lead = _of_apprenticeship(core.is_option_lead_of, "lea_is_option_lead")
is_company_contact = _of_apprenticeship(core.is_company_contact_of, "lea_is_company_contact")


def in_states(*states):
    @rules.predicate(name=f"in_states_{'_'.join(states)}")
    def in_state(user, obj) -> bool:
        return bool(obj) and obj.state in states

    return in_state


# Who follows the apprentice's company track (fiches, visits, project)
is_follow_up_party = is_apprentice | is_company_tutor | is_school_tutor | is_option_lead
can_read_follow_up = is_follow_up_party | can_manage
# The booklet and the yearly descriptions: the company's contacts too
can_view_booklet = can_read_follow_up | is_company_contact


def follow_up_q(user, prefix: str = "apprenticeship") -> Q | None:
    """The documents (or, with prefix "", the apprenticeships) `user` reads as a follow-up
    party: a filter for lists; None when they read none; Q() for scolarité."""
    if not getattr(user, "is_authenticated", False):
        return None
    if can_manage(user):
        return Q()
    p = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{p}apprentice": user})
        | Q(**{f"{p}company_tutor": user})
        | Q(**{f"{p}school_tutor": user})
        | Q(**{f"{p}option__lead": user})
    )


rules.add_perm("lea.view_booklet", can_view_booklet)
rules.add_perm("lea.export_booklet", can_read_follow_up)

# Fiches de liaison
rules.add_perm("lea.view_fiche", can_read_follow_up)
rules.add_perm("lea.edit_fiche_apprentice", is_apprentice & in_states(*FicheState.with_apprentice()))
rules.add_perm("lea.edit_fiche_tutor", is_company_tutor & in_states(FicheState.SUBMITTED))

# Company visits
rules.add_perm("lea.view_visit", can_read_follow_up)
rules.add_perm("lea.plan_visit", core.is_school_tutor_of | can_manage)  # on the apprenticeship
rules.add_perm("lea.edit_visit", (is_school_tutor | can_manage) & in_states(VisitState.PLANNED))
rules.add_perm("lea.comment_visit", (is_apprentice | is_company_tutor) & in_states(VisitState.REPORTED))
# The school tutor writes the report (a draft) while the visit is planned, then signs it.
rules.add_perm("lea.write_visit_report", is_school_tutor & in_states(VisitState.PLANNED))
# The apprentices who miss a visit the school's rules ask for: a school tutor's own, scolarité's all.
rules.add_perm("lea.view_missing_visits", tutors_at_school | can_manage)


@rules.predicate(name="lea_may_mark_action_done")
def may_mark_action_done(user, action) -> bool:
    """An agreed action (of a signed report): its owner, or the apprentice's school tutor."""
    return bool(
        action
        and getattr(user, "is_authenticated", False)
        and action.visit.state == VisitState.REPORTED
        and (action.owner_id == user.pk or is_school_tutor(user, action.visit))
    )


rules.add_perm("lea.mark_action_done", may_mark_action_done)

# Yearly missions and project descriptions
rules.add_perm("lea.view_plan", can_view_booklet)
rules.add_perm(
    "lea.edit_plan", (is_apprentice | is_company_tutor) & in_states(PlanState.DRAFT, PlanState.RETURNED)
)

# Project subject and dossier de validation
rules.add_perm("lea.view_project", can_read_follow_up)
rules.add_perm(
    "lea.edit_project_apprentice", is_apprentice & in_states(ProjectState.DRAFT, ProjectState.RETURNED)
)
rules.add_perm("lea.edit_project_tutor", is_company_tutor & in_states(ProjectState.SUBMITTED))

# Reminders by hand, boards, the framework
rules.add_perm("lea.send_reminder", is_school_tutor | can_manage)
rules.add_perm("lea.view_school_tutor_board", tutors_at_school | can_manage)
rules.add_perm("lea.view_option_board", leads_an_option | can_manage)
rules.add_perm("lea.view_completion", can_manage)
rules.add_perm("lea.manage_framework", can_manage)
rules.add_perm("lea.manage_deadlines", can_manage)

# The booklet's own page for its apprentice (menu "My booklet"); the follow-up evidence of one
# apprentice for a quality audit: those who answer for the follow-up (school tutor, option
# lead, scolarité), not the apprentice nor the company.
rules.add_perm("lea.view_my_booklet", core.is_an_apprentice)
rules.add_perm("lea.export_evidence", is_school_tutor | is_option_lead | can_manage)
