"""The ladder of participation and the joint commissioning cycle: recorded on projects and
audits, rolled up on the portfolio, and carried by the exports and the API."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Audit
from partnership.models import Project, Role
from partnership.participation import CYCLE_DEFINITIONS, LADDER_DEFINITIONS
from tests.api.conftest import api
from tests.dates import date_fields
from tests.factories import ProjectFactory, ServiceFactory
from tests.factories.audits import fill_audit, start_audit
from voice import selectors

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
TODAY = timezone.localdate()


def accepted(area, project, reached, days_ago=30):
    admin = area.members[Role.ADMIN]
    reviewer = area.members[Role.COMMISSIONER]
    audit = fill_audit(start_audit(area, admin, project=project), admin)
    Audit.objects.filter(pk=audit.pk).update(ladder_reached=reached)
    audit.refresh_from_db()
    services.audit_submit(
        audit=audit, membership=admin, by=admin.user, name="A", designation="B", confirmed=True
    )
    services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    Audit.objects.filter(pk=audit.pk).update(audit_date=TODAY - timedelta(days=days_ago))
    return Audit.objects.get(pk=audit.pk)


def project(area, title, aim="", stage="", **families):
    return ProjectFactory(
        service=area.service, title=title, ladder_aim=aim, cycle_stage=stage, **families
    )


@pytest.fixture
def ladder_world(area, other_area):
    """Aims and reached levels worked out by hand below."""
    Project.objects.filter(pk=area.project.pk).update(
        ladder_aim="co_production",
        cycle_stage="joint_review",
        families_at_joint_planning=True,
        families_at_joint_review=True,
    )
    area.project.refresh_from_db()
    p2 = project(area, "P2", "participation", "joint_planning", families_at_joint_planning=True)
    p3 = project(area, "P3", "consultation", "joint_delivery")
    project(area, "No aim yet")
    accepted(area, area.project, "participation")  # below its aim of co-production
    accepted(area, p2, "co_production")  # above its aim
    accepted(area, p3, "consultation")  # at its aim
    # A re-audit counts, not the first audit: P3's earlier audit reached Information.
    Audit.objects.filter(project=p3).update(audit_date=TODAY - timedelta(days=10))
    old = accepted(area, p3, "information", days_ago=400)
    assert old.ladder_reached == "information"
    # Another partnership's project and audit are never counted.
    Project.objects.filter(pk=other_area.project.pk).update(
        ladder_aim="co_production", cycle_stage="joint_review", families_at_joint_review=True
    )
    accepted(other_area, other_area.project, "no_engagement")
    return {"p2": p2, "p3": p3}


def test_definitions_are_the_seeds_words_exactly():
    west_sussex = (SEEDS / "003_8247f83ef91f88d6.txt").read_text(encoding="utf-8")
    for definition in LADDER_DEFINITIONS.values():
        assert definition in west_sussex
    north_yorkshire = " ".join(
        (SEEDS / "004_09f95e466c2b7217.txt").read_text(encoding="utf-8").split()
    )
    # Joint planning's definition runs across a page break of the seed's table: each
    # sentence is checked.
    for definition in CYCLE_DEFINITIONS.values():
        for sentence in definition.split(". "):
            assert sentence in north_yorkshire


def test_admin_records_the_aim_stage_and_family_stages(client_for, area):
    client = client_for(area, Role.ADMIN)
    url = reverse("partnership:project_edit", args=[area.partnership.slug, area.project.pk])
    form = client.get(url).content.decode()
    # The choices carry West Sussex's and North Yorkshire's definitions as hints.
    assert "The forum is asked what they think about particular developments or issues" in form
    assert "Partners work together to agree which team/ service/ individual" in form
    response = client.post(
        url,
        {
            "service": area.service.pk,
            "title": area.project.title,
            "description": "With families",
            "status": "active",
            **date_fields("start_date", "2025-05-01"),
            "ladder_aim": "co_production",
            "cycle_stage": "joint_planning",
            "family_stages": ["joint_understanding", "joint_planning"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    area.project.refresh_from_db()
    assert area.project.ladder_aim == "co_production"
    assert area.project.cycle_stage == "joint_planning"
    assert [s.value for s in area.project.family_stages] == [
        "joint_understanding",
        "joint_planning",
    ]
    page = client.get(area.project.get_absolute_url()).content.decode()
    assert "Co-production" in page and "Joint understanding" in page
    # Unticking every stage clears them.
    client.post(
        url,
        {
            "service": area.service.pk,
            "title": area.project.title,
            "description": "With families",
            "status": "active",
            **date_fields("start_date", "2025-05-01"),
            "ladder_aim": "co_production",
            "cycle_stage": "joint_planning",
            "active": "on",
        },
    )
    area.project.refresh_from_db()
    assert area.project.family_stages == []


def test_an_unknown_level_gets_a_message(client_for, area):
    client = client_for(area, Role.ADMIN)
    url = reverse("partnership:project_edit", args=[area.partnership.slug, area.project.pk])
    html = client.post(
        url,
        {
            "service": area.service.pk,
            "title": area.project.title,
            "description": "Kept",
            "status": "active",
            **date_fields("start_date", "2025-05-01"),
            "ladder_aim": "top-rung",
            "family_stages": ["joint_nonsense"],
        },
    ).content.decode()
    assert "govuk-error-summary" in html
    assert "Select a valid choice" in html
    area.project.refresh_from_db()
    assert area.project.ladder_aim == ""


def test_the_lead_records_the_level_reached_and_submission_needs_it(client_for, area):
    lead = area.members[Role.SERVICE_LEAD]
    audit = fill_audit(start_audit(area, lead), lead)
    Audit.objects.filter(pk=audit.pk).update(ladder_reached="")
    audit.refresh_from_db()
    problems = [p.message for p in services.submission_problems(audit, audit.assessments.all())]
    assert problems == ["Choose the level of participation reached"]
    client = client_for(area, Role.SERVICE_LEAD)
    url = reverse("audits:summary", args=[area.partnership.slug, audit.pk])
    page = client.get(url).content.decode()
    assert "Level of participation reached" in page
    assert LADDER_DEFINITIONS["participation"] in page
    response = client.post(
        url,
        {
            "ladder_reached": "participation",
            "outcome": str(audit.outcome_id),
            "summary": audit.summary,
            **date_fields("review_date", audit.review_date),
            "version": audit.version,
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.ladder_reached == "participation"
    assert services.submission_problems(audit, audit.assessments.all()) == []
    check = client.get(reverse("audits:check", args=[area.partnership.slug, audit.pk]))
    assert "Participation" in check.content.decode()


def test_a_re_audit_carries_the_level_reached_forward(area):
    first = accepted(area, area.project, "consultation")
    admin = area.members[Role.ADMIN]
    again = services.audit_start(
        project=area.project, by=admin.user, membership=admin, carry_forward=True
    )
    assert again.carried_forward_from == first
    assert again.ladder_reached == "consultation"


def test_the_ladder_roll_up(ladder_world, area):
    ladder = selectors.ladder(area.partnership)
    by_level = {r.level: (r.aimed, r.reached) for r in ladder.rungs}
    assert by_level == {
        "no_engagement": (0, 0),
        "information": (0, 0),
        "consultation": (1, 1),
        "participation": (1, 1),
        "co_production": (1, 1),
    }
    assert ladder.below_aim_count == 1
    assert [a.project for a in ladder.below_aim] == [area.project]


def test_the_cycle_roll_up(ladder_world, area):
    cycle = selectors.cycle(area.partnership)
    assert cycle["total"] == 4
    table = {s.stage: (s.at_stage, s.families_involved) for s in cycle["stages"]}
    assert table == {
        "establish_partnerships": (0, 0),
        "joint_understanding": (0, 0),
        "joint_planning": (1, 2),
        "joint_delivery": (1, 0),
        "joint_review": (1, 1),
    }


def test_a_service_lead_sees_their_own_services_only(ladder_world, area):
    elsewhere = ServiceFactory(organisation=area.organisation, name="Not theirs")
    ProjectFactory(service=elsewhere, title="Theirs not", ladder_aim="information")

    class Scope:
        service_ids = [area.service.pk]
        organisation = sector = service = period = None

    ladder = selectors.ladder(area.partnership, Scope())
    assert {r.level: r.aimed for r in ladder.rungs}["information"] == 0
    assert {r.level: r.aimed for r in selectors.ladder(area.partnership).rungs}["information"] == 1


def test_the_portfolio_shows_the_ladder_in_bounded_queries(
    ladder_world, area, client_for, django_assert_max_num_queries
):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", args=[area.partnership.slug])
    html = client.get(url).content.decode()
    assert "Ladder of participation" in html
    assert "Reached below the aim: 1 project" in html
    assert "Joint commissioning cycle" in html
    assert 'aria-label="Projects by level of participation aimed for and reached.' in html

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    before = count()
    for i in range(5):
        p = project(
            area, f"More {i}", "co_production", "joint_delivery", families_at_joint_delivery=True
        )
        accepted(area, p, "information")
    assert count() == before
    with django_assert_max_num_queries(45):
        client.get(url)
    assert "Reached below the aim: 6 projects" in client.get(url).content.decode()


def test_an_empty_partnership_says_what_to_do(area, client_for):
    html = (
        client_for(area, Role.COMMISSIONER)
        .get(reverse("reporting:dashboard", args=[area.partnership.slug]))
        .content.decode()
    )
    assert "No project has recorded the level of participation it aims for" in html
    assert "No project has recorded its stage of the joint commissioning cycle" in html


def test_exports_carry_the_fields(ladder_world, area, client_for):
    client = client_for(area, Role.COMMISSIONER)
    body = b"".join(
        client.get(reverse("reporting:export_csv", args=[area.partnership.slug])).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(r for r in rows if r["Project"] == area.project.title)
    assert row["Level of participation aimed for"] == "Co-production"
    assert row["Level of participation reached"] == "Participation"
    assert row["Stage of the joint commissioning cycle"] == "Joint review"
    assert row["Families involved at"] == "Joint planning; Joint review"


def test_the_api_carries_the_fields(ladder_world, area, key_client):
    client = key_client(area)
    body = client.get(api(area, "project-detail", pk=area.project.pk)).json()
    assert body["ladder_aim"] == "co_production"
    assert body["cycle_stage"] == "joint_review"
    assert body["family_stages"] == ["joint_planning", "joint_review"]
    audits = client.get(api(area, "audit-list"), {"project": area.project.pk}).json()["results"]
    assert {a["ladder_reached"] for a in audits} == {"participation"}
    portfolio = client.get(api(area, "portfolio")).json()
    levels = {r["level"]: (r["aimed"], r["reached"]) for r in portfolio["ladder"]["levels"]}
    assert levels["co_production"] == (1, 1)
    assert portfolio["ladder"]["below_aim_count"] == 1
    assert {c["stage"]: c["families_involved"] for c in portfolio["cycle"]}["joint_planning"] == 2


def test_the_api_writes_the_fields(area, key_client):
    client = key_client(area, Role.ADMIN, access="read_write")
    created = client.post(
        api(area, "project-list"),
        {
            "service": area.service.pk,
            "title": "Young carers' voice",
            "description": "With young carers",
            "status": "active",
            "start_date": "2026-04-01",
            "ladder_aim": "participation",
            "cycle_stage": "joint_understanding",
            "family_stages": ["establish_partnerships"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    project = Project.objects.get(pk=created.json()["id"])
    assert (project.ladder_aim, project.cycle_stage) == ("participation", "joint_understanding")
    assert project.families_at_establish_partnerships
    changed = client.patch(
        api(area, "project-detail", pk=project.pk), {"ladder_aim": "co_production"}, format="json"
    )
    assert changed.status_code == 200
    project.refresh_from_db()
    # What the change did not name stays as it was.
    assert project.ladder_aim == "co_production"
    assert project.families_at_establish_partnerships
    bad = client.patch(
        api(area, "project-detail", pk=project.pk), {"ladder_aim": "top"}, format="json"
    )
    assert bad.status_code == 400
