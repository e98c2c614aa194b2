"""The programme and grades in the Django admin (IT staff): read and audited; scolarité works
in the portal's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import Assessment, Grade, Module, Programme, TeachingUnit, UnitComponent


class TeachingUnitInline(admin.TabularInline):
    model = TeachingUnit
    extra = 0
    fields = ("study_year", "code", "title", "ects", "is_company_unit", "position")


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("school_year", "pass_mark", "compensation_floor", "resit_rule")
    inlines = [TeachingUnitInline]


class AssessmentInline(admin.TabularInline):
    model = Assessment
    extra = 0


@admin.register(Module)
class ModuleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "unit", "semester", "coefficient", "option")
    list_filter = ("unit__programme", "unit__study_year", "unit__code", "option")
    search_fields = ("code", "title")
    autocomplete_fields = ("teachers",)
    inlines = [AssessmentInline]
    list_select_related = ("unit__programme__school_year", "option")


@admin.register(UnitComponent)
class UnitComponentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "unit", "weight", "graded_by")
    list_select_related = ("unit__programme__school_year",)


@admin.register(Grade)
class GradeAdmin(SimpleHistoryAdmin):
    list_display = ("assessment", "enrolment", "value", "special", "updated_at", "updated_by")
    list_select_related = ("assessment__module", "enrolment__apprenticeship__apprentice", "updated_by")
    raw_id_fields = ("assessment", "enrolment", "updated_by")
    readonly_fields = ("version", "updated_at", "updated_by")
