from django.contrib import admin

from .models import GapSnapshot, Grade, Qualification, Section, SkillRole, SkillTarget, StaffMember


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "department", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_en"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "name", "section", "grade", "user", "active"]
    list_filter = ["active", "section", "grade"]
    search_fields = ["employee_number", "name"]
    raw_id_fields = ["user"]


@admin.register(SkillTarget)
class SkillTargetAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "section", "grade", "role", "level", "headcount"]
    list_filter = ["fiscal_year", "role"]


admin.site.register([SkillRole, Grade, Qualification, GapSnapshot])
