"""What the product keeps, and for how long (UK GDPR's storage limitation).

Each partnership sets its own periods (on its settings page; the defaults are on the
Partnership model). One function works out and, unless it is a dry run, does everything
that is due on a day, partnership by partnership: members who have not signed in for a
long time lose their access, and later their name; expired invitations and old
security-log entries are removed; and the steps that higher apps register (evidence files
of old audits, in audits/retention.py) run with the same partnership and clock. It
returns what it did (or would do) so the scheduled job can log it and
`manage.py retention --dry-run` can show it.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Invitation, Membership, Partnership, SecurityEvent, User

log = logging.getLogger(__name__)

FORMER_MEMBER = "A former member"
# Security events that belong to no partnership (failed sign-ins with an unknown email,
# the platform's own) are kept as long as a new partnership would keep its own.
DEFAULT_SECURITY_LOG_MONTHS = Partnership._meta.get_field("security_log_months").default

# Steps of higher apps: callables `step(*, partnership, now, dry_run) -> list[str]`, each
# line saying what it did (or would do) in that partnership. Registered from the app's
# AppConfig.ready(), so this module never imports a higher app.
STEPS = []


def retention_step(step):
    if step not in STEPS:
        STEPS.append(step)
    return step


@dataclass
class RetentionReport:
    deactivated: list = field(default_factory=list)  # memberships whose access ended
    anonymised: list = field(default_factory=list)  # user ids whose name and email went
    invitations_removed: int = 0
    security_events_removed: int = 0
    platform_events_removed: int = 0
    # What was done in each partnership, in words, for the log and the command.
    by_partnership: dict = field(default_factory=dict)

    def lines(self):
        lines = []
        for name, said in self.by_partnership.items():
            lines += [f"{name}: {line}" for line in said]
        lines += [
            f"Accounts anonymised: {len(self.anonymised)}",
            f"Security log entries of no partnership older than "
            f"{DEFAULT_SECURITY_LOG_MONTHS} months removed: {self.platform_events_removed}",
        ]
        return lines


def _unused_since(cutoff):
    """People who last signed in before `cutoff` (or never, and joined before it)."""
    return Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)


def _last_seen(user):
    return user.last_login or user.date_joined


def anonymise_after(partnership, now):
    """Who has not signed in since this moment may be anonymised, as far as this
    partnership is concerned."""
    return now - relativedelta(months=partnership.idle_months + partnership.anonymise_months)


def user_anonymise(*, user):
    """Remove a person's name and email; their audits and history stay, by "a former member"."""
    user.email = f"former-member-{user.pk}@removed.invalid"
    user.full_name = FORMER_MEMBER
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.memberships.update(active=False)
    Invitation.objects.filter(accepted_by=user).update(email=user.email, full_name="")


def _partnership_run(partnership, now, dry_run, report):
    said = []
    idle_cutoff = now - relativedelta(months=partnership.idle_months)
    idle = list(
        Membership.objects.filter(partnership=partnership, active=True, user__is_staff=False)
        .filter(user__in=User.objects.filter(_unused_since(idle_cutoff)))
        .select_related("user")
    )
    report.deactivated += [m.pk for m in idle]
    said.append(f"memberships ended after {partnership.idle_months} months unused: {len(idle)}")

    invitations = Invitation.objects.filter(
        partnership=partnership,
        accepted_at__isnull=True,
        expires_at__lt=now - timedelta(days=partnership.invitation_days),
    )
    events = SecurityEvent.objects.filter(
        partnership=partnership,
        at__lt=now - relativedelta(months=partnership.security_log_months),
    )
    invitations_count, events_count = invitations.count(), events.count()
    report.invitations_removed += invitations_count
    report.security_events_removed += events_count
    said.append(
        f"expired invitations removed {partnership.invitation_days} days after expiry: "
        f"{invitations_count}"
    )
    said.append(
        f"security log entries older than {partnership.security_log_months} months "
        f"removed: {events_count}"
    )
    if not dry_run:
        from .security import security_event_record

        for membership in idle:
            membership.active = False
            membership.save(update_fields=["active"])
            security_event_record(
                kind=SecurityEvent.Kind.MEMBER_DEACTIVATED,
                partnership=partnership,
                user=membership.user,
                detail={
                    "member": membership.user.email,
                    "reason": f"not used for {partnership.idle_months} months",
                },
            )
        invitations.delete()
        events.delete()
    for step in STEPS:
        said += step(partnership=partnership, now=now, dry_run=dry_run)
    report.by_partnership[partnership.name] = said


def _anonymisable(partnerships, now):
    """People unused for longer than every partnership they belong to keeps them
    (the longest wins, so no partnership loses a name it still keeps)."""
    cutoffs = {p.pk: anonymise_after(p, now) for p in partnerships}
    earliest_possible = max(cutoffs.values(), default=now)
    candidates = (
        User.objects.filter(_unused_since(earliest_possible), is_staff=False)
        .exclude(full_name=FORMER_MEMBER)
        .prefetch_related("memberships")
    )
    default = Partnership()  # a person of no partnership: the default periods
    chosen = []
    for user in candidates:
        limits = [cutoffs[m.partnership_id] for m in user.memberships.all()] or [
            anonymise_after(default, now)
        ]
        if _last_seen(user) < min(limits):
            chosen.append(user.pk)
    return chosen


@transaction.atomic
def retention_run(*, now=None, dry_run=False) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()
    partnerships = list(Partnership.objects.order_by("name"))
    # Worked out before anyone's access ends in this run, from when they last signed in.
    report.anonymised = _anonymisable(partnerships, now)
    for partnership in partnerships:
        _partnership_run(partnership, now, dry_run, report)

    platform_events = SecurityEvent.objects.filter(
        partnership__isnull=True, at__lt=now - relativedelta(months=DEFAULT_SECURITY_LOG_MONTHS)
    )
    report.platform_events_removed = platform_events.count()
    report.security_events_removed += report.platform_events_removed
    if dry_run:
        return report
    for user in User.objects.filter(pk__in=report.anonymised):
        user_anonymise(user=user)
    platform_events.delete()
    for line in report.lines():
        log.info("retention: %s", line)
    return report
