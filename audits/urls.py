from django.urls import path

from . import views, views_delivery, views_evidence, views_family, views_review

app_name = "audits"

# Under /<slug>/; every view goes through the access layer.
urlpatterns = [
    path("projects/<int:project_pk>/audits/new/", views.audit_start, name="audit_start"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/<int:pk>/", views.task_list, name="task_list"),
    path("audits/<int:pk>/view/", views.audit_view, name="audit_view"),
    path("audits/<int:pk>/details/", views.audit_details, name="details"),
    path("audits/<int:pk>/principles/<int:number>/", views.principle_edit, name="principle"),
    path("audits/<int:pk>/summary/", views.audit_summary, name="summary"),
    path("audits/<int:pk>/check/", views.audit_check, name="check"),
    path("audits/<int:pk>/history/", views.audit_history_view, name="history"),
    path("audits/<int:pk>/review/", views_review.audit_review, name="review"),
    path(
        "audits/<int:pk>/evidence/<int:evidence_pk>/",
        views_evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "audits/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views_evidence.evidence_remove,
        name="evidence_remove",
    ),
    path("reviews/", views_review.review_list, name="review_list"),
    # Families check and challenge: the family partner's pages, then the service's.
    path("audits/<int:pk>/family/", views_family.family_rate, name="family_rate"),
    path(
        "audits/<int:pk>/family/principles/<int:number>/",
        views_family.family_principle,
        name="family_principle",
    ),
    path("audits/<int:pk>/family/check/", views_family.family_check, name="family_check"),
    path("audits/<int:pk>/families/", views_family.family_compare, name="family_compare"),
    path("audits/<int:pk>/families/invite/", views_family.family_invite, name="family_invite"),
    path(
        "audits/<int:pk>/families/agree/<int:number>/",
        views_family.family_agree,
        name="family_agree",
    ),
    # The action plan after acceptance, and the audit programme.
    path("actions/", views_delivery.action_list, name="action_list"),
    path("actions/export.xlsx", views_delivery.action_export, name="action_export"),
    path("actions/<int:pk>/", views_delivery.action_detail, name="action_detail"),
    path("programme/", views_delivery.programme_view, name="programme"),
]
