from celery import shared_task

from . import delivery


@shared_task
def retry_reminder_emails(partnership_id: int, reminder_ids: list):
    """Send again the reminder emails that failed; only rows of this partnership."""
    return delivery.retry(partnership_id=partnership_id, ids=reminder_ids)
