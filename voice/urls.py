"""Family voice pages under /<partnership>/ (public ones are listed as public in the URL walk)."""

from django.urls import path

from . import yswd_views

app_name = "voice"

urlpatterns = [
    # "You said, we did": the public page needs no sign-in; the rest go through the
    # access layer.
    path("you-said-we-did/", yswd_views.public_page, name="yswd_public"),
    path("you-said-we-did/manage/", yswd_views.manage, name="yswd_manage"),
    path("you-said-we-did/settings/", yswd_views.public_settings, name="yswd_settings"),
    path("you-said-we-did/<int:pk>/review/", yswd_views.review, name="yswd_review"),
    path("audits/<int:pk>/you-said-we-did/", yswd_views.write, name="yswd_write"),
]
