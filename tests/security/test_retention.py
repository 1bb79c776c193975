"""The retention job on a frozen clock: each partnership's own periods, what is removed,
when, and that a dry run changes nothing."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Evidence
from partnership.models import Invitation, Membership, Partnership, Role, SecurityEvent, User
from partnership.retention import FORMER_MEMBER, retention_run
from tests.factories import InvitationFactory
from tests.factories.audits import accepted_audit

NOW = timezone.make_aware(datetime(2026, 6, 15, 3, 30))


def last_seen(membership, days_ago):
    User.objects.filter(pk=membership.user_id).update(
        last_login=NOW - timedelta(days=days_ago), date_joined=NOW - timedelta(days=2000)
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
    assert "not used for 18 months" in ended.first().detail["reason"]
    # Run again the same day: nothing more to do.
    again = retention_run(now=NOW)
    assert again.deactivated == [] and again.anonymised == []


def test_each_partnership_keeps_people_for_its_own_period(area, other_area):
    Partnership.objects.filter(pk=other_area.partnership.pk).update(
        idle_months=6, anonymise_months=3
    )
    here, there = area.members[Role.BOARD_MEMBER], other_area.members[Role.BOARD_MEMBER]
    last_seen(here, 200)
    last_seen(there, 200)  # past the other partnership's 6 months, not this one's 18
    report = retention_run(now=NOW)
    assert there.pk in report.deactivated and here.pk not in report.deactivated
    assert Membership.objects.get(pk=here.pk).active
    assert not Membership.objects.get(pk=there.pk).active
    assert "beta" in [e.partnership.slug for e in SecurityEvent.objects.all()]

    # 300 days: past the other partnership's 6 + 3 months, so that person is anonymised.
    last_seen(there, 300)
    assert there.user_id in retention_run(now=NOW).anonymised


def test_a_person_in_two_partnerships_keeps_their_name_as_long_as_either_keeps_it(area, other_area):
    Partnership.objects.filter(pk=other_area.partnership.pk).update(
        idle_months=6, anonymise_months=3
    )
    member = area.members[Role.COMMISSIONER]
    Membership.objects.create(
        partnership=other_area.partnership, user=member.user, role=Role.COMMISSIONER
    )
    last_seen(member, 400)  # past 9 months (the other's) but not 24 (this one's)
    report = retention_run(now=NOW)
    assert member.user_id not in report.anonymised
    assert User.objects.get(pk=member.user_id).full_name != FORMER_MEMBER
    # Their access to the other partnership ended all the same.
    assert not Membership.objects.get(user=member.user, partnership=other_area.partnership).active
    assert Membership.objects.get(pk=member.pk).active  # 400 days is within 18 months here


def test_expired_invitations_and_old_log_entries_go_by_each_partnerships_period(area, other_area):
    Partnership.objects.filter(pk=other_area.partnership.pk).update(
        invitation_days=7, security_log_months=6
    )
    Invitation.objects.filter(pk=area.invitation.pk).update(expires_at=NOW - timedelta(days=10))
    Invitation.objects.filter(pk=other_area.invitation.pk).update(
        expires_at=NOW - timedelta(days=10)
    )
    stale_invitation = InvitationFactory(partnership=area.partnership)
    Invitation.objects.filter(pk=stale_invitation.pk).update(expires_at=NOW - timedelta(days=31))
    SecurityEvent.objects.all().delete()
    kind = SecurityEvent.Kind.SIGNED_IN
    kept_here = SecurityEvent.objects.create(
        kind=kind, partnership=area.partnership, at=NOW - timedelta(days=400)
    )
    SecurityEvent.objects.create(
        kind=kind, partnership=area.partnership, at=NOW - timedelta(days=740)
    )
    SecurityEvent.objects.create(
        kind=kind, partnership=other_area.partnership, at=NOW - timedelta(days=200)
    )
    kept_there = SecurityEvent.objects.create(
        kind=kind, partnership=other_area.partnership, at=NOW - timedelta(days=100)
    )
    platform = SecurityEvent.objects.create(kind=kind, at=NOW - timedelta(days=400))
    SecurityEvent.objects.create(kind=kind, at=NOW - timedelta(days=740))

    report = retention_run(now=NOW)
    assert report.invitations_removed == 2 and report.security_events_removed == 3
    assert Invitation.objects.filter(pk=area.invitation.pk).exists()  # 10 days < 30
    assert not Invitation.objects.filter(pk=other_area.invitation.pk).exists()  # > 7
    assert not Invitation.objects.filter(pk=stale_invitation.pk).exists()
    assert set(SecurityEvent.objects.filter(kind=kind)) == {kept_here, kept_there, platform}


@pytest.fixture
def old_and_new_evidence(area):
    old, new = accepted_audit(area), accepted_audit(area)
    Audit.objects.filter(pk=old.pk).update(audit_date=(NOW - timedelta(days=7 * 365)).date())
    Audit.objects.filter(pk=new.pk).update(audit_date=(NOW - timedelta(days=365)).date())
    made = []
    for audit in (old, new):
        evidence = Evidence(
            audit=audit,
            assessment=audit.assessments.get(principle__number=1),
            kind=Evidence.Kind.FILE,
            title="Workshop notes",
            extension="pdf",
            content_type="application/pdf",
            size=8,
        )
        evidence.file.save("notes.pdf", ContentFile(b"%PDF-1.4"), save=True)
        made.append(evidence)
    return made


def test_evidence_files_of_old_audits_are_removed_and_the_row_says_so(
    area, old_and_new_evidence, client_for
):
    old, new = old_and_new_evidence
    old_name = old.file.name
    storage = old.file.storage
    dry = retention_run(now=NOW, dry_run=True)
    assert "evidence files of audits older than 6 years removed: 1" in " ".join(dry.lines())
    assert storage.exists(old_name)

    retention_run(now=NOW)
    old.refresh_from_db()
    new.refresh_from_db()
    assert not storage.exists(old_name) and old.file.name == ""
    assert old.file_removed_at == NOW and old.title == "Workshop notes"
    assert new.file_removed_at is None and storage.exists(new.file.name)

    client = client_for(area, Role.ADMIN)
    slug = area.partnership.slug
    page = client.get(reverse("audits:audit_view", args=[slug, old.audit_id])).content.decode()
    assert "Workshop notes (file removed on 15 June 2026" in page
    download = reverse("audits:evidence_download", args=[slug, old.audit_id, old.pk])
    assert client.get(download).status_code == 404
    assert (
        client.get(
            reverse("audits:evidence_download", args=[slug, new.audit_id, new.pk])
        ).status_code
        == 200
    )
    # Nothing more to remove the next day.
    later = retention_run(now=NOW + timedelta(days=1))
    assert "evidence files of audits older than 6 years removed: 0" in " ".join(later.lines())


def test_a_partnership_that_keeps_evidence_longer_keeps_it(area, old_and_new_evidence):
    Partnership.objects.filter(pk=area.partnership.pk).update(evidence_file_years=10)
    retention_run(now=NOW)
    assert not Evidence.objects.filter(file_removed_at__isnull=False).exists()


def test_the_dry_run_command_says_what_it_would_do_in_each_partnership(area, other_area, capsys):
    Partnership.objects.filter(pk=other_area.partnership.pk).update(idle_months=6)
    last_seen(area.members[Role.BOARD_MEMBER], 600)
    last_seen(other_area.members[Role.BOARD_MEMBER], 200)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    name, other = area.partnership.name, other_area.partnership.name
    assert f"Would do (dry run): {name}: memberships ended after 18 months unused: 1" in out
    assert f"Would do (dry run): {other}: memberships ended after 6 months unused: 1" in out
    assert f"{name}: evidence files of audits older than 6 years removed: 0" in out
    assert Membership.objects.get(pk=area.members[Role.BOARD_MEMBER].pk).active


def test_the_scheduled_job_logs_what_it_did(area, caplog):
    from partnership.tasks import retention_daily

    last_seen(area.members[Role.BOARD_MEMBER], 600)
    caplog.set_level("INFO", logger="partnership.retention")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        retention_daily()
    assert f"retention: {area.partnership.name}: memberships ended after 18 months unused: 1" in (
        caplog.text
    )
    assert not Membership.objects.get(pk=area.members[Role.BOARD_MEMBER].pk).active


def test_the_admin_sets_the_periods_and_the_privacy_notice_shows_them(area, client_for):
    client = client_for(area, Role.ADMIN)
    slug = area.partnership.slug
    url = reverse("partnership:settings", args=[slug])
    page = client.get(url).content.decode()
    assert "How long we keep data" in page and 'value="18"' in page
    form = {
        "mfa_required": "none",
        "accept_needs_another_person": "on",
        "contact_email": "send@alpha.example",
        "data_controller": "Alpha Council",
        "idle_months": "12",
        "anonymise_months": "6",
        "invitation_days": "14",
        "security_log_months": "36",
        "evidence_file_years": "0",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert "Enter a whole number of years from 1 to 50" in refused.content.decode()
    assert client.post(url, {**form, "evidence_file_years": "8"}).status_code == 302
    partnership = Partnership.objects.get(pk=area.partnership.pk)
    assert (partnership.idle_months, partnership.security_log_months) == (12, 36)
    assert partnership.evidence_file_years == 8
    notice = client.get(reverse("partnership_privacy", args=[slug])).content.decode()
    assert "If you do not sign in for 12 months" in notice
    assert "kept for 36 months" in notice and "removed 8 years after" in notice
    # Other members cannot change them.
    board = client_for(area, Role.BOARD_MEMBER)
    assert board.post(url, form).status_code in (403, 404)
