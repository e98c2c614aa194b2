from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccordPrealable, Candidate, Dossier, MissionSheet, MissionSheetVersion, OptionCapacity


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["user", "option", "cohort", "diploma", "admitted_on"]
    list_filter = ["option", "cohort", "diploma"]
    search_fields = ["user__email", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "option", "cohort"]


@admin.register(OptionCapacity)
class OptionCapacityAdmin(SimpleHistoryAdmin):
    list_display = ["option", "cohort", "places"]
    list_filter = ["option", "cohort"]
    search_fields = ["option__name"]


class AccordInline(admin.StackedInline):
    model = AccordPrealable
    extra = 0
    can_delete = False


@admin.register(Dossier)
class DossierAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "option", "cohort", "state", "state_changed_at"]
    list_filter = ["state", "option", "cohort"]
    search_fields = ["candidate__user__email", "candidate__user__last_name", "company__name", "accord__siret"]
    autocomplete_fields = ["contact", "company"]
    raw_id_fields = ["candidate", "apprenticeship"]
    list_select_related = ["candidate__user", "option", "cohort", "company", "accord"]
    readonly_fields = ["state", "state_changed_at"]  # states change through the workflow only
    inlines = [AccordInline]


class VersionInline(admin.TabularInline):
    model = MissionSheetVersion
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "submitted_at",
        "submitted_by",
        "decision",
        "decided_at",
        "decided_by",
        "remarks",
    ]
    exclude = ["content"]


@admin.register(MissionSheet)
class MissionSheetAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["dossier__candidate__user__last_name", "dossier__accord__company_name"]
    raw_id_fields = ["dossier"]
    readonly_fields = ["state"]
    inlines = [VersionInline]
