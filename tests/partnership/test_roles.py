"""The roles table in DESIGN.md, for every management action: GET shows or hides, POST obeys."""

import pytest
from django.urls import reverse

from partnership.models import Membership, Organisation, Project, Role, Service
from tests.dates import date_fields

MANAGE_PAGES = [
    "organisation_list",
    "organisation_create",
    "service_list",
    "service_create",
    "project_create",
    "people_list",
    "person_invite",
]


def u(area, name, **kwargs):
    return reverse(f"partnership:{name}", kwargs={"slug": area.partnership.slug, **kwargs})


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_only_admins_open_management_pages(client_for, area, role, name):
    response = client_for(area, role).get(u(area, name))
    assert response.status_code == (200 if role == Role.ADMIN else 403)


@pytest.mark.parametrize("role", Role.values)
def test_management_links_shown_only_to_admins(client_for, area, role):
    html = client_for(area, role).get(u(area, "home")).content.decode()
    for name in ("organisation_list", "service_list", "people_list", "person_invite"):
        assert (u(area, name) in html) == (role == Role.ADMIN), name


@pytest.mark.parametrize("role", Role.values)
def test_create_posts_obey_roles(client_for, area, role):
    client = client_for(area, role)
    allowed = role == Role.ADMIN
    posts = [
        (u(area, "organisation_create"), {"name": "New Org", "sector": "health"}, Organisation),
        (
            u(area, "service_create"),
            {"organisation": area.organisation.pk, "name": "New Service"},
            Service,
        ),
        (
            u(area, "project_create"),
            {
                "service": area.service.pk,
                "title": "New project",
                "description": "Working with families.",
                "status": "planned",
                **date_fields("start_date", "2025-01-01"),
            },
            Project,
        ),
    ]
    for url, data, model in posts:
        before = model.objects.count()
        response = client.post(url, data)
        assert response.status_code == (302 if allowed else 403), url
        assert model.objects.count() == before + (1 if allowed else 0), url


@pytest.mark.parametrize("role", Role.values)
def test_changes_to_people_obey_roles(client_for, area, role):
    client = client_for(area, role)
    allowed = role == Role.ADMIN
    lead = area.members[Role.SERVICE_LEAD]
    response = client.post(u(area, "person_edit", pk=lead.pk), {"role": Role.COMMISSIONER})
    assert response.status_code == (302 if allowed else 403)
    lead.refresh_from_db()
    assert (lead.role == Role.COMMISSIONER) == allowed

    board = area.members[Role.BOARD_MEMBER]
    response = client.post(u(area, "person_deactivate", pk=board.pk))
    assert response.status_code == (302 if allowed else 403)
    board.refresh_from_db()
    assert board.active == (not allowed)


@pytest.mark.parametrize("role", Role.values)
def test_deactivations_obey_roles(client_for, area, role):
    client = client_for(area, role)
    allowed = role == Role.ADMIN
    for name, obj in (
        ("project_deactivate", area.project),
        ("service_deactivate", area.service),
        ("organisation_deactivate", area.organisation),
    ):
        response = client.post(u(area, name, pk=obj.pk))
        assert response.status_code == (302 if allowed else 403)
        obj.refresh_from_db()
        assert obj.active == (not allowed)


@pytest.mark.parametrize(
    "role,sees",
    [
        (Role.ADMIN, True),
        (Role.COMMISSIONER, True),
        (Role.BOARD_MEMBER, True),
        (Role.SERVICE_LEAD, True),
        (Role.FAMILY_PARTNER, False),
    ],
)
def test_project_scope_by_role(client_for, area, role, sees):
    from tests.factories import ProjectFactory, ServiceFactory

    elsewhere = ProjectFactory(service=ServiceFactory(organisation=area.organisation))
    client = client_for(area, role)
    html = client.get(u(area, "project_list")).content.decode()
    assert (area.project.title in html) == sees
    # A service lead sees only their own services' projects.
    assert (elsewhere.title in html) == (sees and role != Role.SERVICE_LEAD)
    expected = 200 if sees and role != Role.SERVICE_LEAD else 404
    assert client.get(u(area, "project_detail", pk=elsewhere.pk)).status_code == expected


def test_self_cannot_be_deactivated(client_for, area):
    admin = area.members[Role.ADMIN]
    response = client_for(area, Role.ADMIN).post(u(area, "person_deactivate", pk=admin.pk))
    assert response.status_code == 404
    assert Membership.objects.get(pk=admin.pk).active
