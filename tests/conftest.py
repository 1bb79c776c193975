import os
import shutil
from dataclasses import dataclass, field

import pytest
from django.conf import settings

from config.celery import app as celery_app
from partnership.models import Role
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProjectFactory,
    ServiceFactory,
)

# Tasks run in the test process, so their effects (emails) can be asserted.
celery_app.conf.task_always_eager = True

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_sessionstart(session):
    """In CI a missing service is a failure, never a quiet skip."""
    if not IN_CI:
        return
    problems = []
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        problems.append("DATABASE_URL must point at PostgreSQL in CI")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL must be set in CI")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL).ping()
        except redis.RedisError as error:
            problems.append(f"Redis is not reachable: {error}")
    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        problems.append("Chromium is not installed")
    if problems:
        raise pytest.UsageError("; ".join(problems))


@pytest.fixture(autouse=True)
def _test_settings(settings):
    from django.core.cache import cache

    # Serving processes refuse the public development key with debug off; tests that
    # start a real worker in this process need a key of their own, like production.
    settings.SECRET_KEY = "a-test-only-key-" + "k" * 40
    # Rate limits live in the cache; one test's failed sign-ins must not limit the next.
    cache.clear()
    # Tests sign in many times from one address; lockout has its own tests.
    settings.AXES_ENABLED = False
    # Figures are computed afresh on every request unless a test is about the cache.
    settings.PORTFOLIO_CACHE_SECONDS = 0
    # A fast hash: tests create hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The live server serves static files from their sources, under their own names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _york_framework(request):
    """Transactional tests empty the database after each test, York 2020 included, so
    put it back for them the way the data migration first loaded it."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    import json
    from pathlib import Path

    from principles.models import Framework
    from principles.services import framework_create_from_data

    # The same file the data migration loads.
    data_file = Path(__file__).resolve().parents[1] / "principles" / "data" / "york_2020.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    if not Framework.objects.filter(title=data["title"], version=data["version"]).exists():
        framework_create_from_data(data=data, publish=True)


@dataclass
class Area:
    """One partnership with an object of every kind and a member of every role."""

    partnership: object
    organisation: object
    service: object
    project: object
    invitation: object
    inactive_member: object
    members: dict = field(default_factory=dict)


def make_area(slug):
    partnership = PartnershipFactory(slug=slug, name=f"{slug.title()} SEND Partnership")
    organisation = OrganisationFactory(partnership=partnership)
    service = ServiceFactory(organisation=organisation)
    project = ProjectFactory(service=service)
    members = {}
    for role in Role.values:
        members[role] = MembershipFactory(
            partnership=partnership,
            role=role,
            user__email=f"{role}@{slug}.example",
            services=[service] if role == Role.SERVICE_LEAD else None,
        )
    inactive = MembershipFactory(partnership=partnership, role=Role.COMMISSIONER, active=False)
    invitation = InvitationFactory(partnership=partnership)
    return Area(partnership, organisation, service, project, invitation, inactive, members)


@pytest.fixture
def area(db):
    return make_area("alpha")


@pytest.fixture
def other_area(db):
    return make_area("beta")


@pytest.fixture
def client_for(client):
    """A test client signed in as the member of `role` in `area`."""

    def sign_in(area, role):
        client.force_login(area.members[role].user)
        return client

    return sign_in
