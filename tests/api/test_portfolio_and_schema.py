"""The portfolio endpoint gives the dashboard's own figures; the schema matches the code."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from partnership.models import Role
from reporting.filters import parse_filters
from reporting.views import _figures_context
from tests.api.conftest import api
from tests.factories import OrganisationFactory, ProjectFactory, ServiceFactory
from tests.factories.audits import accepted_audit, fill_audit, start_audit

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def dashboard_figures(area, params, role=Role.COMMISSIONER):
    """What the dashboard page itself computes for these filters."""
    request = RequestFactory().get("/", params)
    request.user = area.members[role].user
    request.partnership = area.partnership
    request.membership = area.members[role]
    filters = parse_filters(request.GET, area.partnership, area.members[role])
    return _figures_context(request, filters, timezone.localdate())


def build_portfolio(area):
    from audits import services

    accepted_audit(area)
    health = OrganisationFactory(partnership=area.partnership, sector="health")
    reviewer = area.members[Role.COMMISSIONER]
    admin = area.members[Role.ADMIN]
    for rank in (1, 3):
        project = ProjectFactory(service=ServiceFactory(organisation=health))
        audit = fill_audit(start_audit(area, project=project), admin, rank=rank)
        services.audit_submit(
            audit=audit, membership=admin, by=admin.user, name="A", designation="B", confirmed=True
        )
        services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    return health


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.SERVICE_LEAD, Role.BOARD_MEMBER])
@pytest.mark.parametrize("params", [{}, {"sector": "health"}, {"period": "12m", "outcome": "2"}])
def test_portfolio_endpoint_gives_the_dashboards_figures(area, key_client, role, params):
    build_portfolio(area)
    body = key_client(area, role).get(api(area, "portfolio"), params).json()
    page = dashboard_figures(area, params, role)
    head = page["headline"]
    for name in (
        "projects",
        "audited_projects",
        "accepted",
        "awaiting_review",
        "services",
        "services_audited_12m",
        "reviews_overdue",
        "actions_overdue",
    ):
        assert body["headline"][name] == getattr(head, name), name
    assert body["headline"]["services_audited_share"] == head.services_share
    assert [(o["rank"], o["count"]) for o in body["headline"]["outcomes"]] == [
        (rank, count) for rank, _, count in head.outcomes
    ]
    if page["has_accepted"]:
        assert [(r["service_id"], r["audit_id"]) for r in body["heat_map"]] == [
            (r.service_id, r.audit_id) for r in page["heat_map"]
        ]
        assert [r["levels"] for r in body["heat_map"]] == [
            [c[0] if c else None for c in r.cells] for r in page["heat_map"]
        ]
        assert body["profile"] == {
            str(n): {str(k): v for k, v in c.items()} for n, c in page["profile"].items()
        }
        assert [(t["year"], len(t["principles"])) for t in body["trend"]] == [
            (year, len(table)) for year, table in page["trend"]
        ]
        assert [s["sector"] for s in body["profile_by_sector"]] == [
            s for s, _, _, _ in page["by_sector"]
        ]


def test_portfolio_of_a_filtered_organisation(area, key_client):
    health = build_portfolio(area)
    body = key_client(area).get(api(area, "portfolio"), {"organisation": health.pk}).json()
    assert body["headline"]["audited_projects"] == 2
    assert body["filters"]["organisation"] == str(health.pk)


def test_committed_schema_matches_the_code_and_validates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(SCHEMA_FILE.read_text()), (
        "docs/api/openapi.yaml is out of date: run "
        "`manage.py spectacular --validate --file docs/api/openapi.yaml`"
    )


def test_schema_lists_every_api_route():
    from tests.test_tenancy import API_ROUTES

    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    paths = set(schema["paths"])
    expected = {
        "/api/v1/{slug}/portfolio/",
        *(f"/api/v1/{{slug}}/{kind}/" for kind in ("organisations", "services", "projects")),
        *(f"/api/v1/{{slug}}/{kind}/{{id}}/" for kind in ("organisations", "services", "projects")),
        "/api/v1/{slug}/frameworks/",
        "/api/v1/{slug}/frameworks/{id}/",
        "/api/v1/{slug}/audits/",
        "/api/v1/{slug}/audits/{id}/",
        "/api/v1/{slug}/actions/",
        "/api/v1/{slug}/actions/{id}/",
        "/api/v1/{slug}/actions/{id}/progress/",
        "/api/v1/{slug}/board-packs/",
        "/api/v1/{slug}/board-packs/{id}/",
    }
    assert paths == expected
    assert len(API_ROUTES) == len(expected)
    for operations in schema["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            assert {"401", "403", "404"} <= set(operation["responses"])


def test_reference_pages_use_the_projects_own_files(area):
    """The description of the API is public (it holds no partnership's data)."""
    client = APIClient()
    page = client.get("/api/v1/schema/swagger/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()
    # Redoc's old address leads to the same description.
    assert client.get("/api/v1/schema/redoc/")["Location"] == "/api/v1/schema/swagger/"
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/schema/swagger/?script=").status_code == 200
