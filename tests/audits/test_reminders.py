"""Which reminders are owed on a day, to whom, and that each is sent once."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from audits.models import Action, Audit
from audits.reminders import plan, reminders_send, stage
from audits.tasks import reminders_daily, reminders_for_partnership
from notifications.models import Notification, Preference, ReminderSettings, SentReminder
from partnership.models import Role
from tests.factories import MembershipFactory
from tests.factories.audits import accepted_audit

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 23)


def accepted(area, *, review=None, action_due=None, owner=None):
    audit = accepted_audit(area)
    if review:
        Audit.objects.filter(pk=audit.pk).update(review_date=review)
    action = audit.actions.get()
    if action_due or owner:
        Action.objects.filter(pk=action.pk).update(
            due_date=action_due or action.due_date, owner=owner
        )
    return audit, action


def kinds(dues):
    return sorted({(d.kind, d.subject) for d in dues})


# The schedule and its offsets ---------------------------------------------------------


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 4, 1), None),  # 61 days before
        (date(2026, 4, 2), ("before:60", date(2026, 6, 1))),
        (date(2026, 4, 8), ("before:60", date(2026, 6, 1))),  # a missed run catches up
        (date(2026, 4, 9), None),  # a week after the 60-day mark: not sent late
        (date(2026, 5, 2), ("before:30", date(2026, 6, 1))),
        (date(2026, 5, 25), ("before:7", date(2026, 6, 1))),
        (date(2026, 5, 31), ("before:7", date(2026, 6, 1))),
        (date(2026, 6, 1), ("due", date(2026, 6, 1))),
        (date(2026, 6, 5), ("due", date(2026, 6, 1))),  # catches up a missed day
        (date(2026, 6, 8), ("overdue", date(2026, 6, 8))),  # Monday, a week late
        (date(2026, 6, 12), ("overdue", date(2026, 6, 8))),  # the same week: the same key
        (date(2026, 6, 15), ("overdue", date(2026, 6, 15))),  # next week: a new one
    ],
)
def test_stage_for_a_review_due_on_1_june(today, expected):
    assert stage(date(2026, 6, 1), today, [60, 30, 7], weekday=0) == expected


def test_weekly_overdue_reminders_go_on_the_partnerships_weekly_day():
    due = date(2026, 6, 3)  # a Wednesday
    # The Monday after is only five days late: the "due" reminder covers that week.
    assert stage(due, date(2026, 6, 8), [14], weekday=0) == ("due", due)
    assert stage(due, date(2026, 6, 10), [14], weekday=0) is None
    assert stage(due, date(2026, 6, 15), [14], weekday=0) == ("overdue", date(2026, 6, 15))
    assert stage(due, date(2026, 6, 18), [14], weekday=3) == ("overdue", date(2026, 6, 18))


def test_review_reminders_go_to_the_leads_and_the_author(area):
    audit, _ = accepted(area, review=MONDAY + timedelta(days=30))
    dues = [d for d in plan(area.partnership, MONDAY) if d.subject.startswith("project:")]
    assert {d.kind for d in dues} == {"review_before:30"}
    assert {d.recipient_id for d in dues} == {
        area.members[Role.SERVICE_LEAD].user_id,
        audit.created_by_id,  # the admin who filled it in
    }
    assert dues[0].title == f"Review due in 30 days: {area.project.title}"


def test_no_review_reminders_once_a_new_audit_is_started(area):
    from tests.factories.audits import start_audit

    accepted(area, review=MONDAY - timedelta(days=20))
    assert any(d.kind == "review_overdue" for d in plan(area.partnership, MONDAY))
    start_audit(area)
    assert not any(d.subject.startswith("project:") for d in plan(area.partnership, MONDAY))


def test_action_reminders_go_to_the_owner_or_the_leads(area):
    _, action = accepted(area, action_due=MONDAY + timedelta(days=14))
    lead = area.members[Role.SERVICE_LEAD]
    dues = [d for d in plan(area.partnership, MONDAY) if d.subject == f"action:{action.pk}"]
    assert [(d.kind, d.recipient_id) for d in dues] == [("action_before:14", lead.user_id)]
    owner = area.members[Role.COMMISSIONER]
    Action.objects.filter(pk=action.pk).update(owner=owner)
    dues = [d for d in plan(area.partnership, MONDAY) if d.subject == f"action:{action.pk}"]
    assert [d.recipient_id for d in dues] == [owner.user_id]


def test_done_and_dropped_actions_get_no_reminders(area):
    _, action = accepted(area, action_due=MONDAY)
    for status in (Action.Status.DONE, Action.Status.NOT_GOING_AHEAD):
        Action.objects.filter(pk=action.pk).update(status=status)
        assert not [d for d in plan(area.partnership, MONDAY) if d.subject.startswith("action:")]


def test_people_who_may_not_receive_get_nothing(area):
    lead = area.members[Role.SERVICE_LEAD]
    _, action = accepted(area, review=MONDAY, action_due=MONDAY, owner=lead)
    everyone = {d.recipient_id for d in plan(area.partnership, MONDAY)}
    assert lead.user_id in everyone
    # A lead who has left the service: neither the review nor their own action.
    lead.services.clear()
    assert lead.user_id not in {d.recipient_id for d in plan(area.partnership, MONDAY)}
    lead.services.add(area.service)
    # A deactivated member.
    lead.active = False
    lead.save()
    assert lead.user_id not in {d.recipient_id for d in plan(area.partnership, MONDAY)}
    lead.active = True
    lead.save()
    # A member without an email address.
    lead.user.email = ""
    lead.user.save(update_fields=["email"])
    assert lead.user_id not in {d.recipient_id for d in plan(area.partnership, MONDAY)}


def test_commissioners_hear_of_audits_waiting_too_long(area):
    from tests.factories.audits import submitted_audit

    audit = submitted_audit(area)
    Audit.objects.filter(pk=audit.pk).update(submitted_at=datetime(2026, 11, 2, 15, tzinfo=LONDON))
    dues = [d for d in plan(area.partnership, MONDAY) if d.kind == "review_waiting"]
    assert {d.recipient_id for d in dues} == {area.members[Role.COMMISSIONER].user_id}
    ReminderSettings.objects.create(partnership=area.partnership, waiting_days=30)
    assert not [d for d in plan(area.partnership, MONDAY) if d.kind == "review_waiting"]


def test_weekly_digest_on_the_set_day_to_commissioners_and_admins(area):
    accepted(area, review=MONDAY - timedelta(days=40))
    ReminderSettings.objects.create(partnership=area.partnership, digest_weekday=2)
    dues = [d for d in plan(area.partnership, date(2026, 11, 25)) if d.kind == "weekly_digest"]
    assert {d.recipient_id for d in dues} == {
        area.members[Role.COMMISSIONER].user_id,
        area.members[Role.ADMIN].user_id,
    }
    assert {d.due_date for d in dues} == {date(2026, 11, 25)}
    assert "1 review overdue" in dues[0].title


def test_partnership_settings_turn_kinds_off_and_change_offsets(area):
    accepted(area, review=MONDAY + timedelta(days=45), action_due=MONDAY + timedelta(days=3))
    assert not [d for d in plan(area.partnership, MONDAY) if d.subject.startswith("project:")]
    settings = ReminderSettings.objects.create(
        partnership=area.partnership, review_offsets="45", action_reminders=False
    )
    dues = plan(area.partnership, MONDAY)
    assert {d.kind for d in dues if d.subject.startswith("project:")} == {"review_before:45"}
    assert not [d for d in dues if d.subject.startswith("action:")]
    settings.review_reminders = False
    settings.save()
    assert not [d for d in plan(area.partnership, MONDAY) if d.subject.startswith("project:")]


# Sending once --------------------------------------------------------------------------


def test_run_twice_sends_each_reminder_once(area):
    accepted(area, review=MONDAY, action_due=MONDAY + timedelta(days=14))
    first = reminders_send(partnership=area.partnership, today=MONDAY)
    assert first["sent"] == len(mail.outbox) == 3  # review to lead and author, action to lead
    assert reminders_send(partnership=area.partnership, today=MONDAY)["sent"] == 0
    # A task delivered twice by the broker is the same as a second run.
    reminders_for_partnership(area.partnership.pk, MONDAY.isoformat())
    # Later in the week the same stages are owed again, and already recorded.
    reminders_send(partnership=area.partnership, today=MONDAY + timedelta(days=2))
    assert len(mail.outbox) == 3
    assert SentReminder.objects.filter(status=SentReminder.Status.SENT).count() == 3
    assert Notification.objects.count() == 3


def test_a_missed_day_is_caught_up_without_sending_twice(area):
    accepted(area, review=date(2026, 11, 24))
    # The job did not run on Tuesday the 24th (the review date); Wednesday's run catches up.
    reminders_send(partnership=area.partnership, today=date(2026, 11, 25))
    titles = [m.subject for m in mail.outbox]
    assert len(titles) == 2 and all("Review was due on 24 November 2026" in t for t in titles)
    reminders_send(partnership=area.partnership, today=date(2026, 11, 26))
    assert len(mail.outbox) == 2


def test_emails_have_text_and_html_name_the_partnership_and_link(area, settings):
    settings.SITE_URL = "https://audit.example.org"
    _, action = accepted(area, action_due=MONDAY)
    reminders_send(partnership=area.partnership, today=MONDAY)
    message = mail.outbox[0]
    assert message.subject.startswith(f"[{area.partnership.name}] Action due today")
    html = message.alternatives[0][0]
    link = f"https://audit.example.org/{area.partnership.slug}/actions/{action.pk}/"
    assert link in message.body and link in html
    assert area.partnership.name in message.body and area.partnership.name in html
    assert "/accounts/email-preferences/" in message.body


def test_a_daily_digest_person_gets_one_email(area):
    lead = area.members[Role.SERVICE_LEAD]
    Preference.objects.create(user=lead.user, delivery=Preference.Delivery.DIGEST)
    accepted(area, review=MONDAY, action_due=MONDAY)
    reminders_send(partnership=area.partnership, today=MONDAY)
    to_lead = [m for m in mail.outbox if m.to == [lead.user.email]]
    assert len(to_lead) == 1
    assert to_lead[0].subject.endswith("2 reminders for today")
    assert "Review due today" in to_lead[0].body and "Action due today" in to_lead[0].body


def test_optional_emails_can_be_turned_off_but_essential_ones_cannot(area):
    lead = area.members[Role.SERVICE_LEAD]
    Preference.objects.create(user=lead.user, action_advance=False, review_advance=False)
    accepted(area, review=MONDAY + timedelta(days=7), action_due=MONDAY)
    reminders_send(partnership=area.partnership, today=MONDAY)
    to_lead = [m.subject for m in mail.outbox if m.to == [lead.user.email]]
    assert len(to_lead) == 1 and "Action due today" in to_lead[0]
    # The turned-off one is still on their Notifications page.
    assert Notification.objects.filter(recipient=lead.user).count() == 2
    assert SentReminder.objects.filter(
        recipient=lead.user, status=SentReminder.Status.IN_APP
    ).exists()


class RefusingBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x": (550, b"Mailbox unavailable")})


def test_refused_emails_are_retried_then_shown_as_delivery_problems(
    area, client, settings, django_capture_on_commit_callbacks
):
    from notifications import delivery

    accepted(area, action_due=MONDAY)
    settings.EMAIL_BACKEND = "tests.audits.test_reminders.RefusingBackend"
    with (
        mock.patch("notifications.tasks.retry_reminder_emails.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = reminders_send(partnership=area.partnership, today=MONDAY)
    assert result["failed"] == 1
    # The retry is queued with a backoff, after the failure is recorded.
    assert queued.call_args.kwargs["countdown"] == 60
    row = SentReminder.objects.get()
    assert row.status == SentReminder.Status.RETRYING and row.attempts == 1
    assert "Mailbox unavailable" in row.last_error
    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        delivery.retry(partnership_id=area.partnership.pk, ids=[row.pk])
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == SentReminder.Status.FAILED
    assert row.sent_at is None
    # Backoff grows: 1, 2, 4 minutes.
    assert [delivery.backoff(n) for n in (1, 2, 3)] == [60, 120, 240]
    # The admins see it; once the server accepts, a retry is not attempted for failed rows.
    client.force_login(area.members[Role.ADMIN].user)
    page = client.get(f"/{area.partnership.slug}/notifications/problems/")
    assert area.members[Role.SERVICE_LEAD].user.email in page.content.decode()
    assert "Mailbox unavailable" in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery.retry(partnership_id=area.partnership.pk, ids=[row.pk])
    assert len(mail.outbox) == 0


def test_a_retry_sends_once_the_server_accepts(area, settings):
    from notifications import delivery

    accepted(area, action_due=MONDAY)
    settings.EMAIL_BACKEND = "tests.audits.test_reminders.RefusingBackend"
    with mock.patch("notifications.tasks.retry_reminder_emails.apply_async"):
        reminders_send(partnership=area.partnership, today=MONDAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = SentReminder.objects.get()
    assert delivery.retry(partnership_id=area.partnership.pk, ids=[row.pk])["sent"] == 1
    row.refresh_from_db()
    assert row.status == SentReminder.Status.SENT and len(mail.outbox) == 1
    # Delivered twice, the retry task sends nothing more.
    delivery.retry(partnership_id=area.partnership.pk, ids=[row.pk])
    assert len(mail.outbox) == 1


# Tenancy of the tasks ----------------------------------------------------------------


def test_a_task_given_another_partnerships_id_does_nothing(area, other_area, settings):
    from notifications import delivery

    accepted(area, action_due=MONDAY)
    settings.EMAIL_BACKEND = "tests.audits.test_reminders.RefusingBackend"
    with mock.patch("notifications.tasks.retry_reminder_emails.apply_async"):
        reminders_send(partnership=area.partnership, today=MONDAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = SentReminder.objects.get()
    assert delivery.retry(partnership_id=other_area.partnership.pk, ids=[row.pk])["sent"] == 0
    row.refresh_from_db()
    assert row.status == SentReminder.Status.RETRYING and not mail.outbox
    # The other partnership's daily task reads only its own data.
    reminders_for_partnership(other_area.partnership.pk, MONDAY.isoformat())
    assert not mail.outbox
    assert reminders_for_partnership(987654, MONDAY.isoformat()) is None


def test_each_partnership_gets_its_own_reminders(area, other_area):
    accepted(area, action_due=MONDAY)
    accepted(other_area, action_due=MONDAY)
    reminders_daily(MONDAY.isoformat())
    by_partnership = {
        (r.partnership_id, r.recipient.memberships.get().partnership_id)
        for r in SentReminder.objects.select_related("recipient")
    }
    assert by_partnership == {
        (area.partnership.pk, area.partnership.pk),
        (other_area.partnership.pk, other_area.partnership.pk),
    }
    assert {m.subject.split("]")[0] for m in mail.outbox} == {
        f"[{area.partnership.name}",
        f"[{other_area.partnership.name}",
    }


# Summer time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "utc, london_day",
    [
        # 29 March 2026: the clocks go forward at 01:00 GMT. 07:00 BST is 06:00 UTC.
        (datetime(2026, 3, 29, 6, 0, tzinfo=ZoneInfo("UTC")), date(2026, 3, 29)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("UTC")), date(2026, 3, 28)),
        # 25 October 2026: the clocks go back at 01:00 GMT. 07:00 GMT is 07:00 UTC.
        (datetime(2026, 10, 25, 7, 0, tzinfo=ZoneInfo("UTC")), date(2026, 10, 25)),
        (datetime(2026, 10, 24, 23, 30, tzinfo=ZoneInfo("UTC")), date(2026, 10, 25)),
    ],
)
def test_the_daily_job_works_out_the_day_in_london(area, utc, london_day):
    accepted(area, action_due=london_day)
    with mock.patch("django.utils.timezone.now", return_value=utc):
        reminders_daily()
    assert {r.due_date for r in SentReminder.objects.all()} == {london_day}
    assert [m.subject.split("] ")[1][:16] for m in mail.outbox] == ["Action due today"]


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_beat_runs_the_job_once_on_clock_change_days(day):
    """Beat's schedule, in Europe/London, fires once on the 23- and 25-hour days."""
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["daily-reminders"]
    schedule = entry["schedule"]
    schedule.app = app
    assert entry["task"] == "audits.tasks.reminders_daily"
    assert app.conf.timezone == "Europe/London"
    previous = datetime.combine(day - timedelta(days=1), datetime.min.time(), LONDON).replace(
        hour=7
    )
    fired = []
    last = previous
    moment = previous
    while moment < previous + timedelta(days=2):
        moment += timedelta(minutes=15)
        with mock.patch.object(schedule, "now", return_value=moment.astimezone(LONDON)):
            due, _ = schedule.is_due(last)
        if due:
            fired.append(moment.astimezone(LONDON))
            last = moment
    assert [(f.date(), f.hour) for f in fired] == [(day, 7), (day + timedelta(days=1), 7)]


