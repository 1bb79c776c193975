"""API keys: made on the page, shown once, stored hashed, used, revoked, expired."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import PartnershipAPIKey
from partnership.models import Role, SecurityEvent
from tests.api.conftest import api


def keys_url(area, name="list", **kwargs):
    return reverse(f"api_keys:{name}", kwargs={"slug": area.partnership.slug, **kwargs})


def with_key(text):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {text}")
    return client


def test_admin_makes_a_key_that_is_shown_once_and_stored_hashed(area, client):
    client.force_login(area.members[Role.ADMIN].user)
    response = client.post(
        keys_url(area, "create"),
        {"name": "Power BI", "access": "read", "role": Role.BOARD_MEMBER, "expires": "90"},
    )
    assert response.status_code == 200
    text = response.context["text"]
    assert text in response.content.decode()
    key = PartnershipAPIKey.objects.get()
    assert (key.partnership, key.role, key.access) == (area.partnership, "board_member", "read")
    assert key.created_by == area.members[Role.ADMIN].user
    assert abs(key.expiry_date - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    # Only a hash is kept: the key's secret part is in no stored column.
    secret = text.partition(".")[2]
    stored = [str(value) for value in PartnershipAPIKey.objects.values().get().values()]
    assert not any(secret in value for value in stored)
    assert key.hashed_key != secret
    # The list shows the key's start, never the whole key again.
    listing = client.get(keys_url(area)).content.decode()
    assert key.prefix in listing and text not in listing
    assert "Never" in listing  # not used yet
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_KEY_CREATED)
    assert event.partnership == area.partnership
    assert secret not in str(event.detail) and event.detail["prefix"] == key.prefix

    # The key works, and its use is recorded.
    assert with_key(text).get(api(area, "portfolio")).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_service_lead_key_needs_services(area, client):
    client.force_login(area.members[Role.ADMIN].user)
    response = client.post(
        keys_url(area, "create"),
        {"name": "Lead", "access": "read", "role": Role.SERVICE_LEAD, "expires": "30"},
    )
    assert response.status_code == 200
    assert "Choose the services" in response.content.decode()
    assert not PartnershipAPIKey.objects.exists()


def test_revoking_takes_effect_at_once(area, client, make_key):
    key, text = make_key(area)
    api_client = with_key(text)
    assert api_client.get(api(area, "audit-list")).status_code == 200
    client.force_login(area.members[Role.ADMIN].user)
    assert client.get(keys_url(area, "revoke", pk=key.pk)).status_code == 200  # asks first
    response = client.post(keys_url(area, "revoke", pk=key.pk))
    assert response.status_code == 302
    refused = api_client.get(api(area, "audit-list"))
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This API key has been revoked.", "code": "key_revoked"}
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_KEY_REVOKED)
    assert event.user == area.members[Role.ADMIN].user
    assert "Revoked" in client.get(keys_url(area)).content.decode()


def test_expired_and_unknown_keys_say_which(area, make_key):
    key, text = make_key(area, expires_at=timezone.now() + timedelta(days=1))
    PartnershipAPIKey.objects.filter(pk=key.pk).update(
        expiry_date=timezone.now() - timedelta(seconds=1)
    )
    expired = with_key(text).get(api(area, "audit-list"))
    assert expired.status_code == 401
    assert expired.json()["code"] == "key_expired"
    wrong = with_key(text[:-3] + "abc").get(api(area, "audit-list"))
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "key_unknown"
    nonsense = with_key("nonsense").get(api(area, "audit-list"))
    assert nonsense.json()["code"] == "key_unknown"


def test_a_key_belongs_to_one_partnership(area, other_area, make_key):
    _, text = make_key(area, Role.ADMIN)
    assert with_key(text).get(api(other_area, "portfolio")).status_code == 404
    assert with_key(text).get("/api/v1/no-such-place/portfolio/").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_manage_keys(area, client, make_key, role):
    key, _ = make_key(area)
    client.force_login(area.members[role].user)
    assert client.get(keys_url(area)).status_code == 403
    assert client.post(keys_url(area, "create"), {"name": "x"}).status_code == 403
    assert client.post(keys_url(area, "revoke", pk=key.pk)).status_code == 403
    key.refresh_from_db()
    assert not key.revoked


def test_admin_cannot_revoke_another_partnerships_key(area, other_area, client, make_key):
    key, text = make_key(other_area)
    client.force_login(area.members[Role.ADMIN].user)
    assert client.post(keys_url(area, "revoke", pk=key.pk)).status_code == 404
    assert with_key(text).get(api(other_area, "audit-list")).status_code == 200


def test_using_a_key_is_in_the_security_log_once_a_day(area, make_key):
    key, text = make_key(area)
    client = with_key(text)
    used = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_KEY_USED)
    for _ in range(3):
        assert client.get(api(area, "project-list")).status_code == 200
    event = used.get()
    assert event.partnership == area.partnership
    assert event.detail["prefix"] == key.prefix and event.detail["path"].endswith("/projects/")
    # The next day's first use is written again.
    PartnershipAPIKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now() - timedelta(days=1)
    )
    client.get(api(area, "project-list"))
    assert used.count() == 2


def test_a_revoked_key_tried_is_in_the_security_log(area, make_key):
    from api.services import api_key_revoke

    key, text = make_key(area)
    api_key_revoke(key=key, by=area.members[Role.ADMIN].user)
    client = with_key(text)
    for _ in range(3):
        assert client.get(api(area, "project-list")).json()["code"] == "key_revoked"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_KEY_REFUSED)
    assert event.detail["why"] == "revoked" and event.partnership == area.partnership
