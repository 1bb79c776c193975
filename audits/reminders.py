"""Which reviews and actions are due, for whom, on a given day.

`plan(partnership, today)` reads one partnership in a fixed number of queries, however
many audits, actions or people it has, and returns the reminders owed that day. Each
reminder is keyed so that the sent log (notifications) records it once: an offset
reminder by the date it is about, a weekly one by the day of its week (overdue reminders
go out on the partnership's weekly day, with the weekly summary). A day the job
did not run is caught up by the next run, because the reminder owed is the latest stage
whose date has passed, not only one whose date is today.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import Due
from notifications.models import ReminderSettings
from partnership.models import Membership, Role

from .models import Action, Audit

# A missed stage is still sent if its date passed less than this many days ago.
CATCH_UP_DAYS = 7
IN_PROGRESS = (Audit.Status.DRAFT, Audit.Status.SUBMITTED, Audit.Status.CHANGES_REQUESTED)


def stage(due, today, offsets, weekday=0):
    """The reminder owed on `today` for something due on `due`: (stage, key date) or None.

    Before the date: the nearest offset whose day has come ("before:30"). On the day and
    the six days after: "due" (the days after only catch up a missed run). From a week
    late: "overdue", once a week on the partnership's weekly day (`weekday`, Monday 0),
    keyed by that day's date.
    """
    if today >= due:
        late = (today - due).days
        if late < 7:
            return "due", due
        week_day = today - timedelta(days=(today.weekday() - weekday) % 7)
        if week_day < due + timedelta(days=7):
            return None
        return "overdue", week_day
    for offset in sorted(offsets):
        trigger = due - timedelta(days=offset)
        if trigger <= today:
            if (today - trigger).days < CATCH_UP_DAYS:
                return f"before:{offset}", due
            return None
    return None


def _d(value):
    return f"{value:%-d %B %Y}"


def _path(name, slug):
    """A function making the page's path for an id, with one reverse() per run, not per row."""
    template = reverse(name, kwargs={"slug": slug, "pk": 999999999})
    return lambda pk: template.replace("999999999", str(pk))


