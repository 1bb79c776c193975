from django.contrib import admin

from .models import Notification, Preference, ReminderSettings, SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "due_date", "recipient", "partnership", "status"]
    list_filter = ["partnership", "status"]


admin.site.register(ReminderSettings)
admin.site.register(Preference)
admin.site.register(Notification)
