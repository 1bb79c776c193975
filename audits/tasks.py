"""The daily reminder job: one task fans out to one task per partnership."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from partnership.models import Partnership


@shared_task
def reminders_daily(day: str = ""):
    """Beat runs this once a day in the partnership's time (Europe/London)."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    ids = list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    for partnership_id in ids:
        reminders_for_partnership.delay(partnership_id, today.isoformat())
    return len(ids)


@shared_task
def reminders_for_partnership(partnership_id: int, day: str):
    """Work out and send one partnership's reminders for `day`; safe to run again."""
    from .reminders import reminders_send

    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return None
    return reminders_send(partnership=partnership, today=date.fromisoformat(day))
