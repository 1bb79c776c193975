from django.urls import path

from . import views

app_name = "principles"

# Every pattern here sits under /<slug>/ and goes through the access layer.
urlpatterns = [
    path("framework/", views.framework_current, name="framework_current"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
