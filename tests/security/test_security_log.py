"""Every security event is written once, with the right partnership, and shown only to
that partnership's admins; the log never holds a password, token or session id."""

import logging
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services as audit_services
from partnership.models import Invitation, Membership, Role, SecurityEvent
from tests.factories import PASSWORD
from tests.factories.audits import start_audit
from tests.security.test_admin_two_factor import current_code

Kind = SecurityEvent.Kind
ADDRESS = "203.0.113.77"


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def one(kind):
    found = events(kind)
    assert len(found) == 1, f"{kind}: {len(found)} events"
    return found[0]


def sign_in(client, email, password):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ADDRESS
    )


def test_sign_in_failure_lockout_and_sign_out(client, area, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = area.members[Role.COMMISSIONER].user
    sign_in(client, "nobody@nowhere.example", "wrong")
    failed = one(Kind.SIGN_IN_FAILED)
    assert (failed.user, failed.email, failed.ip_address) == (
        None,
        "nobody@nowhere.example",
        ADDRESS,
    )
    sign_in(client, user.email, PASSWORD)
    signed_in = one(Kind.SIGNED_IN)
    assert signed_in.user == user and signed_in.ip_address == ADDRESS
    client.post(reverse("account_logout"), REMOTE_ADDR=ADDRESS)
    assert one(Kind.SIGNED_OUT).user == user

    for _ in range(3):
        sign_in(client, user.email, "wrong")
    assert one(Kind.LOCKED_OUT).user == user
    assert [e.user for e in events(Kind.SIGN_IN_FAILED)].count(user) == 3


def test_two_factor_and_password_changes(client, area, django_capture_on_commit_callbacks):
    user = area.members[Role.ADMIN].user
    client.force_login(user)
    activate = reverse("mfa_activate_totp")
    client.post(f"{reverse('account_reauthenticate')}?next={activate}", {"password": PASSWORD})
    secret = client.get(activate).context["form"].secret
    # allauth announces new authenticators once the transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(activate, {"code": current_code(secret)})
    # The authenticator app, and the recovery codes made with it.
    assert sorted(e.detail["type"] for e in events(Kind.MFA_ADDED)) == ["recovery_codes", "totp"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    removed = events(Kind.MFA_REMOVED)
    assert sorted(e.detail["type"] for e in removed) == ["recovery_codes", "totp"]
    assert {e.user for e in removed} == {user}

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "A-new-long-pass-2026",
            "password2": "A-new-long-pass-2026",
        },
    )
    assert one(Kind.PASSWORD_CHANGED).user == user


def test_people_changes_are_logged_against_the_partnership(client_for, area, client):
    admin_client = client_for(area, Role.ADMIN)
    slug = area.partnership.slug
    admin_client.post(
        reverse("partnership:person_invite", args=[slug]),
        {"email": "new.person@example.org", "full_name": "New Person", "role": Role.BOARD_MEMBER},
    )
    sent = one(Kind.INVITATION_SENT)
    assert sent.partnership == area.partnership
    assert sent.user == area.members[Role.ADMIN].user
    assert sent.detail == {"email": "new.person@example.org", "role": Role.BOARD_MEMBER}

    lead = area.members[Role.SERVICE_LEAD]
    admin_client.post(
        reverse("partnership:person_edit", args=[slug, lead.pk]),
        {"role": Role.COMMISSIONER},
    )
    changed = one(Kind.ROLE_CHANGED)
    assert changed.detail["from"] == Role.SERVICE_LEAD
    assert changed.detail["to"] == Role.COMMISSIONER
    admin_client.post(reverse("partnership:person_deactivate", args=[slug, lead.pk]))
    assert one(Kind.MEMBER_DEACTIVATED).detail == {"member": lead.user.email}
    admin_client.post(reverse("partnership:person_reactivate", args=[slug, lead.pk]))
    assert one(Kind.MEMBER_REACTIVATED).partnership == area.partnership

    invitation = Invitation.objects.get(email="new.person@example.org")
    admin_client.logout()
    client.post(
        invitation.get_absolute_url(),
        {
            "full_name": "New Person",
            "password1": "Board-member-2026!",
            "password2": "Board-member-2026!",
        },
    )
    accepted = one(Kind.INVITATION_ACCEPTED)
    assert accepted.partnership == area.partnership
    assert accepted.user.email == "new.person@example.org"
    assert Membership.objects.filter(user=accepted.user, partnership=area.partnership).exists()


