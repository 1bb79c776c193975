"""Signing in with a council or NHS account, end to end against a real OpenID Connect
provider (django-oauth-toolkit in a second process, tests/oidc_provider/)."""

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from partnership.models import Invitation, Membership, Partnership, Role, SecurityEvent, User
from sso.models import SignInProvider
from tests.factories import InvitationFactory
from tests.oidc_provider.launch import CLIENT_ID, CLIENT_SECRET

from .conftest import provider_round_trip

Kind = SecurityEvent.Kind
pytestmark = pytest.mark.django_db


def home(area):
    return reverse("partnership:home", args=[area.partnership.slug])


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def test_the_sign_in_page_offers_the_council_button_only_where_a_partnership_has_it(
    client, area, provider_issuer
):
    assert "council or NHS account" not in client.get(reverse("account_login")).content.decode()
    SignInProvider.objects.create(
        partnership=area.partnership, key="alpha", client_id="x", email_domains=["alpha.example"]
    )
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with your council or NHS account" in page
    assert reverse("sso_start") in page


def test_a_member_signs_in_and_the_first_sign_in_links_the_account(
    client, area, sign_in_provider, provider_issuer
):
    member = area.members[Role.COMMISSIONER].user
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.status_code == 302
    assert response.url == home(area)
    assert client.get(home(area)).status_code == 200
    account = SocialAccount.objects.get(user=member)
    assert account.provider == "alpha"
    [linked] = events(Kind.PROVIDER_LINKED)
    assert linked.user == member and linked.partnership == area.partnership
    [signed_in] = events(Kind.SIGNED_IN_WITH_PROVIDER)
    assert signed_in.user == member and signed_in.partnership == area.partnership
    # One sign-in, one entry: not a second plain "signed in".
    assert not events(Kind.SIGNED_IN)

    # The next sign-in finds the linked account and links nothing new.
    client.logout()
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.url == home(area)
    assert SocialAccount.objects.filter(user=member).count() == 1
    assert len(events(Kind.PROVIDER_LINKED)) == 1
    assert len(events(Kind.SIGNED_IN_WITH_PROVIDER)) == 2


def test_an_invited_person_joins_on_their_first_sign_in(
    client, area, sign_in_provider, provider_issuer
):
    invitation = InvitationFactory(
        partnership=area.partnership, email="new.starter@alpha.example", role=Role.SERVICE_LEAD
    )
    response = provider_round_trip(client, provider_issuer, "new.starter@alpha.example")
    assert response.url == home(area)
    user = User.objects.get(email="new.starter@alpha.example")
    assert user.full_name == "Nia Starter"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, partnership=area.partnership).role == Role.SERVICE_LEAD
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert len(events(Kind.INVITATION_ACCEPTED)) == 1
    assert len(events(Kind.PROVIDER_LINKED)) == 1


def test_nobody_invited_gets_a_page_saying_to_ask_the_admin_and_nothing_is_made(
    client, area, sign_in_provider, provider_issuer
):
    users_before = User.objects.count()
    response = provider_round_trip(client, provider_issuer, "stranger@alpha.example")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You have not been invited to Alpha SEND Partnership" in page
    assert "Ask the admin of Alpha SEND Partnership" in page
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    [refused] = events(Kind.PROVIDER_REFUSED)
    assert refused.detail == {"reason": "not invited"}
    assert refused.email == "stranger@alpha.example"
    assert refused.partnership == area.partnership


def test_a_linked_person_who_left_and_is_invited_again_joins_again(
    client, area, sign_in_provider, provider_issuer
):
    member = area.members[Role.COMMISSIONER]
    provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    client.logout()
    member.delete()
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.status_code == 403
    InvitationFactory(
        partnership=area.partnership, email="commissioner@alpha.example", role=Role.BOARD_MEMBER
    )
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.url == home(area)
    assert Membership.objects.get(user=member.user, partnership=area.partnership).role == (
        Role.BOARD_MEMBER
    )
    assert len(events(Kind.PROVIDER_LINKED)) == 1


def test_a_deactivated_member_is_not_let_in(client, area, sign_in_provider, provider_issuer):
    Membership.objects.filter(user=area.members[Role.COMMISSIONER].user).update(active=False)
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_tampered_state_is_refused_and_logged(client, area, sign_in_provider, provider_issuer):
    response = provider_round_trip(
        client, provider_issuer, "commissioner@alpha.example", tamper="state"
    )
    assert response.status_code == 401
    assert "Sign-in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    [refused] = events(Kind.PROVIDER_REFUSED)
    assert refused.detail == {"reason": "state not recognised"}
    assert refused.partnership == area.partnership