def _count(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _days(n):
    return "1 day" if n == 1 else f"{n} days"


class People:
    """The partnership's active members with an email address, read in two queries."""

    def __init__(self, partnership):
        members = list(
            Membership.objects.filter(partnership=partnership, active=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("pk", "user_id", "role")
        )
        self.user_of = {pk: user_id for pk, user_id, _ in members}
        self.role_of_user = {user_id: role for _, user_id, role in members}
        self.by_role = defaultdict(set)
        for _, user_id, role in members:
            self.by_role[role].add(user_id)
        self.leads_of = defaultdict(set)
        self.services_of = defaultdict(set)
        lead_ids = {pk for pk, _, role in members if role == Role.SERVICE_LEAD}
        links = Membership.services.through.objects.filter(
            membership__partnership=partnership, membership_id__in=lead_ids
        ).values_list("membership_id", "service_id")
        for membership_id, service_id in links:
            self.leads_of[service_id].add(self.user_of[membership_id])
            self.services_of[self.user_of[membership_id]].add(service_id)

    def may_work_on(self, user_id, service_id):
        role = self.role_of_user.get(user_id)
        if role in (Role.ADMIN, Role.COMMISSIONER):
            return True
        return role == Role.SERVICE_LEAD and service_id in self.services_of[user_id]

    def action_owner(self, owner_membership_id, service_id):
        """The owner's account if they may still receive it; else the service's leads.

        An owner who has been deactivated, has no email address or has left the service
        gets nothing, and the action is not forgotten: its service's leads hear of it.
        """
        user_id = self.user_of.get(owner_membership_id)
        if user_id is not None:
            role = self.role_of_user[user_id]
            if role != Role.SERVICE_LEAD or service_id in self.services_of[user_id]:
                return {user_id}
        return set(self.leads_of[service_id])


def _review_candidates(partnership, today, horizon):
    busy = Audit.objects.filter(project=OuterRef("project"), status__in=IN_PROGRESS)
    return list(
        Audit.objects.filter(partnership=partnership)
        .latest_accepted()
        .filter(
            partnership=partnership,
            project__active=True,
            review_date__isnull=False,
            review_date__lte=today + timedelta(days=horizon),
        )
        .exclude(Exists(busy))
        .values_list(
            "pk",
            "project_id",
            "project__title",
            "project__service_id",
            "project__service__name",
            "review_date",
            "created_by_id",
        )
    )


def _action_candidates(partnership, today, horizon):
    return list(
        Action.objects.live(partnership)
        .open()
        .filter(due_date__lte=today + timedelta(days=horizon))
        .values_list(
            "pk",
            "what",
            "due_date",
            "owner_id",
            "audit__project__service_id",
            "audit__project__title",
        )
    )


def _waiting_candidates(partnership):
    return list(
        Audit.objects.filter(partnership=partnership, status=Audit.Status.SUBMITTED)
        .exclude(submitted_at=None)
        .values_list("pk", "project__title", "submitted_at")
    )


def plan(partnership, today, reminder_settings=None):
    """Every reminder owed on `today` in `partnership`: a fixed number of queries."""
    rs = reminder_settings or ReminderSettings.for_partnership(partnership)
    people = People(partnership)
    slug = partnership.slug
    project_path = _path("partnership:project_detail", slug)
    action_path = _path("audits:action_detail", slug)
    review_path = _path("audits:review", slug)
    dues = []
    review_days, action_days = rs.review_days, rs.action_days

    overdue_reviews, overdue_actions, waiting = [], [], []
    for (
        _audit_id,
        project_id,
        title,
        service_id,
        service_name,
        review_date,
        author,
    ) in _review_candidates(partnership, today, max(review_days)):
        if review_date < today:
            overdue_reviews.append((review_date, title))
        found = stage(review_date, today, review_days, rs.digest_weekday)
        if not found or not rs.review_reminders:
            continue
        name, key = found
        recipients = set(people.leads_of[service_id])
        if author and people.may_work_on(author, service_id):
            recipients.add(author)
        if name.startswith("before"):
            n = (review_date - today).days
            heading = f"Review due in {_days(n)}: {title}"
            body = (
                f"The review date of “{title}” ({service_name}) is {_d(review_date)}. "
                "Plan the next audit of the project before then."
            )
            kind = f"review_before:{name.split(':')[1]}"
        elif name == "due":
            heading = (
                f"Review due today: {title}"
                if review_date == today
                else f"Review was due on {_d(review_date)}: {title}"
            )
            body = (
                f"The review date of “{title}” ({service_name}) is {_d(review_date)}. "
                "Start a new audit of the project from its page."
            )
            kind = "review_due"
        else:
            late = (today - review_date).days
            heading = f"Review overdue by {_days(late)}: {title}"
            body = (
                f"The review of “{title}” ({service_name}) was due on {_d(review_date)}. "
                "Start a new audit of the project from its page; the reminders stop then."
            )
            kind = "review_overdue"
        url = project_path(project_id)
        dues += [
            Due(f"project:{project_id}", kind, key, uid, heading, body, url) for uid in recipients
        ]

    for action_id, what, due_date, owner_id, service_id, title in _action_candidates(
        partnership, today, max(action_days)
    ):
        if due_date < today:
            overdue_actions.append((due_date, what))
        found = stage(due_date, today, action_days, rs.digest_weekday)
        if not found or not rs.action_reminders:
            continue
        name, key = found
        short = what if len(what) <= 60 else what[:57] + "..."
        if name.startswith("before"):
            heading = f"Action due in {_days((due_date - today).days)}: {short}"
            kind = f"action_before:{name.split(':')[1]}"
        elif name == "due":
            heading = (
                f"Action due today: {short}"
                if due_date == today
                else f"Action was due on {_d(due_date)}: {short}"
            )
            kind = "action_due"
        else:
            heading = f"Action overdue by {_days((today - due_date).days)}: {short}"
            kind = "action_overdue"
        body = (
            f"“{what}”, from the action plan of “{title}”, is due on {_d(due_date)}. "
            "Record how it is going, or that it is done, on the action’s page."
        )
        url = action_path(action_id)
        dues += [
            Due(f"action:{action_id}", kind, key, uid, heading, body, url)
            for uid in people.action_owner(owner_id, service_id)
        ]

    zone = timezone.get_current_timezone()
    for audit_id, title, submitted_at in _waiting_candidates(partnership):
        since = timezone.localtime(submitted_at, zone).date()
        threshold = since + timedelta(days=rs.waiting_days)
        if threshold > today:
            continue
        waiting.append((since, title, threshold))
        found = stage(threshold, today, [], rs.digest_weekday)
        if not found or not rs.waiting_reminders:
            continue
        _, key = found
        heading = f"Audit waiting for review for {_days((today - since).days)}: {title}"
        body = (
            f"The audit of “{title}” was submitted on {_d(since)} and is waiting for "
            "check and challenge."
        )
        url = review_path(audit_id)
        dues += [
            Due(f"audit:{audit_id}", "review_waiting", key, uid, heading, body, url)
            for uid in people.by_role[Role.COMMISSIONER]
        ]

    # The summary is of the state on its own day, so a run later in the week sends the
    # one that was owed (if missed) and never a second one.
    digest_day = today - timedelta(days=(today.weekday() - rs.digest_weekday) % 7)
    overdue_reviews = [item for item in overdue_reviews if item[0] < digest_day]
    overdue_actions = [item for item in overdue_actions if item[0] < digest_day]
    waiting = [(since, title) for since, title, when in waiting if when <= digest_day]
    if rs.weekly_digest and (overdue_reviews or overdue_actions or waiting):
        heading = (
            f"Weekly summary: {_count(len(overdue_reviews), 'review')} overdue, "
            f"{_count(len(overdue_actions), 'action')} overdue, "
            f"{_count(len(waiting), 'audit')} waiting for review"
        )
        lines = [f"What is overdue across {partnership.name} on {_d(digest_day)}:"]
        for label, items in (
            ("Reviews overdue", overdue_reviews),
            ("Actions overdue", overdue_actions),
            (f"Waiting for review more than {_days(rs.waiting_days)}", waiting),
        ):
            if items:
                oldest = sorted(items)[:3]
                shown = "; ".join(f"{text[:60]} ({_d(when)})" for when, text in oldest)
                more = f" and {len(items) - 3} more" if len(items) > 3 else ""
                lines.append(f"{label}: {len(items)}, oldest first: {shown}{more}.")
        url = reverse("audits:programme", kwargs={"slug": slug})
        recipients = people.by_role[Role.COMMISSIONER] | people.by_role[Role.ADMIN]
        dues += [
            Due(
                f"partnership:{partnership.pk}",
                "weekly_digest",
                digest_day,
                uid,
                heading,
                " ".join(lines),
                url,
            )
            for uid in recipients
        ]
    return dues


def reminders_send(*, partnership, today):
    """Record the day's reminders in the sent log, then send the ones this run claimed."""
    from notifications import delivery

    dues = plan(partnership, today)
    delivery.record(partnership=partnership, dues=dues, run_date=today)
    rows = delivery.claim_pending(partnership=partnership)
    result = delivery.deliver(partnership=partnership, rows=rows)
    return {"due": len(dues), **result}
