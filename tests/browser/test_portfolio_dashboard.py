"""The portfolio dashboard in a browser: the empty state, filtering, following a heat-map
cell and a headline figure to the audits behind them, bad filter values in a shared link,
and what each role sees, with axe-core run on every page."""

import re

import pytest
from playwright.sync_api import expect

from partnership.models import Role, Sector
from tests.conftest import make_area
from tests.factories import PASSWORD, OrganisationFactory, ProjectFactory, ServiceFactory
from tests.reporting.test_portfolio import make_audit

pytestmark = pytest.mark.django_db(transaction=True)

DASHBOARD = "/york/portfolio/"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/york/$"))


def heat_map_services(page):
    return page.locator(".app-heat-map th[scope=row]")


@pytest.fixture
def york(db):
    """A council service and two hospital services; audits at every level, one submitted."""
    area = make_area("york")
    area.service.name = "Short Breaks"
    area.service.save()
    trust = OrganisationFactory(
        partnership=area.partnership,
        sector=Sector.HEALTH,
        name="York Teaching Hospital NHS Foundation Trust",
    )
    therapies = ServiceFactory(organisation=trust, name="Therapies")
    ServiceFactory(organisation=trust, name="Wheelchairs")
    area.project.title = "Holiday activities"
    area.project.save()
    clinic = ProjectFactory(service=therapies, title="Clinic letters")
    waiting = ProjectFactory(service=therapies, title="Waiting list")
    council_second = ProjectFactory(service=area.service, title="Short breaks offer")
    audits = {
        "council_excellent": make_audit(area, area.project, 200, rank=3, outcome_rank=3),
        "council_room": make_audit(area, council_second, 400, rank=1, outcome_rank=1),
        "clinic_old": make_audit(area, clinic, 650, rank=1, outcome_rank=1),
        "clinic_good": make_audit(area, clinic, 100, rank=2, outcome_rank=2),
        "waiting_submitted": make_audit(
            area, waiting, 20, rank=2, status="submitted", outcome_rank=2
        ),
    }
    return area, audits


def test_empty_partnership_explains_what_to_do(new_page, axe):
    make_area("york")
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD)

    expect(page.get_by_role("heading", name="No accepted audits yet")).to_be_visible()
    expect(page.get_by_role("link", name="project’s page")).to_have_attribute(
        "href", "/york/projects/"
    )
    expect(page.get_by_text("when a commissioner accepts it, it is counted here")).to_be_visible()
    # Nothing is filtered, so there is nothing to clear.
    expect(page.get_by_role("link", name="Clear the filters")).to_have_count(0)
    expect(page.get_by_text("for these filters")).to_have_count(0)
    expect(page.locator("svg.app-chart")).to_have_count(0)
    expect(page.locator(".app-heat-map")).to_have_count(0)
    axe(page, "empty dashboard")

    # With a filter that matches nothing, the page offers to clear it.
    page.get_by_label("Sector", exact=True).select_option(label="Health")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.get_by_text("appear once audits have been accepted for these filters")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    axe(page, "empty dashboard, filtered")


