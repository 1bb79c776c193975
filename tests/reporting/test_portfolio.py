"""The portfolio figures for a hand-built dataset, each worked out here independently."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits import services
from audits.models import Action, Audit
from partnership.models import Role, Sector
from tests.dates import date_fields
from tests.factories import OrganisationFactory, ProjectFactory, ServiceFactory
from tests.factories.audits import fill_audit

TODAY = timezone.localdate()


def make_audit(area, project, days_ago, rank, status="accepted", outcome_rank=None):
    """An audit of `project` dated `days_ago`, every principle at `rank`."""
    admin = area.members[Role.ADMIN]
    reviewer = area.members[Role.COMMISSIONER]
    audit = services.audit_start(project=project, by=admin.user, membership=admin)
    fill_audit(audit, admin, rank=rank)
    if outcome_rank:
        Audit.objects.filter(pk=audit.pk).update(
            outcome=audit.framework.outcomes.get(rank=outcome_rank)
        )
    audit.refresh_from_db()
    if status in ("submitted", "accepted"):
        services.audit_submit(
            audit=audit, membership=admin, by=admin.user, name="A", designation="B", confirmed=True
        )
    if status == "accepted":
        services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    Audit.objects.filter(pk=audit.pk).update(audit_date=TODAY - timedelta(days=days_ago))
    return Audit.objects.get(pk=audit.pk)


@pytest.fixture
def world(area, other_area):
    """Two sectors; a re-audit that moved up, one that moved down, one submitted, one draft."""
    s1 = area.service  # local authority
    health = OrganisationFactory(partnership=area.partnership, sector=Sector.HEALTH, name="Trust")
    s2 = ServiceFactory(organisation=health, name="Therapies")
    s3 = ServiceFactory(organisation=health, name="Never audited")
    p1 = area.project
    p2 = ProjectFactory(service=s2, title="P2")
    p3 = ProjectFactory(service=s2, title="P3")
    p4 = ProjectFactory(service=s1, title="P4")
    w = {
        "s1": s1,
        "s2": s2,
        "s3": s3,
        "p1": p1,
        "p2": p2,
        "p3": p3,
        "p4": p4,
        "p1_old": make_audit(area, p1, 700, rank=1, outcome_rank=1),
        "p1_new": make_audit(area, p1, 200, rank=3, outcome_rank=3),
        "p2_old": make_audit(area, p2, 650, rank=3, outcome_rank=3),
        "p2_new": make_audit(area, p2, 100, rank=2, outcome_rank=2),
        "p3_sub": make_audit(area, p3, 50, rank=2, status="submitted", outcome_rank=2),
        "p4_draft": make_audit(area, p4, 10, rank=1, status="draft"),
    }
    # P2's review date has passed; an action of P1's latest audit is overdue.
    Audit.objects.filter(pk=w["p2_new"].pk).update(review_date=TODAY - timedelta(days=5))
    Audit.objects.filter(pk=w["p1_new"].pk).update(review_date=TODAY + timedelta(days=30))
    Action.objects.filter(audit=w["p1_new"]).update(due_date=TODAY - timedelta(days=3))
    # Another partnership with its own accepted audit, which must never be counted.
    make_audit(other_area, other_area.project, 100, rank=1, outcome_rank=1)
    return w


def dashboard(client, area, query=""):
    return client.get(reverse("reporting:dashboard", args=[area.partnership.slug]) + query)


def figures_html(response):
    """The figures of the page, without the parts that change with each request."""
    html = response.content.decode()
    return html[html.index("Headline figures") : html.index("</main>")]


def test_headline_figures(client_for, area, world):
    response = dashboard(client_for(area, Role.COMMISSIONER), area)
    head = response.context["headline"]
    # Latest accepted audit of each project: P1 (new) and P2 (new).
    assert head.audited_projects == 2
    assert head.projects == 4
    assert head.accepted == 4
    assert head.awaiting_review == 1
    # Services with an accepted audit in the last 365 days: S1 (200 days) and S2 (100 days).
    assert (head.services_audited_12m, head.services) == (2, 3)
    assert head.services_share == 67
    assert head.reviews_overdue == 1
    assert head.actions_overdue == 1
    assert head.outcomes == [(1, "Requires Improvement", 0), (2, "Good", 1), (3, "Outstanding", 1)]


def test_heat_map_cells(client_for, area, world):
    rows = dashboard(client_for(area, Role.COMMISSIONER), area).context["heat_map"]
    by_service = {row.service: row for row in rows}
    assert [c[1] for c in by_service[world["s1"].name].cells] == ["Excellent"] * 6
    assert by_service[world["s1"].name].audit_id == world["p1_new"].pk
    assert [c[1] for c in by_service["Therapies"].cells] == ["Good"] * 6
    assert by_service["Never audited"].cells == [None] * 6
    html = dashboard(client_for(area, Role.COMMISSIONER), area).content.decode()
    assert reverse("audits:audit_view", args=[area.partnership.slug, world["p1_new"].pk]) in html


def test_principle_profile_by_level_and_sector(client_for, area, world):
    context = dashboard(client_for(area, Role.COMMISSIONER), area).context
    for number in range(1, 7):
        assert context["profile"][number] == {1: 0, 2: 1, 3: 1}
    sectors = {sector: counts for sector, _, counts, _ in context["by_sector"]}
    assert sectors["local_authority"][1] == {1: 0, 2: 0, 3: 1}
    assert sectors["health"][4] == {1: 0, 2: 1, 3: 0}


def test_trend_and_movement(client_for, area, world):
    context = dashboard(client_for(area, Role.COMMISSIONER), area).context
    expected = {}
    for audit, good in (
        (world["p1_old"], False),
        (world["p1_new"], True),
        (world["p2_old"], True),
        (world["p2_new"], True),
    ):
        year = audit.audit_date.year
        g, t = expected.get(year, (0, 0))
        expected[year] = (g + good, t + 1)
    trend = dict(context["trend"])
    assert set(trend) == set(expected)
    for year, (good, total) in expected.items():
        assert trend[year][1] == (good, total)
    movement = context["movement"]
    assert (movement.up, movement.same, movement.down) == (1, 0, 1)
    assert movement.up_ids == [world["p1_new"].pk]
    assert movement.down_ids == [world["p2_new"].pk]


def test_filters_change_the_figures(client_for, area, world):
    client = client_for(area, Role.COMMISSIONER)
    health = dashboard(client, area, "?sector=health").context
    assert health["headline"].audited_projects == 1
    assert health["profile"][1] == {1: 0, 2: 1, 3: 0}
    with_submitted = dashboard(client, area, "?include_submitted=1").context
    assert with_submitted["headline"].audited_projects == 3
    # A custom period that covers only the two older audits.
    period = dashboard(
        client,
        area,
        f"?period=custom&from={world['p1_old'].audit_date}&to={world['p2_old'].audit_date}",
    ).context
    assert period["headline"].audited_projects == 2
    assert period["profile"][2] == {1: 1, 2: 0, 3: 1}
    outcome = dashboard(client, area, "?outcome=3").context
    assert outcome["headline"].audited_projects == 1


def test_drill_down_lists_the_audits_behind_a_number(client_for, area, world):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:drill_down", args=[area.partnership.slug])
    cases = {
        "?figure=cell&principle=1&level=3": [world["p1_new"]],
        "?figure=cell&principle=1&level=2&sector=health": [world["p2_new"]],
        "?figure=awaiting": [world["p3_sub"]],
        "?figure=overdue": [world["p2_new"]],
        "?figure=actions": [world["p1_new"]],
        "?figure=up": [world["p1_new"]],
        "?figure=down": [world["p2_new"]],
        "?figure=accepted": [world["p1_new"], world["p2_new"], world["p1_old"], world["p2_old"]],
        "?figure=outcome&rank=2": [world["p2_new"]],
    }
    for query, expected in cases.items():
        audits = client.get(url + query).context["audits"]
        assert sorted(a.pk for a in audits) == sorted(a.pk for a in expected), query
    head = dashboard(client, area).context["headline"]
    assert len(client.get(url + "?figure=portfolio").context["audits"]) == head.audited_projects


def test_exports_hold_exactly_the_filtered_rows(client_for, area, world):
    client = client_for(area, Role.BOARD_MEMBER)
    slug = area.partnership.slug
    response = client.get(reverse("reporting:export_csv", args=[slug]) + "?sector=health")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Audit id", "Project", "Service"]
    assert [(r[0], r[1], r[4], r[7], r[13]) for r in rows[1:]] == [
        (str(world["p2_new"].pk), "P2", "Health", "Good", "Good")
    ]
    response = client.get(reverse("reporting:export_xlsx", args=[slug]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    audits = list(workbook["Audits"].iter_rows(values_only=True))
    assert len(audits) == 3
    ids = {row[0] for row in audits[1:]}
    assert ids == {world["p1_new"].pk, world["p2_new"].pk}
    by_id = {row[0]: row for row in audits[1:]}
    assert by_id[world["p1_new"].pk][7:13] == ("Excellent",) * 6
    assert by_id[world["p1_new"].pk][13] == "Outstanding"
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert (
        len(actions)
        == 1 + Action.objects.filter(audit__in=[world["p1_new"], world["p2_new"]]).count()
    )


def test_service_lead_sees_only_their_services(client_for, area, world):
    context = dashboard(client_for(area, Role.SERVICE_LEAD), area).context
    assert context["headline"].audited_projects == 1
    assert [row.service for row in context["heat_map"]] == [world["s1"].name]


def test_family_partners_have_no_dashboard(client_for, area, world):
    assert dashboard(client_for(area, Role.FAMILY_PARTNER), area).status_code == 403


def test_bad_filter_values_are_named_and_ignored(client_for, area, other_area, world):
    client = client_for(area, Role.COMMISSIONER)
    response = dashboard(
        client,
        area,
        f"?period=custom&from=2024-13-45&organisation={other_area.organisation.pk}&sector=x&outcome=9",
    )
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("From date", "Organisation", "Sector", "Outcome"):
        assert f"The filter “{label}” was not recognised" in html
    assert response.context["headline"].audited_projects == 2
    assert other_area.organisation.name not in html


def test_empty_partnership_says_what_to_do(client_for, other_area):
    html = dashboard(client_for(other_area, Role.COMMISSIONER), other_area).content.decode()
    assert "No accepted audits yet" in html
    assert "<svg" not in html


def test_dashboard_queries_do_not_grow_with_data(
    client_for, area, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(area, Role.COMMISSIONER)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert dashboard(client, area).status_code == 200
        return len(ctx)

    before = count()
    for i in range(6):
        service = ServiceFactory(organisation=area.organisation, name=f"Extra {i}")
        make_audit(area, ProjectFactory(service=service), 30 + i, rank=1 + i % 3, outcome_rank=2)
    assert count() == before
    with django_assert_max_num_queries(39):
        dashboard(client, area)


def test_cached_figures_are_replaced_as_soon_as_the_data_changes(
    client_for, area, world, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTFOLIO_CACHE_SECONDS = 600
    client = client_for(area, Role.COMMISSIONER)
    first = figures_html(dashboard(client, area))
    with CaptureQueriesContext(connection) as cached:
        second = figures_html(dashboard(client, area))
    assert second == first
    with CaptureQueriesContext(connection) as fresh:
        dashboard(client, area, "?sector=health")
    assert len(cached) < len(fresh)
    # Accepting the submitted audit changes the figures at once.
    reviewer = area.members[Role.COMMISSIONER]
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_accept(audit=world["p3_sub"], membership=reviewer, by=reviewer.user)
    html = figures_html(dashboard(client, area))
    assert html != first
    assert '<span class="app-count">3</span> projects audited' in html


def test_a_change_keeps_the_cached_figures_it_cannot_affect(
    client_for, area, world, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTFOLIO_CACHE_SECONDS = 600
    client = client_for(area, Role.COMMISSIONER)
    old = f"?period=cy{world['p1_old'].audit_date.year}"
    recent = f"?period=cy{world['p2_new'].audit_date.year}"
    assert old != recent

    def queries(query):
        with CaptureQueriesContext(connection) as ctx:
            assert dashboard(client, area, query).status_code == 200
        return len(ctx)

    fresh = queries(recent)
    queries(old)
    cached = queries(recent)
    assert queries(old) == cached < fresh
    # An action of a recent audit is done: that year's figures are worked out again, the
    # figures of an earlier year stay cached.
    action = Action.objects.filter(audit=world["p2_new"]).first()
    with django_capture_on_commit_callbacks(execute=True):
        action.status = Action.Status.DONE
        action.save()
    assert queries(old) == cached
    assert queries(recent) > cached
    assert queries(recent) == cached
    # A draft being filled in is counted by no figure: nothing is worked out again.
    draft = world["p4_draft"]
    assessment = draft.assessments.first()
    with django_capture_on_commit_callbacks(execute=True):
        assessment.notes = "More evidence from the parent carer forum"
        assessment.save()
        draft.summary = "Still being written"
        draft.save()
    assert queries(recent) == cached
    assert queries(old) == cached


def test_custom_period_ending_before_it_starts_is_an_error_in_the_filters(area, client_for):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", kwargs={"slug": area.partnership.slug})
    html = client.get(
        url,
        {
            "period": "custom",
            **date_fields("from", "2025-06-01"),
            **date_fields("to", "2025-05-01"),
        },
    ).content.decode()
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert 'href="#to">The ‘to’ date must be the same as or after the ‘from’ date' in html
    # What was typed is still in the boxes, to be put right.
    assert 'name="to-month" type="text" inputmode="numeric" value="5"' in html


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "4", "2025"), "The ‘from’ date must include a day"),
        (("31", "2", "2025"), "The ‘from’ date must be a real date"),
        (("1", "4", "25"), "Year must include 4 numbers"),
    ],
)
def test_typed_period_dates_get_govuk_messages(area, client_for, parts, message):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", kwargs={"slug": area.partnership.slug})
    day, month, year = parts
    html = client.get(
        url, {"period": "custom", "from-day": day, "from-month": month, "from-year": year}
    ).content.decode()
    assert f'href="#from">{message}' in html


def test_typed_period_dates_filter_like_a_shared_link(area, client_for):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", kwargs={"slug": area.partnership.slug})
    html = client.get(
        url,
        {
            "period": "custom",
            **date_fields("from", "2025-04-01"),
            **date_fields("to", "2026-03-31"),
        },
    ).content.decode()
    assert "1 Apr 2025 to 31 Mar 2026" in html
    assert "govuk-error-summary" not in html


def test_trend_lines_with_equal_values_stay_apart():
    from reporting.charts import trend_lines

    # Every principle at the same share in both years.
    trend = [(2024, {n: (1, 2) for n in range(1, 7)}), (2025, {n: (1, 2) for n in range(1, 7)})]
    svg = trend_lines(trend, title="Share")
    import re

    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(lines) == 6
    assert len(set(lines)) == 6  # no two lines drawn on the same pixels
    markers = set(re.findall(r'd="(M[^"]+)" fill', svg))
    assert len(markers) == 6  # a different marker shape for each principle


def test_a_kept_workbook_is_replaced_as_soon_as_the_data_changes(
    client_for, area, world, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTFOLIO_CACHE_SECONDS = 600
    client = client_for(area, Role.BOARD_MEMBER)
    url = reverse("reporting:export_xlsx", args=[area.partnership.slug])

    def download(query=""):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + query)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook["Audits"].iter_rows(values_only=True))[1:]
        return {row[0]: row[7:13] for row in rows}, len(ctx)

    first, written = download()
    again, kept = download()
    assert again == first
    assert kept < written
    # Other filters are another workbook.
    health, _ = download("?sector=health")
    assert set(health) == {world["p2_new"].pk}
    # A change to a counted audit's levels is in the next download.
    assessment = world["p1_new"].assessments.get(principle__number=1)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.level = assessment.audit.framework.levels.get(rank=1)
        assessment.save()
    changed, queries = download()
    assert changed[world["p1_new"].pk][0] == "Room for Improvement"
    assert changed[world["p1_new"].pk][1:] == ("Excellent",) * 5
    assert queries == written


def test_a_kept_csv_is_replaced_as_soon_as_the_data_changes(
    client_for, area, world, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTFOLIO_CACHE_SECONDS = 600
    client = client_for(area, Role.BOARD_MEMBER)
    url = reverse("reporting:export_csv", args=[area.partnership.slug])

    def download():
        with CaptureQueriesContext(connection) as ctx:
            text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        return {row[0]: row[7:13] for row in list(csv.reader(io.StringIO(text)))[1:]}, len(ctx)

    first, written = download()
    again, kept = download()
    assert again == first and kept < written
    assessment = world["p1_new"].assessments.get(principle__number=2)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.level = assessment.audit.framework.levels.get(rank=1)
        assessment.save()
    changed, queries = download()
    assert changed[str(world["p1_new"].pk)][1] == "Room for Improvement"
    assert queries == written


def test_an_export_too_big_to_keep_is_written_afresh(
    client_for, area, world, settings, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import exports

    settings.PORTFOLIO_CACHE_SECONDS = 600
    monkeypatch.setattr(exports, "EXPORT_KEEP_MAX_BYTES", 100)
    client = client_for(area, Role.BOARD_MEMBER)
    for name in ("reporting:export_csv", "reporting:export_xlsx"):
        url = reverse(name, args=[area.partnership.slug])
        counts, contents = [], []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                contents.append(b"".join(client.get(url).streaming_content))
            counts.append(len(ctx))
        assert len(contents[0]) > 100
        assert counts[0] == counts[1], name
