from django.urls import path

from . import views

app_name = "notifications"

# Under /<slug>/; every view goes through the access layer.
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path("notifications/problems/", views.delivery_problems, name="problems"),
    path("reminders/settings/", views.reminder_settings, name="settings"),
]
