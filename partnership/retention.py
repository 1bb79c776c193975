"""What the product keeps, and for how long (UK GDPR's storage limitation).

One function works out and, unless it is a dry run, does everything that is due on a
day: accounts not used for a long time lose their access and later their name; expired
invitations and old security-log entries are removed. It returns what it did (or would
do) so the scheduled job can log it and `manage.py retention --dry-run` can show it.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Invitation, Membership, SecurityEvent, User

log = logging.getLogger(__name__)

FORMER_MEMBER = "A former member"


@dataclass
class RetentionReport:
    deactivated: list = field(default_factory=list)  # memberships whose access ended
    anonymised: list = field(default_factory=list)  # user ids whose name and email went
    invitations_removed: int = 0
    security_events_removed: int = 0

    def lines(self):
        return [
            f"Memberships ended after {settings.RETENTION_IDLE_DAYS} days unused: "
            f"{len(self.deactivated)}",
            f"Accounts anonymised {settings.RETENTION_ANONYMISE_DAYS} days after that: "
            f"{len(self.anonymised)}",
            f"Expired invitations removed: {self.invitations_removed}",
            f"Security log entries older than {settings.SECURITY_LOG_DAYS} days removed: "
            f"{self.security_events_removed}",
        ]


def _unused_since(cutoff):
    """People who last signed in before `cutoff` (or never, and joined before it)."""
    return Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)


def user_anonymise(*, user):
    """Remove a person's name and email; their audits and history stay, by "a former member"."""
    user.email = f"former-member-{user.pk}@removed.invalid"
    user.full_name = FORMER_MEMBER
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.memberships.update(active=False)
    Invitation.objects.filter(accepted_by=user).update(email=user.email, full_name="")


@transaction.atomic
def retention_run(*, now=None, dry_run=False) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()

    idle_cutoff = now - timedelta(days=settings.RETENTION_IDLE_DAYS)
    idle = Membership.objects.filter(active=True, user__is_staff=False).filter(
        user__in=User.objects.filter(_unused_since(idle_cutoff))
    )
    report.deactivated = list(idle.values_list("pk", flat=True))

    anonymise_cutoff = idle_cutoff - timedelta(days=settings.RETENTION_ANONYMISE_DAYS)
    # Unused this long means every membership is already ended, or ends in this run.
    report.anonymised = list(
        User.objects.filter(_unused_since(anonymise_cutoff), is_staff=False)
        .exclude(full_name=FORMER_MEMBER)
        .values_list("pk", flat=True)
    )

    invitations = Invitation.objects.filter(
        accepted_at__isnull=True,
        expires_at__lt=now - timedelta(days=settings.RETENTION_INVITATION_DAYS),
    )
    events = SecurityEvent.objects.filter(at__lt=now - timedelta(days=settings.SECURITY_LOG_DAYS))
    report.invitations_removed = invitations.count()
    report.security_events_removed = events.count()
    if dry_run:
        return report

    from .security import security_event_record

    for membership in Membership.objects.filter(pk__in=report.deactivated).select_related(
        "user", "partnership"
    ):
        membership.active = False
        membership.save(update_fields=["active"])
        security_event_record(
            kind=SecurityEvent.Kind.MEMBER_DEACTIVATED,
            partnership=membership.partnership,
            user=membership.user,
            detail={
                "member": membership.user.email,
                "reason": f"not used for {settings.RETENTION_IDLE_DAYS} days",
            },
        )
    for user in User.objects.filter(pk__in=report.anonymised):
        user_anonymise(user=user)
    invitations.delete()
    events.delete()
    for line in report.lines():
        log.info("retention: %s", line)
    return report
