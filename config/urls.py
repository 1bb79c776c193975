from django.contrib import admin
from django.urls import include, path

from config.csp_report import csp_report
from notifications import views as notification_views
from partnership import views as partnership_views
from partnership import views_public
from reporting import views_personal
from sso import views as sso_views

urlpatterns = [
    path("healthz", views_public.healthz, name="healthz"),
    path("readyz", views_public.readyz, name="readyz"),
    path("csp-report", csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
    path(
        "accounts/notifications/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "accounts/email-preferences/<str:token>/",
        notification_views.email_preferences,
        name="email_preferences",
    ),
    path("accounts/council/", sso_views.sign_in_start, name="sso_start"),
    path("accounts/", include("allauth.urls")),
    path("invitations/<str:token>/", views_public.invitation_accept, name="invitation_accept"),
    path("session/keep-alive", views_public.keep_alive, name="keep_alive"),
    path("api/v1/", include("api.urls")),
    path("account/my-data.json", views_personal.personal_data, name="personal_data"),
    path("privacy/", views_public.privacy_notice, name="privacy"),
    path("accessibility/", views_public.accessibility_statement, name="accessibility"),
    path("<slug:slug>/privacy/", views_public.privacy_notice, name="partnership_privacy"),
    path(
        "<slug:slug>/accessibility/",
        views_public.accessibility_statement,
        name="partnership_accessibility",
    ),
    path("", partnership_views.chooser, name="chooser"),
    path("<slug:slug>/", include("reporting.urls")),
    path("<slug:slug>/", include("audits.urls")),
    path("<slug:slug>/", include("voice.urls")),
    path("<slug:slug>/", include("principles.urls")),
    path("<slug:slug>/", include("notifications.urls")),
    path("<slug:slug>/", include("partnership.urls")),
    path("<slug:slug>/", include("api.page_urls")),
    path("<slug:slug>/", include("sso.urls")),
]
