from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Audit, AuditEvent, PrincipleAssessment, ReviewComment


class AssessmentInline(admin.TabularInline):
    model = PrincipleAssessment
    extra = 0
    fields = ["principle", "level", "notes"]
    readonly_fields = fields
    can_delete = False


@admin.register(Audit)
class AuditAdmin(SimpleHistoryAdmin):
    list_display = ["project", "partnership", "status", "audit_date", "outcome", "review_date"]
    list_filter = ["partnership", "status"]
    inlines = [AssessmentInline]


admin.site.register(ReviewComment)
admin.site.register(AuditEvent)
