"""Signing in, lockout, password reset, two-factor and the health checks."""

from django.core import mail
from django.urls import reverse

from partnership.models import Role
from tests.factories import PASSWORD


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_lands_on_partnership(client, area):
    user = area.members[Role.COMMISSIONER].user
    response = sign_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == (
        f"/{area.partnership.slug}/"
    )


def test_password_reset_sends_email_only_to_real_accounts(client, area):
    real = area.members[Role.BOARD_MEMBER].user.email
    first = client.post(reverse("account_reset_password"), {"email": real})
    second = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.example"})
    assert first.status_code == second.status_code == 302
    assert [m.to for m in mail.outbox][0] == [real]


def test_two_factor_can_be_set_up_by_any_member(client_for, area):
    for role in Role.values:
        client = client_for(area, role)
        # Turning on two-factor asks for the password again first.
        activate = reverse("mfa_activate_totp")
        client.post(f"{reverse('account_reauthenticate')}?next={activate}", {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200, role
        assert "code" in page.context["form"].fields
        index = client.get(reverse("mfa_index"))
        assert reverse("mfa_activate_totp") in index.content.decode(), role


def test_a_form_posted_without_a_valid_token_explains_what_to_do(area):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(area.members[Role.ADMIN].user)
    response = client.post(
        reverse("partnership:organisation_create", args=[area.partnership.slug]), {"name": "X"}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert "kept on this device" in response.content.decode()
