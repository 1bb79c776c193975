"""Lockout per account and address, a slower limit per account, and the real client
address behind a trusted proxy."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from partnership.models import Role
from tests.factories import PASSWORD, MembershipFactory

OFFICE = "203.0.113.10"
HOME = "198.51.100.7"


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def sign_in(client, email, password, address=OFFICE, **headers):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(response):
    return response.status_code == 302 and "login" not in response.url


def test_five_failures_lock_that_account_at_that_address_only(client, area, lockout):
    victim = area.members[Role.ADMIN].user.email
    colleague = area.members[Role.COMMISSIONER].user.email
    for _ in range(5):
        sign_in(client, victim, "wrong-password")
    assert sign_in(client, victim, PASSWORD).status_code == 429
    # The attempts are counted against the account, not only the address.
    assert AccessAttempt.objects.get(ip_address=OFFICE).username == victim
    # A colleague at the same office, typing the right password, is not locked out.
    client.logout()
    assert signed_in(sign_in(client, colleague, PASSWORD))
    # The owner of the account, from home, is not locked out either.
    client.logout()
    assert signed_in(sign_in(client, victim, PASSWORD, address=HOME))


def test_unknown_and_real_accounts_get_the_same_response(client, area, lockout):
    real = area.members[Role.ADMIN].user.email
    pages = {}
    for email in (real, "nobody@nowhere.example"):
        for _ in range(5):
            sign_in(client, email, "wrong-password")
        response = sign_in(client, email, "wrong-password")
        pages[email] = (response.status_code, response.content.decode().replace(email, "EMAIL"))
    assert pages[real][0] == 429
    assert pages[real] == pages["nobody@nowhere.example"]


def test_guessing_spread_over_many_addresses_is_limited_per_account(
    client, area, lockout, settings
):
    settings.ACCOUNT_RATE_LIMITS = {"login": "600/m/ip", "login_failed": "100/m/ip,8/3600s/key"}
    victim = area.members[Role.ADMIN].user.email
    # Two failures from each of four addresses: under the lockout at every address.
    for n in range(4):
        for _ in range(2):
            sign_in(client, victim, "wrong-password", address=f"192.0.2.{n + 1}")
    response = sign_in(client, victim, PASSWORD, address="192.0.2.99")
    assert response.status_code == 200
    assert "Too many failed" in response.content.decode()
    # Another account is unaffected.
    assert signed_in(sign_in(client, area.members[Role.COMMISSIONER].user.email, PASSWORD))


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(
    client, area, lockout, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    victim = area.members[Role.ADMIN].user.email
    proxy = "10.0.0.2"
    for _ in range(5):
        sign_in(client, victim, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"
    # Someone else behind the same proxy, same account, is another client.
    response = sign_in(client, victim, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert signed_in(response)
    # A spoofed left-hand hop is not believed: the proxy appended the real address.
    client.logout()
    response = sign_in(
        client, victim, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50"
    )
    assert response.status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, area, lockout):
    victim = area.members[Role.ADMIN].user.email
    for n in range(5):
        sign_in(client, victim, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_an_office_signs_in_together(client, area, lockout):
    """Fifty people at one address within seconds, with a few typing mistakes among them."""
    people = [
        MembershipFactory(partnership=area.partnership, role=Role.SERVICE_LEAD).user
        for _ in range(50)
    ]
    for person in people[:5]:
        sign_in(client, person.email, "typo")
    results = []
    for person in people:
        client.logout()
        results.append(signed_in(sign_in(client, person.email, PASSWORD)))
    assert all(results), f"{results.count(False)} of 50 refused"
