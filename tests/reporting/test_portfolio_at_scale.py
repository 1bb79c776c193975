"""The portfolio with hundreds of services: the page stays the same size, the heat map
puts the worst organisations first, and the exports hold exactly the dashboard's rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.level_summary import levels_summary_refresh
from audits.models import Action, Audit, PrincipleAssessment
from partnership.models import Organisation, Project, Role, Sector, Service
from principles.models import current_framework

TODAY = timezone.localdate()
SERVICES_PER_ORGANISATION = 10
# The largest the dashboard may be, whatever the number of services.
HTML_LIMIT = 200_000


def grow(area, organisations):
    """`organisations` more organisations of ten services, each service with two projects
    and an accepted audit of each, written in bulk. Organisation n is rated at level
    1 + n % 3, so some organisations are plainly worse than others."""
    partnership = area.partnership
    framework = current_framework(partnership)
    levels = {level.rank: level for level in framework.levels.all()}
    outcomes = {outcome.rank: outcome for outcome in framework.outcomes.all()}
    principles = list(framework.principles.all())
    sectors = Sector.values
    start = Organisation.objects.filter(partnership=partnership).count()
    new = Organisation.objects.bulk_create(
        Organisation(
            partnership=partnership,
            name=f"Organisation {start + n:03d}",
            sector=sectors[(start + n) % len(sectors)],
        )
        for n in range(organisations)
    )
    services = Service.objects.bulk_create(
        Service(partnership=partnership, organisation=org, name=f"{org.name} service {i}")
        for org in new
        for i in range(SERVICES_PER_ORGANISATION)
    )
    projects = Project.objects.bulk_create(
        Project(
            partnership=partnership,
            service=service,
            title=f"{service.name} project {k}",
            start_date=TODAY - timedelta(days=900),
        )
        for service in services
        for k in range(2)
    )
    rank_of = {org.pk: 1 + int(org.name.split()[-1]) % 3 for org in new}
    audits = Audit.objects.bulk_create(
        Audit(
            partnership=partnership,
            project=project,
            framework=framework,
            status=Audit.Status.ACCEPTED,
            audit_date=TODAY - timedelta(days=30 + project.pk % 300),
            review_date=TODAY + timedelta(days=project.pk % 400),
            outcome=outcomes[rank_of[project.service.organisation_id]],
        )
        for project in projects
    )
    PrincipleAssessment.objects.bulk_create(
        PrincipleAssessment(
            audit=audit,
            principle=principle,
            level=levels[rank_of[audit.project.service.organisation_id]],
        )
        for audit in audits
        for principle in principles
    )
    # Levels written in bulk bypass the services: refresh each audit's one-row summary of
    # them as the migration that added it does.
    levels_summary_refresh(Audit.objects.filter(pk__in=[audit.pk for audit in audits]))
    Action.objects.bulk_create(
        Action(audit=audit, what="Share the findings", who="Lead", due_date=TODAY - timedelta(1))
        for audit in audits
    )


def dashboard(client, area, query=""):
    return client.get(reverse("reporting:dashboard", args=[area.partnership.slug]) + query)


@pytest.fixture
def commissioner(client_for, area):
    return client_for(area, Role.COMMISSIONER)


def test_page_size_does_not_grow_with_the_number_of_services(area, commissioner):
    grow(area, 3)  # 30 services, and the area's own
    small = dashboard(commissioner, area)
    assert small.context["headline"].services == 31
    # 210 services: every sector at every level (its profile at its largest), and more
    # organisations than the heat map shows.
    grow(area, 18)
    middle = dashboard(commissioner, area)
    grow(area, 9)  # 300 services
    large = dashboard(commissioner, area)
    assert large.context["headline"].services == 301
    assert len(large.context["heat_map"]) == 301  # every figure is still worked out
    # Bounded: the heat map shows the worst organisations, long lists end in "Show all".
    for response in (small, middle, large):
        assert len(response.content) < HTML_LIMIT
    assert len(large.content) < 1.02 * len(middle.content)
    html = large.content.decode()
    assert "Show all 31 organisations and 301 services in the heat map" in html
    assert html.count('class="govuk-table__header app-heat-map__service"') == 30
    assert "Show all 10 services of" in html


def test_heat_map_puts_the_worst_organisations_first_and_pages_the_rest(area, commissioner):
    grow(area, 12)
    groups = dashboard(commissioner, area).context["heat_map_groups"]
    shares = [g.room_share for g in groups if g.scored]
    assert shares == sorted(shares, reverse=True)
    assert shares[0] == 1  # an organisation rated Room for Improvement throughout
    url = reverse("reporting:heat_map", args=[area.partnership.slug])
    first = commissioner.get(url)
    second = commissioner.get(url + "?page=2")
    shown = [g.organisation for g in first.context["page"].object_list]
    shown += [g.organisation for g in second.context["page"].object_list]
    assert shown == [g.organisation for g in groups]
    assert "Page 1 of 2" in first.content.decode()


def test_exports_rows_match_the_dashboard_for_the_same_filters(area, commissioner):
    grow(area, 4)
    slug = area.partnership.slug
    for query in ("", "?sector=health", "?period=12m&outcome=1"):
        page = dashboard(commissioner, area, query).context
        response = commissioner.get(reverse("reporting:export_csv", args=[slug]) + query)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        assert len(rows) == page["headline"].audited_projects, query
        by_service = {row.service_id: row for row in page["heat_map"] if row.audit_id}
        exported = {int(row[0]): row for row in rows}
        for heat_row in by_service.values():
            levels = [cell[1] if cell else "" for cell in heat_row.cells]
            assert exported[heat_row.audit_id][7:13] == levels, query
        outcomes = {name: count for _, name, count in page["headline"].outcomes}
        for name, count in outcomes.items():
            assert sum(1 for row in rows if row[13] == name) == count, query


def test_export_queries_do_not_grow_with_rows(area, commissioner, django_assert_max_num_queries):
    grow(area, 6)
    slug = area.partnership.slug
    for kind in ("csv", "xlsx"):
        with django_assert_max_num_queries(14):
            response = commissioner.get(reverse(f"reporting:export_{kind}", args=[slug]))
            b"".join(response.streaming_content)
