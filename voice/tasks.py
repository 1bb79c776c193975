from celery import shared_task


# --- Surveys --------------------------------------------------------------------------
@shared_task
def survey_text_retention_daily():
    """Survey free text past its keeping time, removed once a day (voice/surveys/services.py)."""
    from .surveys.services import survey_text_retention_run

    return survey_text_retention_run().texts_removed
