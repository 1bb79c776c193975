"""Recording, claiming and sending reminders, and `notify()` for anything else.

A reminder is written to the sent log (unique on subject, kind, due date and recipient)
before it is sent. Only the run that claims a pending row sends it, so a job run twice,
or two workers running at once, send each reminder once. A failed email stays in the log
as waiting to be tried again, with backoff, and is marked sent only once it is sent.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import get_template
from django.utils import timezone

from .links import preferences_link
from .models import Notification, Preference, SentReminder

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BATCH = 1000
# A run that claimed rows and then died (a worker killed mid-send) leaves them "being
# sent"; after this long the next run takes them over, so none is lost.
STALE_CLAIM = timedelta(minutes=30)


@dataclass(frozen=True)
class Due:
    """One reminder for one person, worked out by the app that knows what is due."""

    subject: str  # what it is about, e.g. "action:12"
    kind: str  # e.g. "review_before:30"
    due_date: date
    recipient_id: int
    title: str
    body: str
    url: str  # a path in the product


def notify(*, partnership, recipient, title, body="", url=""):
    """Show `title` on the person's Notifications page (and in the header's count)."""
    return Notification.objects.create(
        partnership=partnership, recipient=recipient, title=title, body=body, url=url
    )


def record(*, partnership, dues, run_date):
    """Write each due reminder to the sent log; rows already there are left as they are."""
    SentReminder.objects.bulk_create(
        [
            SentReminder(
                partnership=partnership,
                subject=d.subject,
                kind=d.kind,
                due_date=d.due_date,
                recipient_id=d.recipient_id,
                title=d.title[:250],
                body=d.body,
                url=d.url[:300],
                run_date=run_date,
            )
            for d in dues
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def _claim(queryset):
    """Mark rows as ours in one UPDATE; a second worker's UPDATE then finds none."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        queryset.filter(claim="").update(
            claim=token, claimed_at=timezone.now(), status=SentReminder.Status.SENDING
        )
    return list(
        SentReminder.objects.filter(claim=token)
        .select_related("recipient")
        .order_by("recipient_id", "pk")
    )


def claim_pending(*, partnership):
    stale = SentReminder.objects.filter(
        partnership=partnership,
        status=SentReminder.Status.SENDING,
        claimed_at__lt=timezone.now() - STALE_CLAIM,
    )
    stale.update(claim="", status=SentReminder.Status.PENDING)
    return _claim(
        SentReminder.objects.filter(partnership=partnership, status=SentReminder.Status.PENDING)
    )


def deliver(*, partnership, rows):
    """In-app notifications for every claimed row, then the emails people want."""
    if not rows:
        return {"notifications": 0, "sent": 0, "failed": 0}
    Notification.objects.bulk_create(
        [
            Notification(
                partnership=partnership,
                recipient_id=row.recipient_id,
                title=row.title,
                body=row.body,
                url=row.url,
                reminder=row,
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
    return send_emails(partnership=partnership, rows=rows)


def _preferences(user_ids):
    found = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    return {uid: found.get(uid) or Preference(user_id=uid) for uid in user_ids}


def _message(partnership, recipient, rows, templates, links):
    if recipient.pk not in links:
        links[recipient.pk] = preferences_link(recipient)
    context = {
        "partnership": partnership,
        "recipient": recipient,
        "rows": rows,
        "site_url": settings.SITE_URL,
        "preferences_link": links[recipient.pk],
        "digest": len(rows) > 1,
    }
    if len(rows) == 1:
        subject = rows[0].title
    else:
        subject = f"{len(rows)} reminders for today"
    text, html = templates
    message = EmailMultiAlternatives(
        subject=f"[{partnership.name}] {subject}",
        body=text.render(context),
        to=[recipient.email],
    )
    message.attach_alternative(html.render(context), "text/html")
    return message


def send_emails(*, partnership, rows):
    """Send the emails for claimed rows over one connection; record how each went."""
    prefs = _preferences({row.recipient_id for row in rows})
    by_person = defaultdict(list)
    in_app_only = []
    for row in rows:
        if not row.recipient.email or not prefs[row.recipient_id].wants_email(row.kind):
            in_app_only.append(row.pk)
        else:
            by_person[row.recipient_id].append(row)
    batches = []
    for person_rows in by_person.values():
        if prefs[person_rows[0].recipient_id].delivery == Preference.Delivery.DIGEST:
            batches.append(person_rows)
        else:
            batches.extend([row] for row in person_rows)
    sent, failed, errors = [], [], {}
    templates = (
        get_template("notifications/email/reminders.txt"),
        get_template("notifications/email/reminders.html"),
    )
    links = {}
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for batch in batches:
            message = _message(partnership, batch[0].recipient, batch, templates, links)
            try:
                connection.send_messages([message])
            except Exception as error:  # noqa: BLE001 - any refusal is retried, then reported
                log.warning("Reminder email to %s failed: %s", batch[0].recipient.email, error)
                failed.extend(row.pk for row in batch)
                for row in batch:
                    errors[row.pk] = str(error)[:500] or error.__class__.__name__
            else:
                sent.extend(row.pk for row in batch)
    except Exception as error:  # noqa: BLE001 - the server refused the connection itself
        log.warning("Could not connect to send reminder emails: %s", error)
        done = set(sent)
        failed = [row.pk for batch in batches for row in batch if row.pk not in done]
        for pk in failed:
            errors[pk] = str(error)[:500] or error.__class__.__name__
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            pass
    now = timezone.now()
    SentReminder.objects.filter(pk__in=sent).update(
        status=SentReminder.Status.SENT, sent_at=now, attempts=F("attempts") + 1, claim=""
    )
    SentReminder.objects.filter(pk__in=in_app_only).update(
        status=SentReminder.Status.IN_APP, sent_at=now, claim=""
    )
    retry = _fail(failed, errors)
    if retry:
        from .tasks import retry_reminder_emails

        attempt = min(r.attempts for r in SentReminder.objects.filter(pk__in=retry))
        transaction.on_commit(
            lambda: retry_reminder_emails.apply_async(
                args=[partnership.pk, retry], countdown=backoff(attempt)
            )
        )
    return {"notifications": len(rows), "sent": len(sent), "failed": len(failed)}


def backoff(attempt):
    """Seconds before the next try: 1, 2, 4, 8 minutes (well inside the broker's timeout)."""
    return 60 * 2 ** max(attempt - 1, 0)


def _fail(ids, errors):
    """Count a failed try; after MAX_ATTEMPTS the row is failed and shown to admins."""
    retry = []
    for row in SentReminder.objects.filter(pk__in=ids):
        row.attempts += 1
        row.last_error = errors.get(row.pk, "")
        row.claim = ""
        if row.attempts >= MAX_ATTEMPTS:
            row.status = SentReminder.Status.FAILED
        else:
            row.status = SentReminder.Status.RETRYING
            retry.append(row.pk)
        row.save(update_fields=["attempts", "last_error", "claim", "status"])
    return retry


def retry(*, partnership_id, ids):
    """Try again the rows of this partnership that are waiting; others are left alone."""
    from partnership.models import Partnership

    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return {"sent": 0, "failed": 0}
    rows = _claim(
        SentReminder.objects.filter(
            partnership=partnership, pk__in=ids, status=SentReminder.Status.RETRYING
        )
    )
    if not rows:
        return {"sent": 0, "failed": 0}
    return send_emails(partnership=partnership, rows=rows)