def test_a_tampered_nonce_is_refused_and_logged(client, area, sign_in_provider, provider_issuer):
    response = provider_round_trip(
        client, provider_issuer, "commissioner@alpha.example", tamper="nonce"
    )
    assert response.status_code == 400
    assert "Sign-in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    [refused] = events(Kind.PROVIDER_REFUSED)
    assert refused.detail == {"reason": "nonce did not match"}


def test_an_email_outside_the_partnerships_domains_cannot_start(client, area, sign_in_provider):
    response = client.post(reverse("sso_start"), {"email": "someone@elsewhere.example"})
    assert response.status_code == 200
    assert "has not set up sign-in with its own account" in response.content.decode()


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _everyone_must(self, area):
        area.partnership.mfa_required = Partnership.MfaRequirement.EVERYONE
        area.partnership.save()

    def test_the_provider_saying_mfa_counts(self, client, area, sign_in_provider, provider_issuer):
        # admin@alpha.example used a second factor at the provider (amr has "mfa").
        response = provider_round_trip(client, provider_issuer, "admin@alpha.example")
        assert response.url == home(area)
        assert client.get(home(area)).status_code == 200
        [signed_in] = events(Kind.SIGNED_IN_WITH_PROVIDER)
        assert signed_in.detail["two_factor"] == "said by the provider"

    def test_without_it_the_partnership_asks_for_its_own_second_factor(
        self, client, area, sign_in_provider, provider_issuer
    ):
        provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
        response = client.get(home(area))
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")

    def test_an_admin_who_trusts_the_provider_makes_it_count(
        self, client, area, sign_in_provider, provider_issuer
    ):
        sign_in_provider.trust_mfa = True
        sign_in_provider.save()
        provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
        assert client.get(home(area)).status_code == 200
        [signed_in] = events(Kind.SIGNED_IN_WITH_PROVIDER)
        assert signed_in.detail["two_factor"] == "trusted to the provider"

    def test_someone_with_an_authenticator_app_is_not_asked_twice(
        self, client, area, sign_in_provider, provider_issuer
    ):
        TOTP.activate(area.members[Role.ADMIN].user, generate_totp_secret())
        response = provider_round_trip(client, provider_issuer, "admin@alpha.example")
        assert response.url == home(area)

    def test_without_it_someone_with_an_authenticator_app_enters_a_code(
        self, client, area, sign_in_provider, provider_issuer
    ):
        TOTP.activate(area.members[Role.COMMISSIONER].user, generate_totp_secret())
        response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
        assert response.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        assert not events(Kind.SIGNED_IN_WITH_PROVIDER)

    def test_trust_in_one_partnership_does_not_count_in_another(
        self, client, area, other_area, sign_in_provider, provider_issuer
    ):
        sign_in_provider.trust_mfa = True
        sign_in_provider.save()
        commissioner = area.members[Role.COMMISSIONER].user
        other_area.partnership.mfa_required = Partnership.MfaRequirement.EVERYONE
        other_area.partnership.save()
        Membership.objects.create(
            user=commissioner, partnership=other_area.partnership, role=Role.BOARD_MEMBER
        )
        provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
        assert client.get(home(area)).status_code == 200
        assert client.get(home(other_area)).url == reverse("mfa_activate_totp")


def test_an_invitation_is_needed_even_with_an_open_one_elsewhere(
    client, area, other_area, sign_in_provider, provider_issuer
):
    Invitation.objects.create(
        partnership=other_area.partnership, email="stranger@alpha.example", role=Role.ADMIN
    )
    response = provider_round_trip(client, provider_issuer, "stranger@alpha.example")
    assert response.status_code == 403
    assert not User.objects.filter(email="stranger@alpha.example").exists()


def test_no_secret_code_state_or_nonce_reaches_the_log(
    client, client_for, area, sign_in_provider, provider_issuer, caplog
):
    caplog.set_level(logging.DEBUG)
    client_for(area, Role.ADMIN).post(
        reverse("sso:settings", args=[area.partnership.slug]),
        {
            "enabled": "on",
            "kind": "oidc",
            "issuer_url": provider_issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "email_domains": "alpha.example",
        },
    )
    client.logout()
    response = provider_round_trip(client, provider_issuer, "commissioner@alpha.example")
    assert response.url == home(area)
    query = dict(parse_qsl(urlsplit(response.callback).query))
    nonce = SocialAccount.objects.get().extra_data["id_token"]["nonce"]
    # The test's own visits to the provider's pages (as the person's browser) are logged by
    # urllib3 too, with the state and nonce in the address; they are not the app's log.
    browser_visits = ("/authorize/?", "/login/?next=")
    text = "\n".join(
        message
        for message in (record.getMessage() for record in caplog.records)
        if not any(visit in message for visit in browser_visits)
    )
    assert "provider_settings" in text and "signed_in_provider" in text
    for secret in (CLIENT_SECRET, query["code"], query["state"], nonce):
        assert secret not in text
