"""The operators' admin is entered only through the product's sign-in and its second factor."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.fixture
def operator(db):
    user = UserFactory(email="operator@platform.example", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def in_admin(client):
    response = client.get(reverse("admin:index"))
    return response.status_code == 200 and "Site administration" in response.content.decode()


def test_the_admin_password_form_does_not_sign_anyone_in(client, operator):
    user, _ = operator
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert not in_admin(client)


def test_the_password_alone_is_not_enough(client, operator):
    user, _ = operator
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert not in_admin(client)


def test_password_and_code_open_the_admin(client, operator):
    user, secret = operator
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert in_admin(client)


def test_a_staff_account_without_a_second_factor_is_sent_to_set_one_up(client, db):
    user = UserFactory(email="new-operator@platform.example", is_staff=True)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert not in_admin(client)
    response = client.get(reverse("admin:login"))
    assert response.url == reverse("mfa_activate_totp")


def test_people_who_are_not_staff_are_refused(client, area):
    from partnership.models import Role

    client.force_login(area.members[Role.ADMIN].user)
    assert not in_admin(client)
    assert client.get(reverse("admin:login")).status_code == 403
