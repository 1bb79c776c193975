"""Family voice pages under /<partnership>/ (public ones are listed as public in the URL walk)."""

from django.urls import path

from . import yswd_views
from .surveys import views_manage as survey_manage
from .surveys import views_public as survey_public

app_name = "voice"

urlpatterns = [
    # --- Surveys ------------------------------------------------------------------------
    # Public: the survey families answer, reached by the link's token.
    path("survey/<str:token>/", survey_public.survey_start, name="survey_start"),
    path(
        "survey/<str:token>/questions/<int:number>/",
        survey_public.survey_question,
        name="survey_question",
    ),
    path("survey/<str:token>/check/", survey_public.survey_check, name="survey_check"),
    path("survey/<str:token>/thank-you/", survey_public.survey_done, name="survey_done"),
    # Signed in: links, QR codes and posters, results, the statement mapping.
    path("projects/<int:project_pk>/surveys/", survey_manage.survey_links, name="survey_links"),
    path("surveys/<int:pk>/", survey_manage.survey_link, name="survey_link"),
    path("surveys/<int:pk>/poster/", survey_manage.survey_poster, name="survey_poster"),
    path("surveys/<int:pk>/qr.svg", survey_manage.survey_qr, name="survey_qr"),
    path("surveys/results/", survey_manage.survey_results, name="survey_results"),
    path("surveys/results.csv", survey_manage.survey_results_csv, name="survey_results_csv"),
    path("surveys/statements/", survey_manage.survey_mapping, name="survey_mapping"),
    # --- end of Surveys -----------------------------------------------------------------
    # "You said, we did": the public page needs no sign-in; the rest go through the
    # access layer.
    path("you-said-we-did/", yswd_views.public_page, name="yswd_public"),
    path("you-said-we-did/manage/", yswd_views.manage, name="yswd_manage"),
    path("you-said-we-did/settings/", yswd_views.public_settings, name="yswd_settings"),
    path("you-said-we-did/<int:pk>/review/", yswd_views.review, name="yswd_review"),
    path("audits/<int:pk>/you-said-we-did/", yswd_views.write, name="yswd_write"),
]
