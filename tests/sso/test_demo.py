import pytest

from partnership import demo as partnership_demo
from partnership.models import Membership
from sso import demo, demo_provider
from sso.models import SignInProvider

pytestmark = pytest.mark.django_db


def test_the_demo_provider_knows_york_demo_people_with_their_password():
    assert demo_provider.DEMO_PASSWORD == partnership_demo.DEMO_PASSWORD
    partnership_demo.load()
    york_members = set(
        Membership.objects.filter(
            partnership__slug="york", user__email__endswith="@york.example"
        ).values_list("user__email", flat=True)
    )
    demo_people = {email for email, _, _ in demo_provider.DEMO_PEOPLE}
    assert york_members <= demo_people
    assert demo_people - york_members == {"visitor@york.example"}


def test_york_signs_in_through_the_local_provider_when_it_runs(monkeypatch):
    partnership_demo.load()
    demo.load()
    example = SignInProvider.objects.get(partnership__slug="york")
    assert example.kind == "entra" and not example.enabled
    monkeypatch.setenv("DEMO_OIDC_ISSUER", "http://127.0.0.1:8001/o")
    demo.load()
    provider = SignInProvider.objects.get(partnership__slug="york")
    assert provider.enabled and provider.server_url == "http://127.0.0.1:8001/o"
    assert provider.client_secret() == demo_provider.DEMO_CLIENT_SECRET
