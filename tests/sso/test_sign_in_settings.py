"""A partnership admin sets up sign-in with council or NHS accounts in the browser."""

import pytest
from django.urls import reverse

from partnership.models import Role, SecurityEvent
from sso.models import SignInProvider
from sso.secrets import secret_decrypt

pytestmark = pytest.mark.django_db
SECRET = "Qx8~entra-client-secret-value"  # noqa: S105

ENTRA = {
    "enabled": "on",
    "kind": "entra",
    "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "issuer_url": "",
    "client_id": "0f3c1a55-1111-4222-8333-944455556666",
    "client_secret": SECRET,
    "email_domains": "alpha.gov.uk, @NHS.net",
}


def url(area):
    return reverse("sso:settings", args=[area.partnership.slug])


def test_only_admins_open_it_and_the_redirect_uri_is_shown(client_for, area):
    for role in Role.values:
        response = client_for(area, role).get(url(area))
        assert response.status_code == (200 if role == Role.ADMIN else 403), role
    page = client_for(area, Role.ADMIN).get(url(area)).content.decode()
    assert "http://testserver/accounts/oidc/alpha/login/callback/" in page


def test_entra_id_is_saved_with_the_secret_encrypted_and_never_shown_again(
    client_for, area, django_assert_max_num_queries
):
    client = client_for(area, Role.ADMIN)
    response = client.post(url(area), ENTRA)
    assert response.status_code == 302
    provider = SignInProvider.objects.get(partnership=area.partnership)
    assert provider.server_url == (
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
    )
    assert provider.email_domains == ["alpha.gov.uk", "nhs.net"]
    assert SECRET not in provider.client_secret_encrypted
    assert secret_decrypt(provider.client_secret_encrypted) == SECRET
    assert provider.social_app().secret == SECRET
    with django_assert_max_num_queries(12):
        page = client.get(url(area)).content.decode()
    assert SECRET not in page
    assert "A secret is saved" in page
    [event] = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PROVIDER_SETTINGS_CHANGED)
    assert event.partnership == area.partnership
    assert SECRET not in str(event.detail)
    assert "client secret" in event.detail["changed"]

    # Saving again without a secret keeps the saved one.
    client.post(url(area), {**ENTRA, "client_secret": "", "trust_mfa": "on"})
    provider.refresh_from_db()
    assert provider.trust_mfa is True
    assert provider.client_secret() == SECRET
    latest = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PROVIDER_SETTINGS_CHANGED)
    assert latest.first().detail["changed"] == "trust for two-factor authentication"


def test_a_secret_saved_under_another_key_is_unreadable(client_for, area, settings):
    client_for(area, Role.ADMIN).post(url(area), ENTRA)
    provider = SignInProvider.objects.get()
    settings.SECRET_KEY = "another-key-" + "z" * 40
    assert provider.client_secret() == ""
    settings.SECRET_KEY_FALLBACKS = ["a-test-only-key-" + "k" * 40]
    assert provider.client_secret() == SECRET


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"tenant_id": ""}, "tenant_id", "Enter the directory (tenant) ID"),
        ({"tenant_id": "common"}, "tenant_id", "not “common”"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"email_domains": "alpha gov uk"}, "email_domains", "is not an email domain"),
        ({"kind": "oidc"}, "issuer_url", "Enter the issuer URL"),
        ({"kind": "oidc", "issuer_url": "http://idp.example.com"}, "issuer_url", "https://"),
    ],
)
def test_mistakes_are_shown_next_to_the_field_and_nothing_is_saved(
    client_for, area, change, field, message
):
    response = client_for(area, Role.ADMIN).post(url(area), {**ENTRA, **change})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert "govuk-error-summary" in response.content.decode()
    assert not SignInProvider.objects.exists()


def test_switched_off_it_is_not_offered(client_for, client, area):
    client_for(area, Role.ADMIN).post(url(area), {**ENTRA, "enabled": ""})
    client.logout()
    assert "council or NHS account" not in client.get(reverse("account_login")).content.decode()
    response = client.post(reverse("sso_start"), {"email": "someone@alpha.gov.uk"})
    assert "has not set up sign-in with its own account" in response.content.decode()


def test_a_domain_shared_by_two_partnerships_asks_which_one(client, area, other_area):
    for item in (area, other_area):
        SignInProvider.objects.create(
            partnership=item.partnership,
            key=item.partnership.slug,
            client_id="x",
            tenant_id="nhs.net",
            email_domains=["nhs.net"],
        )
    response = client.post(reverse("sso_start"), {"email": "someone@nhs.net"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Which partnership are you signing in to?" in page
    assert "Alpha SEND Partnership" in page and "Beta SEND Partnership" in page


def test_an_unreachable_provider_is_explained(client, area):
    SignInProvider.objects.create(
        partnership=area.partnership,
        key="alpha",
        kind=SignInProvider.Kind.OIDC,
        issuer_url="http://127.0.0.1:9",
        client_id="x",
        email_domains=["alpha.gov.uk"],
    )
    response = client.post(reverse("sso_start"), {"email": "someone@alpha.gov.uk"})
    assert response.status_code == 502
    assert "could not be reached" in response.content.decode()


def test_the_sign_in_page_lets_its_form_lead_to_the_providers_only(client, area, other_area):
    """Browsers apply form-action to the redirect after the email form, so the page names
    the enabled providers' origins, and no switched-off one."""
    SignInProvider.objects.create(
        partnership=area.partnership,
        key="alpha",
        kind=SignInProvider.Kind.OIDC,
        issuer_url="https://id.alpha.example/realms/staff",
        client_id="x",
        email_domains=["alpha.gov.uk"],
    )
    SignInProvider.objects.create(
        partnership=other_area.partnership,
        key="beta",
        tenant_id="72f988bf-86f1-41af-91ab-2d7cd011db47",
        client_id="y",
        email_domains=["beta.gov.uk"],
        enabled=False,
    )
    policy = client.get(reverse("sso_start"))["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert "'self'" in form_action and "https://id.alpha.example" in form_action
    assert "microsoftonline" not in policy
