from django.urls import path

from . import views, views_import, views_security, views_settings

app_name = "partnership"

# Every pattern here sits under /<slug>/ and goes through the access layer.
urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/deactivate/",
        views.organisation_deactivate,
        name="organisation_deactivate",
    ),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/deactivate/", views.service_deactivate, name="service_deactivate"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/deactivate/", views.project_deactivate, name="project_deactivate"),
    path("people/", views.people_list, name="people_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("settings/", views_settings.partnership_settings, name="settings"),
    path(
        "people/<int:pk>/two-factor/reset/",
        views_settings.person_mfa_reset,
        name="person_mfa_reset",
    ),
    path("people/<int:pk>/erase/", views_settings.person_erase, name="person_erase"),
    path("security-log/", views_security.security_log, name="security_log"),
    path(
        "security-log/export.csv",
        views_security.security_log_export,
        name="security_log_export",
    ),
    path(
        "people/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Loading the directory from a spreadsheet.
    path("import/", views_import.directory_import, name="directory_import"),
    path("import/confirm/", views_import.directory_import_confirm, name="directory_import_confirm"),
    path("import/<int:pk>/", views_import.directory_import_detail, name="directory_import_detail"),
    path(
        "import/<int:pk>/status/",
        views_import.directory_import_status,
        name="directory_import_status",
    ),
    path(
        "import/<int:pk>/retry/", views_import.directory_import_retry, name="directory_import_retry"
    ),
    path(
        "import/template.xlsx",
        views_import.directory_template_xlsx,
        name="directory_template_xlsx",
    ),
    path("import/template.csv", views_import.directory_template_csv, name="directory_template_csv"),
]
