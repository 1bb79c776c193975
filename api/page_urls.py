from django.urls import path

from . import pages

app_name = "api_keys"

# Under /<slug>/, through the access layer.
urlpatterns = [
    path("api-keys/", pages.key_list, name="list"),
    path("api-keys/new/", pages.key_create, name="create"),
    path("api-keys/<str:pk>/revoke/", pages.key_revoke, name="revoke"),
]
