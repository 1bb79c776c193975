"""A partnership can require two-factor authentication; admins can reset it for a member."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from partnership.models import Partnership, Role, SecurityEvent

Rule = Partnership.MfaRequirement


def home(client_for, area, role):
    return client_for(area, role).get(reverse("partnership:home", args=[area.partnership.slug]))


@pytest.mark.parametrize(
    "rule, required",
    [
        (Rule.NONE, set()),
        (Rule.STAFF, {Role.ADMIN, Role.COMMISSIONER}),
        (Rule.EVERYONE, set(Role.values)),
    ],
)
def test_members_who_must_use_it_are_sent_to_set_it_up(client_for, area, rule, required):
    area.partnership.mfa_required = rule
    area.partnership.save()
    for role in Role.values:
        response = home(client_for, area, role)
        if role in required:
            assert response.status_code == 302, role
            assert response.url == reverse("mfa_activate_totp"), role
        else:
            assert response.status_code == 200, role


def test_with_it_set_up_the_pages_open(client_for, area):
    area.partnership.mfa_required = Rule.EVERYONE
    area.partnership.save()
    TOTP.activate(area.members[Role.BOARD_MEMBER].user, generate_totp_secret())
    assert home(client_for, area, Role.BOARD_MEMBER).status_code == 200


def test_the_admin_sets_the_rule_on_the_settings_page(client_for, area):
    client = client_for(area, Role.ADMIN)
    url = reverse("partnership:settings", args=[area.partnership.slug])
    assert "Who must use two-factor authentication" in client.get(url).content.decode()
    periods = {
        "idle_months": 18,
        "anonymise_months": 6,
        "invitation_days": 30,
        "security_log_months": 24,
        "evidence_file_years": 6,
    }
    client.post(url, {"mfa_required": Rule.STAFF, **periods})
    area.partnership.refresh_from_db()
    assert area.partnership.mfa_required == Rule.STAFF
    assert area.partnership.accept_needs_another_person is False  # unticked box
    assert client_for(area, Role.BOARD_MEMBER).get(url).status_code == 403


def test_an_admin_resets_a_members_two_factor_and_it_is_logged(client_for, area, other_area):
    lead = area.members[Role.SERVICE_LEAD]
    TOTP.activate(lead.user, generate_totp_secret())
    client = client_for(area, Role.ADMIN)
    edit = client.get(reverse("partnership:person_edit", args=[area.partnership.slug, lead.pk]))
    reset = reverse("partnership:person_mfa_reset", args=[area.partnership.slug, lead.pk])
    assert reset in edit.content.decode()
    assert "stop working straight away" in client.get(reset).content.decode()
    assert Authenticator.objects.filter(user=lead.user).exists()
    client.post(reset)
    assert not Authenticator.objects.filter(user=lead.user).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.MFA_RESET)
    assert event.partnership == area.partnership
    assert event.detail["member"] == lead.user.email
    # Another partnership's member is the same as no member.
    foreign = other_area.members[Role.SERVICE_LEAD]
    TOTP.activate(foreign.user, generate_totp_secret())
    url = reverse("partnership:person_mfa_reset", args=[area.partnership.slug, foreign.pk])
    assert client.post(url).status_code == 404
    assert Authenticator.objects.filter(user=foreign.user).exists()