def test_a_job_run_late_after_the_clock_change_sends_nothing_twice(area):
    accepted(area, action_due=date(2026, 3, 29))
    for utc_hour in (6, 9):  # 07:00 and 10:00 BST on 29 March
        moment = datetime(2026, 3, 29, utc_hour, tzinfo=ZoneInfo("UTC"))
        with mock.patch("django.utils.timezone.now", return_value=moment):
            reminders_daily()
    assert len(mail.outbox) == 1


# A bounded amount of work ---------------------------------------------------------------


def test_queries_per_partnership_do_not_grow_with_audits_or_people(
    area, django_assert_max_num_queries
):
    from tests.factories import ProjectFactory
    from tests.factories.audits import accepted_audit as make_accepted

    def fixed():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        SentReminder.objects.all().delete()
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            reminders_send(partnership=area.partnership, today=MONDAY)
        statements = [q["sql"] for q in queries.captured_queries]
        inserts = [sql for sql in statements if sql.startswith("INSERT")]
        # Inserts are batched (SQLite's batches are small; PostgreSQL's hold 1,000 rows).
        assert len(inserts) <= 2 * -(-SentReminder.objects.count() // 50)
        return len(statements) - len(inserts)

    accepted(area, review=MONDAY, action_due=MONDAY)
    small = fixed()
    for _ in range(4):
        project = ProjectFactory(service=area.service)
        audit = make_accepted(area.__class__(**{**area.__dict__, "project": project}))
        Audit.objects.filter(pk=audit.pk).update(review_date=MONDAY)
        audit.actions.update(due_date=MONDAY)
    for _ in range(5):
        MembershipFactory(partnership=area.partnership, role=Role.SERVICE_LEAD).services.add(
            area.service
        )
    assert fixed() == small


def test_an_owner_who_cannot_receive_is_replaced_by_the_services_leads(area):
    owner = area.members[Role.COMMISSIONER]
    _, action = accepted(area, action_due=MONDAY, owner=owner)
    owner.active = False
    owner.save()
    dues = [d for d in plan(area.partnership, MONDAY) if d.subject == f"action:{action.pk}"]
    assert [d.recipient_id for d in dues] == [area.members[Role.SERVICE_LEAD].user_id]


def test_reminders_left_half_sent_by_a_dead_worker_are_sent_by_a_later_run(area):
    from django.utils import timezone

    accepted(area, action_due=MONDAY)
    from notifications import delivery

    delivery.record(
        partnership=area.partnership, dues=plan(area.partnership, MONDAY), run_date=MONDAY
    )
    claimed = delivery.claim_pending(partnership=area.partnership)
    assert len(claimed) == 1
    # The worker died before sending. A run at once leaves the row to its owner...
    reminders_send(partnership=area.partnership, today=MONDAY)
    assert not mail.outbox
    # ...and one after the claim has gone stale sends it, once.
    SentReminder.objects.update(claimed_at=timezone.now() - timedelta(hours=1))
    reminders_send(partnership=area.partnership, today=MONDAY)
    reminders_send(partnership=area.partnership, today=MONDAY)
    assert len(mail.outbox) == 1
