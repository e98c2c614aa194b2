from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from apprentissage.models import (
    Apprenticeship,
    Cohort,
    Company,
    CompanyContact,
    CompanyTutor,
    Enrolment,
    Job,
    Notification,
    Option,
    OutboxEmail,
    SchoolYear,
    Signature,
    TransitionLog,
    User,
)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login", "invited_at"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "invited_at", "invited_by"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Roles and permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "invited_at", "invited_by")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "password1", "password2")},
        ),
    )


@admin.register(Option)
class OptionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "full_name", "lead"]
    search_fields = ["name", "full_name", "code"]
    autocomplete_fields = ["lead"]


@admin.register(SchoolYear)
class SchoolYearAdmin(SimpleHistoryAdmin):
    list_display = ["label", "start_date", "end_date"]
    search_fields = ["start_year"]
    actions = ["roll_over"]

    @admin.action(description=_("Enrol the previous year's apprentices (roll-over)"))
    def roll_over(self, request, queryset):
        """Scolarité's roll-over into the selected school years (`enrol_next_year`)."""
        from apprentissage.enrolments import enrol_next_year

        for school_year in queryset.order_by("start_year"):
            result = enrol_next_year(school_year, actor=request.user)
            self.message_user(
                request,
                # Counts as "label: number", so that 0, 1 or many read right without plurals.
                _(
                    "%(year)s — newly enrolled: %(enrolled)d; already enrolled: %(kept)d; "
                    "not continuing: %(stopped)d."
                )
                % {
                    "year": school_year.label,
                    "enrolled": result["enrolled"],
                    "kept": result["kept"],
                    "stopped": result["not_continuing"],
                },
            )


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "entry_year", "graduation_year"]
    search_fields = ["entry_year", "name"]


class CompanyContactInline(admin.TabularInline):
    model = CompanyContact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "siret", "city", "opco"]
    search_fields = ["name", "siret", "city"]
    list_filter = ["opco"]
    inlines = [CompanyContactInline]


@admin.register(CompanyContact)
class CompanyContactAdmin(SimpleHistoryAdmin):
    list_display = ["user", "company", "job_title", "is_signatory", "is_hr_contact"]
    list_filter = ["is_signatory", "is_hr_contact"]
    search_fields = ["user__email", "user__last_name", "company__name"]
    autocomplete_fields = ["user", "company"]


@admin.register(CompanyTutor)
class CompanyTutorAdmin(SimpleHistoryAdmin):
    list_display = ["user", "company", "has_engineering_degree", "years_as_engineer", "is_eligible"]
    list_filter = ["has_engineering_degree"]
    search_fields = ["user__email", "user__last_name", "company__name"]
    autocomplete_fields = ["user", "company"]

    @admin.display(boolean=True, description=_("eligible"))
    def is_eligible(self, obj):
        return obj.is_eligible


@admin.register(Apprenticeship)
class ApprenticeshipAdmin(SimpleHistoryAdmin):
    list_display = ["apprentice", "company", "option", "cohort", "status", "company_tutor", "school_tutor"]
    list_filter = ["status", "option", "cohort"]
    list_select_related = ["apprentice", "company", "option", "cohort", "company_tutor", "school_tutor"]
    search_fields = ["apprentice__email", "apprentice__last_name", "company__name", "company__siret"]
    autocomplete_fields = ["apprentice", "company", "company_tutor", "school_tutor", "option", "cohort"]
    date_hierarchy = "contract_start"


class EnrolmentInline(admin.TabularInline):
    """Scolarité changes a study year or a status here (a repeated year, a direct entry into 2A)."""

    model = Enrolment
    extra = 0
    fields = ["school_year", "study_year", "status"]
    autocomplete_fields = ["school_year"]


ApprenticeshipAdmin.inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["apprenticeship", "school_year", "study_year", "status", "created_at"]
    list_filter = ["school_year", "study_year", "status", "apprenticeship__option"]
    list_select_related = ["apprenticeship__apprentice", "apprenticeship__company", "school_year"]
    ordering = ["-school_year__start_year", "apprenticeship__apprentice__last_name"]
    search_fields = [
        "apprenticeship__apprentice__email",
        "apprenticeship__apprentice__last_name",
        "apprenticeship__company__name",
    ]
    autocomplete_fields = ["apprenticeship", "school_year"]
    readonly_fields = ["created_at"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Send the failed e-mails again"))
    def send_again(self, request, queryset):
        from django.utils import timezone

        queryset.filter(status=OutboxEmail.Status.FAILED).update(
            status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )  # the next sweep sends them


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "created_by", "created_at", "status", "done", "total"]
    list_filter = ["status", "kind"]
    search_fields = ["label", "created_by__email"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at", "emailed_at"]
    search_fields = ["title", "recipient__email"]
    autocomplete_fields = ["recipient"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["signer_name", "method", "signed_at", "verification_code", "voided_at"]
    list_filter = ["method", "purpose"]
    search_fields = ["signer_name", "verification_code", "content_sha256"]
    readonly_fields = [f.name for f in Signature._meta.fields]


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "transition", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "transition"]
    search_fields = ["actor__email", "comment"]
    readonly_fields = [f.name for f in TransitionLog._meta.fields]
