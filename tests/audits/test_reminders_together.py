"""The daily job end to end: the demo's first and second mornings, a real worker on
Redis, and two workers at once on PostgreSQL."""

import threading
import time
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from audits.tasks import reminders_daily, reminders_for_partnership
from notifications.models import SentReminder

DAY = date(2026, 11, 23)


def load_demo(today):
    from audits import demo as audits_demo
    from partnership import demo as partnership_demo

    partnership_demo.load()
    audits_demo.load(today=today)


def test_demo_sends_due_and_overdue_on_the_first_day_and_nothing_on_the_second(db):
    load_demo(DAY)
    reminders_daily(DAY.isoformat())
    first = [m.subject for m in mail.outbox]
    kinds = set(SentReminder.objects.values_list("kind", flat=True))
    assert {"action_due", "action_overdue", "review_overdue", "action_before:14"} <= kinds
    assert any("York SEND Partnership" in s for s in first)
    assert any("Herefordshire SEND Partnership" in s for s in first)
    reminders_daily(date(2026, 11, 24).isoformat())
    assert len(mail.outbox) == len(first)
    # Loading the demo again changes nothing, and the job still sends nothing new.
    load_demo(date(2026, 11, 24))
    reminders_daily(date(2026, 11, 24).isoformat())
    assert len(mail.outbox) == len(first)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (set in CI)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_the_days_reminders():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    load_demo(DAY)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            reminders_daily.delay(DAY.isoformat())
            deadline = time.monotonic() + 60
            expected = None
            while time.monotonic() < deadline:
                rows = SentReminder.objects.count()
                pending = SentReminder.objects.exclude(
                    status__in=[SentReminder.Status.SENT, SentReminder.Status.IN_APP]
                ).count()
                if rows and not pending and len(mail.outbox) == rows:
                    expected = rows
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert expected, "the worker did not send the reminders in time"
    assert {m.to[0] for m in mail.outbox} >= {"lead@york.example", "commissioner@york.example"}
    assert all(m.alternatives for m in mail.outbox)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="two workers at once need a real database server",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once():
    from partnership.models import Partnership

    load_demo(DAY)
    york = Partnership.objects.get(slug="york")
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            reminders_for_partnership(york.pk, DAY.isoformat())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = SentReminder.objects.filter(partnership=york)
    assert rows.count() > 5
    assert len(mail.outbox) == rows.filter(status=SentReminder.Status.SENT).count()
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == len(mail.outbox)
