from django.urls import path

from . import views

app_name = "sso"

# Under /<slug>/ and through the access layer.
urlpatterns = [
    path("settings/sign-in/", views.sign_in_settings, name="settings"),
]
