"""Who sees which calendar. Apprentices see theirs; tutors, option leads and company
contacts the calendars of the apprentices they follow (the apprenticeship's view
permission); scolarité manages every calendar."""

import rules

from apprentissage.rules import can_view_apprenticeship, is_admin, is_scolarite

can_manage_calendars = is_scolarite | is_admin

rules.add_perm("planning.manage_calendars", can_manage_calendars)
rules.add_perm("planning.view_apprentice_calendar", can_view_apprenticeship)
rules.add_perm("planning.view_calendars", rules.is_authenticated)
