import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.urls import reverse

from sso.models import SignInProvider
from tests.oidc_provider.launch import CLIENT_ID, CLIENT_SECRET, running_provider

PASSWORD = "provider-password-1"  # noqa: S105
# People with accounts at the partnership's provider (the slug of `area` is alpha).
PEOPLE = [
    {"email": "admin@alpha.example", "name": "Ada Admin", "mfa": True},
    {"email": "commissioner@alpha.example", "name": "Cal Commissioner", "mfa": False},
    {"email": "new.starter@alpha.example", "name": "Nia Starter", "mfa": True},
    {"email": "stranger@alpha.example", "name": "Sam Stranger", "mfa": True},
    {"email": "someone@elsewhere.example", "name": "Elle Where", "mfa": True},
]
CALLBACK = "/accounts/oidc/alpha/login/callback/"


@pytest.fixture(scope="module")
def provider_issuer():
    people = [{**person, "password": PASSWORD} for person in PEOPLE]
    with running_provider(people=people, redirect_uris=[f"http://testserver{CALLBACK}"]) as issuer:
        yield issuer


@pytest.fixture(autouse=True)
def _patient_provider_calls(settings):
    # The token, userinfo and discovery calls go to another process on a shared machine.
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 60


@pytest.fixture
def sign_in_provider(area, provider_issuer):
    """The alpha partnership's provider, as its admin would save it."""
    provider = SignInProvider(
        partnership=area.partnership,
        key=area.partnership.slug,
        kind=SignInProvider.Kind.OIDC,
        issuer_url=provider_issuer,
        client_id=CLIENT_ID,
        email_domains=["alpha.example"],
    )
    provider.set_client_secret(CLIENT_SECRET)
    provider.save()
    return provider


def _with_param(url, name, value):
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def _hidden(html, name):
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


def provider_round_trip(client, issuer, email, *, tamper=None):
    """Start at "Sign in with your council or NHS account", sign in at the real provider
    over HTTP, and come back to the callback with the test client. Returns the callback's
    response, not followed."""
    start = client.post(reverse("sso_start"), {"email": email})
    assert start.status_code == 302, start.content.decode()[:2000]
    assert start.url.startswith(issuer + "/authorize/")
    url = start.url
    if tamper == "nonce":
        url = _with_param(url, "nonce", "a-nonce-from-another-sign-in")
    browser = requests.Session()
    answer = browser.get(url, allow_redirects=False, timeout=60)
    for _ in range(10):
        if answer.is_redirect:
            location = urljoin(answer.url, answer.headers["Location"])
            if location.startswith("http://testserver/"):
                break
            answer = browser.get(location, allow_redirects=False, timeout=60)
        else:
            # The provider's own sign-in form.
            answer = browser.post(
                answer.url,
                data={
                    "csrfmiddlewaretoken": _hidden(answer.text, "csrfmiddlewaretoken"),
                    "username": email,
                    "password": PASSWORD,
                    "next": _hidden(answer.text, "next"),
                },
                allow_redirects=False,
                timeout=60,
            )
    else:
        raise AssertionError("The provider never sent the person back")
    callback = location.removeprefix("http://testserver")
    assert callback.startswith(CALLBACK)
    if tamper == "state":
        callback = _with_param(callback, "state", "forged-state")
    response = client.get(callback)
    response.callback = callback
    return response