def test_downloads_are_logged(client_for, area):
    client = client_for(area, Role.ADMIN)
    slug = area.partnership.slug
    client.get(reverse("reporting:export_csv", args=[slug]) + "?sector=health")
    client.get(reverse("reporting:export_xlsx", args=[slug]))
    exports = events(Kind.EXPORT_DOWNLOADED)
    assert sorted(e.detail["format"] for e in exports) == ["csv", "xlsx"]
    assert all(e.partnership == area.partnership for e in exports)

    admin = area.members[Role.ADMIN]
    audit = start_audit(area)
    evidence = audit_services.evidence_add(
        assessment=audit.assessments.first(),
        membership=admin,
        by=admin.user,
        title="Minutes",
        upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        kind_info=("pdf", "application/pdf"),
    )
    client.get(
        reverse(
            "audits:evidence_download",
            kwargs={"slug": slug, "pk": audit.pk, "evidence_pk": evidence.pk},
        )
    )
    downloaded = one(Kind.EVIDENCE_DOWNLOADED)
    assert downloaded.detail["evidence"] == evidence.pk
    assert downloaded.partnership == area.partnership


def test_the_log_page_shows_only_its_own_partnership(client_for, area, other_area, client):
    # Activity in both partnerships.
    sign_in(client, area.members[Role.BOARD_MEMBER].user.email, PASSWORD)
    client.logout()
    sign_in(client, other_area.members[Role.BOARD_MEMBER].user.email, PASSWORD)
    client.logout()
    other_admin = client_for(other_area, Role.ADMIN)
    other_admin.get(reverse("reporting:export_csv", args=[other_area.partnership.slug]))
    # A member of the other partnership probing this one's objects.
    project_url = reverse(
        "partnership:project_detail", args=[area.partnership.slug, area.project.pk]
    )
    assert other_admin.get(project_url).status_code == 404
    other_admin.logout()

    page = client_for(area, Role.ADMIN).get(
        reverse("partnership:security_log", args=[area.partnership.slug])
    )
    shown = list(page.context["page"].object_list)
    emails = {e.user.email for e in shown if e.user}
    assert area.members[Role.BOARD_MEMBER].user.email in emails
    assert other_area.members[Role.BOARD_MEMBER].user.email not in emails
    assert not [e for e in shown if e.kind == Kind.EXPORT_DOWNLOADED]
    probe = [e for e in shown if e.kind == Kind.PROBED]
    assert [p.user for p in probe] == [other_area.members[Role.ADMIN].user]

    filtered = client_for(area, Role.ADMIN).get(
        reverse("partnership:security_log", args=[area.partnership.slug]),
        {"kind": Kind.PROBED},
    )
    assert [e.kind for e in filtered.context["page"].object_list] == [Kind.PROBED]
    csv_text = b"".join(
        client_for(area, Role.ADMIN)
        .get(reverse("partnership:security_log_export", args=[area.partnership.slug]))
        .streaming_content
    ).decode("utf-8-sig")
    assert "Page of another partnership asked for" in csv_text
    assert other_area.members[Role.BOARD_MEMBER].user.email not in csv_text


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.SERVICE_LEAD, Role.BOARD_MEMBER])
def test_only_admins_see_the_log(client_for, area, role):
    url = reverse("partnership:security_log", args=[area.partnership.slug])
    assert client_for(area, role).get(url).status_code == 403


def test_entries_cannot_be_changed(area):
    event = SecurityEvent.objects.create(kind=Kind.SIGNED_IN, partnership=area.partnership)
    event.kind = Kind.SIGN_IN_FAILED
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=event.pk).update(kind=Kind.SIGN_IN_FAILED)
    assert SecurityEvent.objects.get(pk=event.pk).kind == Kind.SIGNED_IN


def test_no_password_token_or_session_id_reaches_the_log(client, area, caplog, settings):
    settings.AXES_ENABLED = True
    caplog.set_level(logging.DEBUG)
    user = area.members[Role.ADMIN].user
    sign_in(client, user.email, "Wrong-guess-123")
    sign_in(client, user.email, PASSWORD)
    session_id = client.session.session_key
    client.post(reverse("account_logout"))
    client.post(reverse("account_reset_password"), {"email": user.email})
    reset_link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    reset_key = reset_link.rstrip("/").rsplit("/", 1)[-1]
    invitation = area.invitation
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "security" in {r.name.split(".")[-1] for r in caplog.records}
    for secret in (PASSWORD, "Wrong-guess-123", session_id, reset_key, invitation.token):
        assert secret not in text
