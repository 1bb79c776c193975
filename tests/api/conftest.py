import pytest
from rest_framework.test import APIClient

from api.services import api_key_create
from partnership.models import Role


@pytest.fixture
def make_key(db):
    """A key of `area` acting with `role`; returns (key object, key text)."""

    def make(area, role=Role.COMMISSIONER, access="read", **extra):
        return api_key_create(
            partnership=area.partnership,
            by=area.members[Role.ADMIN].user,
            name=f"{role} sync",
            role=role,
            access=access,
            services=[area.service] if role == Role.SERVICE_LEAD else (),
            **extra,
        )

    return make


@pytest.fixture
def key_client(make_key):
    """An API client carrying a key of `area` for `role`."""

    def build(area, role=Role.COMMISSIONER, access="read", **extra):
        key, text = make_key(area, role, access, **extra)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {text}")
        client.key = key
        return client

    return build


def api(area, name, **kwargs):
    from django.urls import reverse

    return reverse(f"api:{name}", kwargs={"slug": area.partnership.slug, **kwargs})
