"""The API: permissions the same as the pages', scope, filters, paging, writes, errors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits.models import Audit
from partnership.models import Organisation, Role, Sector
from tests.api.conftest import api
from tests.factories import OrganisationFactory, ProjectFactory, ServiceFactory
from tests.factories.audits import accepted_audit, start_audit, submitted_audit

# (API route, method, the page whose roles it must match)
SAME_AS_PAGES = [
    ("organisation-list", "get", "partnership:organisation_list"),
    ("organisation-list", "post", "partnership:organisation_create"),
    ("service-list", "get", "partnership:service_list"),
    ("service-list", "post", "partnership:service_create"),
    ("project-list", "get", "partnership:project_list"),
    ("project-list", "post", "partnership:project_create"),
    ("framework-list", "get", "principles:framework_current"),
    ("audit-list", "get", "audits:audit_list"),
    ("portfolio", "get", "reporting:dashboard"),
    ("action-list", "get", "audits:action_list"),
    ("board-pack-list", "get", "reporting:pack_list"),
    ("board-pack-list", "post", "reporting:pack_create"),
]
# An allowed write with no fields: refused for its content (400), except asking for a
# board pack, where no filters means the whole portfolio (202, being made).
ALLOWED_EMPTY_POST = {"board-pack-list": 202}


def page_roles(name, area):
    path = reverse(name, kwargs={"slug": area.partnership.slug})
    return resolve(path).func.allowed_roles


@pytest.mark.parametrize("credentials", ["session", "key"])
@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize(("route", "method", "page"), SAME_AS_PAGES)
def test_roles_are_the_pages_roles(area, key_client, credentials, role, route, method, page):
    if credentials == "key":
        client = key_client(area, role, access="read_write")
    else:
        client = APIClient()
        client.force_login(area.members[role].user)
    call = getattr(client, method)
    response = (
        call(api(area, route), {}, format="json") if method == "post" else call(api(area, route))
    )
    allowed = role in page_roles(page, area)
    if method == "post":
        # An allowed write with no fields is refused for its content, not for the role.
        ok = ALLOWED_EMPTY_POST.get(route, 400)
        assert response.status_code == (ok if allowed else 403), response.content
    else:
        assert response.status_code == (200 if allowed else 403), response.content


def test_service_lead_sees_the_pages_scope(area, key_client):
    other_service = ServiceFactory(organisation=area.organisation)
    other_project = ProjectFactory(service=other_service)
    draft_elsewhere = start_audit(area, project=other_project)
    own = submitted_audit(area)
    client = key_client(area, Role.SERVICE_LEAD)
    projects = {p["id"] for p in client.get(api(area, "project-list")).json()["results"]}
    assert projects == {area.project.pk}
    audits = {a["id"] for a in client.get(api(area, "audit-list")).json()["results"]}
    assert audits == {own.pk}
    assert client.get(api(area, "audit-detail", pk=draft_elsewhere.pk)).status_code == 404
    # A board member sees only accepted audits, as on the pages.
    board = key_client(area, Role.BOARD_MEMBER)
    assert board.get(api(area, "audit-list")).json()["count"] == 0
    assert board.get(api(area, "audit-detail", pk=own.pk)).status_code == 404


def test_audit_detail_has_its_parts(area, key_client):
    audit = accepted_audit(area)
    body = key_client(area).get(api(area, "audit-detail", pk=audit.pk)).json()
    assert body["status"] == "accepted"
    assert [a["principle"] for a in body["assessments"]] == [1, 2, 3, 4, 5, 6]
    assert all(a["level"] == 2 and a["level_name"] == "Good" for a in body["assessments"])
    assert body["outcome_name"] == "Good"
    assert body["actions"][0]["what"] == "Share the findings"
    assert body["people"] == [{"name": "Sam Lead", "designation": "Service manager"}]


def test_admin_key_writes_the_directory_through_the_pages_rules(area, key_client):
    client = key_client(area, Role.ADMIN, access="read_write")
    created = client.post(
        api(area, "organisation-list"),
        {"name": "York Carers", "sector": "voluntary"},
        format="json",
    )
    assert created.status_code == 201
    organisation = Organisation.objects.get(pk=created.json()["id"])
    assert organisation.partnership == area.partnership
    clash = client.post(
        api(area, "organisation-list"), {"name": "YORK CARERS", "sector": "health"}, format="json"
    )
    assert clash.status_code == 400
    assert "already exists" in clash.json()["name"][0]
    changed = client.patch(
        api(area, "organisation-detail", pk=organisation.pk), {"sector": "health"}, format="json"
    )
    assert changed.status_code == 200
    organisation.refresh_from_db()
    assert (organisation.name, organisation.sector) == ("York Carers", Sector.HEALTH)
    service = client.post(
        api(area, "service-list"),
        {"organisation": organisation.pk, "name": "Young carers"},
        format="json",
    )
    assert service.status_code == 201
    project = client.post(
        api(area, "project-list"),
        {
            "service": service.json()["id"],
            "title": "Young carers' voice",
            "description": "With young carers",
            "status": "active",
            "start_date": "2026-04-01",
            "end_date": "2026-03-01",
        },
        format="json",
    )
    assert project.status_code == 400
    assert "end_date" in project.json()


def test_a_service_of_another_partnership_cannot_be_named(area, other_area, key_client):
    client = key_client(area, Role.ADMIN, access="read_write")
    response = client.post(
        api(area, "service-list"),
        {"organisation": other_area.organisation.pk, "name": "Sneaky"},
        format="json",
    )
    assert response.status_code == 400
    assert "organisation" in response.json()
    assert not other_area.organisation.services.filter(name="Sneaky").exists()


def test_read_only_key_cannot_write(area, key_client):
    client = key_client(area, Role.ADMIN, access="read")
    response = client.post(
        api(area, "organisation-list"), {"name": "New", "sector": "health"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This API key is read-only."
    assert not Organisation.objects.filter(name="New").exists()


def test_session_writes_need_the_csrf_token(area):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(area.members[Role.ADMIN].user)
    response = client.post(
        api(area, "organisation-list"), {"name": "New", "sector": "health"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_malformed_filters_name_the_parameter(area, key_client):
    client = key_client(area)
    bad = {
        "updated_since": "yesterday",
        "audit_date_from": "31/31/2026",
        "status": "lost",
        "ordering": "secret_field",
        "organisation": "abc",
    }
    for parameter, value in bad.items():
        response = client.get(api(area, "audit-list"), {parameter: value})
        assert response.status_code == 400, parameter
        assert parameter in response.json(), response.json()
    portfolio = client.get(api(area, "portfolio"), {"period": "fy20x5", "sector": "nhs"})
    assert portfolio.status_code == 400
    assert set(portfolio.json()) == {"period", "sector"}


def test_page_size_over_the_limit_is_capped_and_said(area, key_client, settings):
    settings.API_MAX_PAGE_SIZE = 2
    for _ in range(3):
        ProjectFactory(service=area.service)
    body = key_client(area).get(api(area, "project-list"), {"page_size": 5000}).json()
    assert len(body["results"]) == 2
    assert body["page_size"] == 2
    assert "over the limit of 2" in body["notice"]
    assert body["count"] == 4


def test_updated_since_and_stable_order_for_a_nightly_sync(area, key_client):
    first = accepted_audit(area)
    second = start_audit(area, project=ProjectFactory(service=area.service))
    cut = timezone.now() - timedelta(minutes=5)
    Audit.objects.filter(pk=first.pk).update(updated_at=cut - timedelta(days=1))
    client = key_client(area, Role.ADMIN)
    since = client.get(api(area, "audit-list"), {"updated_since": cut.isoformat()}).json()
    assert [a["id"] for a in since["results"]] == [second.pk]
    # Ties broken by id: the same order on every call.
    ordered = client.get(api(area, "audit-list"), {"ordering": "status"}).json()["results"]
    again = client.get(api(area, "audit-list"), {"ordering": "status"}).json()["results"]
    assert [a["id"] for a in ordered] == [a["id"] for a in again]


def test_etag_answers_304_when_nothing_changed(area, key_client):
    client = key_client(area)
    first = client.get(api(area, "project-list"))
    etag = first["ETag"]
    assert client.get(api(area, "project-list"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    ProjectFactory(service=area.service, title="A new one")
    assert client.get(api(area, "project-list"), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_throttled_per_key(area, key_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "3/minute", "api_user": "3/minute"},
    }
    busy, quiet = key_client(area), key_client(area)
    codes = [busy.get(api(area, "project-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert quiet.get(api(area, "project-list")).status_code == 200


def _queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "route", ["organisation-list", "service-list", "project-list", "audit-list", "framework-list"]
)
def test_list_queries_do_not_grow_with_rows(area, key_client, route):
    client = key_client(area, Role.ADMIN)
    address = api(area, route)

    def add_rows():
        organisation = OrganisationFactory(partnership=area.partnership)
        for _ in range(2):
            service = ServiceFactory(organisation=organisation)
            project = ProjectFactory(service=service)
            accepted_audit_for(area, project)

    add_rows()
    client.get(address)  # the first call records the key's use
    few = _queries(client, address)
    for _ in range(3):
        add_rows()
    assert _queries(client, address) == few


def accepted_audit_for(area, project):
    from audits import services

    audit = submitted_audit(area)
    reviewer = area.members[Role.COMMISSIONER]
    services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    Audit.objects.filter(pk=audit.pk).update(project=project)


def test_detail_queries_are_bounded(area, key_client, django_assert_max_num_queries):
    audit = accepted_audit(area)
    client = key_client(area, Role.ADMIN)
    client.get(api(area, "audit-detail", pk=audit.pk))
    with django_assert_max_num_queries(14):
        client.get(api(area, "audit-detail", pk=audit.pk))
