"""The retention job on a frozen clock: what it removes, when, and that a dry run
changes nothing."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from audits.models import Audit
from partnership.models import Invitation, Membership, Role, SecurityEvent, User
from partnership.retention import FORMER_MEMBER, retention_run
from tests.factories.audits import accepted_audit

NOW = timezone.now()


def last_seen(membership, days_ago):
    User.objects.filter(pk=membership.user_id).update(
        last_login=NOW - timedelta(days=days_ago), date_joined=NOW - timedelta(days=900)
    )


def test_unused_accounts_lose_access_then_their_name(area):
    active, idle, gone = (
        area.members[Role.COMMISSIONER],
        area.members[Role.BOARD_MEMBER],
        area.members[Role.SERVICE_LEAD],
    )
    audit = accepted_audit(area)
    Audit.objects.filter(pk=audit.pk).update(created_by=gone.user)
    last_seen(active, 30)
    last_seen(idle, 600)  # over 18 months
    last_seen(gone, 800)  # over 18 + 6 months
    report = retention_run(now=NOW, dry_run=True)
    assert set(report.deactivated) >= {idle.pk, gone.pk}
    assert active.pk not in report.deactivated
    assert gone.user_id in report.anonymised and idle.user_id not in report.anonymised
    assert Membership.objects.get(pk=idle.pk).active  # the dry run changed nothing

    retention_run(now=NOW)
    assert Membership.objects.get(pk=active.pk).active
    assert not Membership.objects.get(pk=idle.pk).active
    gone_user = User.objects.get(pk=gone.user_id)
    assert gone_user.full_name == FORMER_MEMBER
    assert gone_user.email.endswith("@removed.invalid") and not gone_user.has_usable_password()
    # The audit they worked on is still there, by "a former member".
    assert str(Audit.objects.get(pk=audit.pk).created_by) == FORMER_MEMBER
    ended = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MEMBER_DEACTIVATED)
    assert {e.partnership for e in ended} == {area.partnership}
    # Run again the same day: nothing more to do.
    again = retention_run(now=NOW)
    assert again.deactivated == [] and again.anonymised == []


def test_expired_invitations_and_old_log_entries_are_removed(area):
    Invitation.objects.filter(pk=area.invitation.pk).update(expires_at=NOW - timedelta(days=31))
    recent = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNED_IN, at=NOW)
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNED_IN, at=NOW - timedelta(days=731))
    report = retention_run(now=NOW)
    assert report.invitations_removed == 1 and report.security_events_removed == 1
    assert not Invitation.objects.filter(pk=area.invitation.pk).exists()
    assert list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN)) == [recent]


def test_the_dry_run_command_says_what_it_would_do(area, capsys):
    last_seen(area.members[Role.BOARD_MEMBER], 600)
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would do (dry run): Memberships ended after 548 days unused: 1" in out
    assert Membership.objects.get(pk=area.members[Role.BOARD_MEMBER].pk).active
