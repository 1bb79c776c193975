from django.urls import path

from . import views, views_packs, views_pdf

app_name = "reporting"

urlpatterns = [
    path("portfolio/", views.dashboard, name="dashboard"),
    path("portfolio/audits/", views.drill_down, name="drill_down"),
    path("portfolio/heat-map/", views.heat_map, name="heat_map"),
    path("portfolio/unaudited-services/", views.unaudited_services, name="unaudited_services"),
    path("portfolio/export.csv", views.export_csv, name="export_csv"),
    path("portfolio/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("board-packs/", views_packs.pack_list, name="pack_list"),
    path("board-packs/new/", views_packs.pack_create, name="pack_create"),
    path("board-packs/<int:pk>/", views_packs.pack_detail, name="pack_detail"),
    path("board-packs/<int:pk>/status/", views_packs.pack_status, name="pack_status"),
    path("board-packs/<int:pk>/download/", views_packs.pack_download, name="pack_download"),
    path("board-packs/<int:pk>/html/", views_packs.pack_html_view, name="pack_html"),
    path("board-packs/<int:pk>/try-again/", views_packs.pack_retry, name="pack_retry"),
    path("board-packs/meetings/", views_packs.meeting_list, name="meeting_list"),
    path(
        "board-packs/meetings/<int:pk>/remove/",
        views_packs.meeting_remove,
        name="meeting_remove",
    ),
    path("audits/<int:pk>/pdf/", views_pdf.audit_pdf, name="audit_pdf"),
    path("audits/<int:pk>/pdf/status/", views_pdf.audit_pdf_status, name="audit_pdf_status"),
    path("audits/<int:pk>/pdf/download/", views_pdf.audit_pdf_download, name="audit_pdf_download"),
    path("audits/<int:pk>/print/", views_pdf.audit_print, name="audit_print"),
]
