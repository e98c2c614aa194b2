from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarEdit, CalendarFeed, CalendarWeek, TapeAttendance, TapeSession


@admin.register(CalendarWeek)
class CalendarWeekAdmin(SimpleHistoryAdmin):
    list_display = ["school_year", "study_year", "option", "monday", "kind"]
    list_filter = ["school_year", "study_year", "option", "kind"]
    date_hierarchy = "monday"


@admin.register(CalendarEdit)
class CalendarEditAdmin(admin.ModelAdmin):
    list_display = ["made_at", "school_year", "made_by", "description", "undone_at"]
    list_filter = ["school_year"]
    search_fields = ["description"]
    readonly_fields = [f.name for f in CalendarEdit._meta.fields]


@admin.register(TapeSession)
class TapeSessionAdmin(SimpleHistoryAdmin):
    list_display = ["starts_at", "ends_at", "school_year", "study_year", "title"]
    list_filter = ["school_year", "study_year"]
    date_hierarchy = "starts_at"


@admin.register(TapeAttendance)
class TapeAttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["session", "apprenticeship", "followed", "reason", "recorded_at"]
    list_filter = ["followed"]
    raw_id_fields = ["session", "apprenticeship"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["user"]