def test_commissioner_filters_by_sector_and_follows_the_figures(york, new_page, axe):
    area, audits = york
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD)

    expect(
        page.get_by_role("heading", name="Heat map: latest audit of each service")
    ).to_be_visible()
    expect(heat_map_services(page)).to_have_count(3)
    expect(page.locator("svg.app-chart")).to_have_count(4)  # profile, two sectors, trend
    # The figures behind each sector's chart are one click away, and axe checks them open.
    for summary in page.locator(".govuk-details__summary").all():
        summary.click()
    axe(page, "dashboard, all sectors")

    # On a 320px-wide screen only the tables scroll sideways, never the whole page
    # (WCAG 1.4.10), even with a long organisation name in the Service select.
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1200, "height": 900})

    page.get_by_label("Sector", exact=True).select_option(label="Health")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"[?&]sector=health(&|$)"))
    expect(page.get_by_label("Sector", exact=True)).to_have_value("health")
    # Only the clinic's latest audit counts: the waiting-list audit is not yet accepted.
    expect(page.locator(".app-card").first).to_contain_text("1 project audited, of 2 active")
    expect(heat_map_services(page)).to_have_text([re.compile("^Therapies"), "Wheelchairs"])
    expect(page.locator(".app-heat-map")).not_to_contain_text("Short Breaks")
    axe(page, "dashboard, health")

    awaiting = page.get_by_role("link", name=re.compile(r"awaiting review$"))
    count = int(awaiting.locator(".app-count").inner_text())
    assert count == 1
    awaiting.click()
    expect(page.get_by_role("heading", name="Audits awaiting review")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(count)
    expect(rows.first).to_contain_text("Waiting list")
    axe(page, "drill-down, awaiting review")
    page.get_by_role("link", name="Back to the portfolio").click()
    page.wait_for_url(re.compile(r"[?&]sector=health(&|$)"))

    # The hidden part of the name is positioned apart, so Chromium puts a space before the colon.
    page.get_by_role("link", name=re.compile(r"^Good ?: Therapies, principle 1$")).click()
    clinic_good = audits["clinic_good"]
    page.wait_for_url(re.compile(rf"/york/audits/{clinic_good.pk}/view/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit of Clinic letters")
    axe(page, "audit reached from the heat map")


BAD_FILTERS = "?period=custom&from=2024-13-40&organisation=999999"


def test_bad_filters_in_a_shared_link_are_named_and_ignored(york, new_page, axe):
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD + BAD_FILTERS)

    for label in ("From date", "Organisation"):
        expect(
            page.get_by_text(f"The filter “{label}” was not recognised and has been ignored.")
        ).to_be_visible()
    expect(page.get_by_role("heading", name="Joint partnership portfolio")).to_be_visible()
    # The bad values are dropped, so the figures are the whole partnership's.
    expect(page.locator(".app-card").first).to_contain_text("3 projects audited")
    expect(heat_map_services(page)).to_have_count(3)
    from_date = page.get_by_role("group", name="From (custom period)")
    expect(from_date.get_by_label("Day")).to_have_value("")
    expect(page.get_by_label("Organisation", exact=True)).to_have_value("")

    # One bad filter: one warning banner, and nothing else on the page for axe to find.
    page.goto(DASHBOARD + "?period=custom&from=2024-13-40")
    expect(page.get_by_text("The filter “From date” was not recognised")).to_be_visible()
    axe(page, "dashboard with a bad filter")


def test_several_filter_warnings_share_one_banner(york, new_page, axe):
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD + BAD_FILTERS)
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_have_count(1)
    expect(banner.get_by_role("listitem")).to_have_count(2)
    axe(page, "dashboard with two bad filters")


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.SERVICE_LEAD])
def test_board_member_and_service_lead_dashboards(york, role, new_page, axe):
    page = new_page()
    sign_in(page, f"{role}@york.example")
    page.goto(DASHBOARD)
    expect(page.get_by_role("heading", name="Joint partnership portfolio")).to_be_visible()
    if role == Role.SERVICE_LEAD:
        expect(page.locator(".govuk-caption-l")).to_contain_text("your services")
        expect(heat_map_services(page)).to_have_text([re.compile("^Short Breaks")])
        expect(page.get_by_label("Service", exact=True).locator("option")).to_have_count(2)
    else:
        expect(heat_map_services(page)).to_have_count(3)
    axe(page, f"dashboard as {role}")
    page.goto("/york/")
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    axe(page, f"home as {role}")


def test_a_custom_period_that_ends_before_it_starts_is_an_error(york, new_page, axe):
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD + "?period=custom")
    for legend, (day, month, year) in (
        ("From (custom period)", ("1", "6", "2025")),
        ("To (custom period)", ("1", "5", "2025")),
    ):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The ‘to’ date must be the same as or after the ‘from’ date")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe(page, "dashboard, custom period ending before it starts")


def test_heat_map_of_many_organisations_worst_first_and_pages(york, new_page, axe):
    """With more organisations than the dashboard shows, the worst come first, each opens
    and closes, and "Show all" leads to the whole heat map a page at a time."""
    area, _ = york
    for n in range(6):
        organisation = OrganisationFactory(partnership=area.partnership, name=f"Academy {n}")
        for k in range(8):
            service = ServiceFactory(organisation=organisation, name=f"Academy {n} service {k}")
            if k == 0:
                make_audit(area, ProjectFactory(service=service), 30, rank=1 + n % 3)
    page = new_page()
    sign_in(page, "commissioner@york.example")
    page.goto(DASHBOARD)
    groups = page.locator("details.app-heat-map__organisation")
    expect(groups).to_have_count(5)
    # Rated Room for Improvement throughout: first.
    expect(groups.first.locator("summary")).to_contain_text("100% of levels Room for Improvement")
    expect(groups.nth(3)).not_to_have_attribute("open", "")
    groups.nth(3).locator("summary").click()
    expect(groups.nth(3).locator(".app-heat-map")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Show all 8 services of Academy"))
    ).not_to_have_count(0)
    page.screenshot(path="/tmp/perf/dashboard-many.png", full_page=True)
    axe(page, "dashboard, many organisations")

    page.get_by_role(
        "link", name="Show all 8 organisations and 51 services in the heat map"
    ).click()
    expect(
        page.get_by_role("heading", name="Heat map: latest audit of each service")
    ).to_be_visible()
    expect(page.locator("details.app-heat-map__organisation")).to_have_count(8)
    expect(heat_map_services(page)).to_have_count(51)
    page.screenshot(path="/tmp/perf/heat-map-page.png", full_page=True)
    axe(page, "heat map page")

    page.goto("/york/portfolio/unaudited-services/")
    expect(
        page.get_by_role("heading", name="Services with no audited project in 12 months")
    ).to_be_visible()
    expect(page.get_by_text("Academy 0: Academy 0 service 1")).to_be_visible()
    page.screenshot(path="/tmp/perf/unaudited.png", full_page=True)
    axe(page, "services with no audited project")
