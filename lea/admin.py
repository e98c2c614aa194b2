"""IT's view of the LEA. Documents are never deleted here either: they are cancelled or
reopened in the portal, with a reason."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BookletExport,
    Competency,
    CompetencyBlock,
    Deadline,
    Fiche,
    ProjectDossier,
    Reminder,
    Visit,
    VisitAction,
    YearlyPlan,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CompetencyBlock)
class CompetencyBlockAdmin(SimpleHistoryAdmin):
    list_display = ["name", "option", "position"]
    list_filter = ["option"]


@admin.register(Competency)
class CompetencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "label", "block", "position", "is_active"]
    list_filter = ["block", "is_active"]
    search_fields = ["code", "label"]


@admin.register(Fiche)
class FicheAdmin(NoDeleteAdmin):
    list_display = ["apprenticeship", "school_year", "number", "return_on", "due_on", "state"]
    list_filter = ["state", "school_year", "study_year"]
    search_fields = ["apprenticeship__apprentice__last_name", "apprenticeship__apprentice__email"]
    raw_id_fields = ["apprenticeship", "updated_by", "acknowledged_by"]
    date_hierarchy = "return_on"


@admin.register(Visit)
class VisitAdmin(NoDeleteAdmin):
    list_display = ["apprenticeship", "starts_at", "mode", "state", "risk"]
    list_filter = ["state", "mode", "risk"]
    raw_id_fields = ["apprenticeship", "updated_by"]


@admin.register(VisitAction)
class VisitActionAdmin(NoDeleteAdmin):
    list_display = ["description", "owner", "due_on", "done_at"]
    raw_id_fields = ["visit", "owner", "done_by"]


@admin.register(YearlyPlan)
class YearlyPlanAdmin(NoDeleteAdmin):
    list_display = ["apprenticeship", "school_year", "study_year", "state"]
    list_filter = ["state", "school_year", "study_year"]
    raw_id_fields = ["apprenticeship", "updated_by"]


@admin.register(ProjectDossier)
class ProjectDossierAdmin(NoDeleteAdmin):
    list_display = ["apprenticeship", "school_year", "title", "state"]
    list_filter = ["state", "school_year", "study_year"]
    raw_id_fields = ["apprenticeship", "updated_by"]


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["school_year", "study_year", "kind", "due_on"]
    list_filter = ["school_year", "kind"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "content_type", "object_id", "step", "recipient", "sent_by"]
    list_filter = ["step", "content_type"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BookletExport)
class BookletExportAdmin(admin.ModelAdmin):
    list_display = ["apprenticeship", "requested_by", "requested_at"]
    readonly_fields = ["apprenticeship", "job", "requested_by", "requested_at", "file", "sha256"]
