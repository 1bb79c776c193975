from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("portfolio/", views.dashboard, name="dashboard"),
    path("portfolio/audits/", views.drill_down, name="drill_down"),
    path("portfolio/export.csv", views.export_csv, name="export_csv"),
    path("portfolio/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
