"""System administration (系统管理) for organizations and the cadre registry.

Day-to-day registry work happens on the registry screens; the admin is the administrator's fallback.
Every registry change made here is recorded by django-simple-history like those made on the screens.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnnualAssessment,
    Cadre,
    Department,
    EducationRecord,
    FamilyMember,
    HolidaySchedule,
    Kinship,
    Organization,
    Post,
    PostHolding,
    Quota,
    ResumeEntry,
    Sanction,
)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "order"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organization", "rank", "seats", "is_leadership", "order"]
    list_filter = ["organization", "rank"]
    search_fields = ["title", "department__name"]
    list_select_related = ["organization", "department"]


@admin.register(Quota)
class QuotaAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "rank", "approved"]
    list_filter = ["organization"]


class EducationInline(admin.TabularInline):
    model = EducationRecord
    extra = 0


class ResumeInline(admin.TabularInline):
    model = ResumeEntry
    extra = 0


class ReadOnlyHoldings:
    """Holdings change only through selection.services.registry (R-REG-1..3): the admin shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HoldingInline(ReadOnlyHoldings, admin.TabularInline):
    model = PostHolding
    extra = 0


class AssessmentInline(admin.TabularInline):
    model = AnnualAssessment
    extra = 0


class FamilyInline(admin.TabularInline):
    model = FamilyMember
    extra = 0


class SanctionInline(admin.TabularInline):
    model = Sanction
    extra = 0


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sex", "birth_date", "organization", "department", "is_active"]
    list_filter = ["organization", "department", "sex", "is_active"]
    search_fields = ["name", "id_number"]
    list_select_related = ["organization", "department"]
    # At province scale: no second count of the whole table, no birth-date hierarchy (its year links
    # aggregate every row on each view); the register's own list (/cadres/) is the place to search.
    show_full_result_count = False
    inlines = [EducationInline, ResumeInline, HoldingInline, AssessmentInline, FamilyInline, SanctionInline]
    history_list_display = ["name", "department"]


@admin.register(PostHolding)
class PostHoldingAdmin(ReadOnlyHoldings, SimpleHistoryAdmin):
    list_display = ["cadre", "post", "started_on", "ended_on", "how", "is_concurrent", "probation_result"]
    list_filter = ["post__organization", "post__rank", "how"]
    search_fields = ["cadre__name", "post__title"]
    list_select_related = ["cadre", "post__department"]
    autocomplete_fields = ["cadre", "post"]


@admin.register(Kinship)
class KinshipAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "other", "category", "adoptive_or_step", "description"]
    list_filter = ["category"]
    search_fields = ["cadre__name", "other__name"]
    list_select_related = ["cadre", "other"]
    autocomplete_fields = ["cadre", "other"]


@admin.register(Sanction)
class SanctionAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "kind", "effective_on", "document"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "document"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "year", "result"]
    list_filter = ["year", "result"]
    search_fields = ["cadre__name"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(SimpleHistoryAdmin):
    """Read-only here: schedules are entered on the 节假日安排 page, which parses and checks the notice text."""

    list_display = ["year", "source", "updated_by", "updated_at"]
    readonly_fields = [
        "year",
        "source",
        "notice_text",
        "holidays",
        "makeup_workdays",
        "updated_by",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
