"""An admin builds the directory and invites a service lead, who then sees their project."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partnership.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    for box, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(box).fill(value)


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_builds_directory_and_invited_lead_sees_project(new_page, axe, settings):
    settings.AXES_ENABLED = False
    york = PartnershipFactory(name="York SEND Partnership", slug="york", local_area="York")
    MembershipFactory(
        partnership=york, role=Role.ADMIN, user__email="admin@york.example", user__full_name="Ada"
    )
    page = new_page()

    # Sign-in page, empty and with a wrong password.
    page.goto("/accounts/login/")
    axe(page, "sign in")
    sign_in(page, "admin@york.example", "not-the-password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page, "sign in error")
    sign_in(page, "admin@york.example", PASSWORD)
    page.wait_for_url(re.compile(r"/york/$"))
    expect(page.get_by_role("heading", name="York SEND Partnership")).to_be_visible()
    axe(page, "admin home")

    # An organisation: first the error state, then a real one.
    page.get_by_role("link", name="Organisations", exact=True).click()
    axe(page, "organisation list (empty)")
    page.get_by_role("link", name="Add an organisation", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error:"))
    axe(page, "organisation form errors")
    page.get_by_label("Organisation name").fill("City of York Council")
    page.get_by_label("Local authority").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Organisation “City of York Council” has been added.")).to_be_visible()
    axe(page, "organisation list")

    # A service of that organisation.
    page.get_by_role("link", name="Services", exact=True).click()
    page.get_by_role("link", name="Add a service", exact=True).click()
    page.get_by_label("Organisation").select_option(label="City of York Council")
    page.get_by_label("Service name").fill("Short Breaks")
    page.get_by_label("Description").fill("Short breaks for disabled children.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Short Breaks").first).to_be_visible()
    axe(page, "service list")

    # A project of that service.
    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_role("link", name="Add a project", exact=True).click()
    axe(page, "project form")
    page.get_by_label("Service", exact=True).select_option(
        label="City of York Council: Short Breaks"
    )
    page.get_by_label("Project title").fill("Redesign of the short breaks offer")
    page.get_by_label("Description of service area").fill("Designing the offer with families.")
    page.get_by_label("Active", exact=True).check()
    fill_date(page, "Start date", "1", "4", "2025")
    fill_date(page, "End date", "1", "3", "2025")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("The end date must be on or after the start date").first
    ).to_be_visible()
    axe(page, "project form errors")
    fill_date(page, "End date", "", "", "")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Redesign of the short breaks offer")).to_be_visible()
    axe(page, "project page")

    # Invite a service lead for the new service.
    page.get_by_role("link", name="People", exact=True).click()
    axe(page, "people list")
    page.get_by_role("link", name="Invite a person", exact=True).click()
    page.get_by_label("Email address").fill("new.lead@york.example")
    page.get_by_label("Service lead").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Choose at least one service for a service lead").first).to_be_visible()
    axe(page, "invite errors")
    page.get_by_label("City of York Council: Short Breaks").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation has been sent to new.lead@york.example")).to_be_visible()
    axe(page, "people list with invitation")
    # Withdrawing cannot be undone, so it asks first; going back changes nothing.
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the invitation")
    axe(page, "withdraw invitation confirmation")
    page.get_by_role("link", name="Cancel").click()
    # A page that does not exist is the product's own page, not a crash.
    page.goto("/no-such-partnership/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page, "page not found")
    page.go_back()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)

    # The invited person opens the link in their own browser.
    lead_page = new_page()
    lead_page.goto(link)
    axe(lead_page, "accept invitation")
    lead_page.get_by_label("Full name").fill("Nia Lead")
    lead_page.get_by_label("Create a password").fill(PASSWORD)
    lead_page.get_by_label("Confirm password").fill(PASSWORD + "x")
    lead_page.get_by_role("button", name="Create account and join").click()
    expect(lead_page.get_by_text("The passwords do not match").first).to_be_visible()
    axe(lead_page, "accept invitation errors")
    lead_page.get_by_label("Create a password").fill(PASSWORD)
    lead_page.get_by_label("Confirm password").fill(PASSWORD)
    lead_page.get_by_role("button", name="Create account and join").click()
    lead_page.wait_for_url(re.compile(r"/york/$"))
    expect(lead_page.get_by_role("link", name="Redesign of the short breaks offer")).to_be_visible()
    axe(lead_page, "service lead home")
    lead_page.get_by_role("link", name="Redesign of the short breaks offer").click()
    expect(lead_page.get_by_text("Designing the offer with families.")).to_be_visible()
    axe(lead_page, "service lead project page")

    membership = Membership.objects.get(user__email="new.lead@york.example")
    assert membership.role == Role.SERVICE_LEAD
    assert [s.name for s in membership.services.all()] == ["Short Breaks"]

    # Signing in afresh with the new account works too.
    fresh = new_page()
    sign_in(fresh, "new.lead@york.example", PASSWORD)
    fresh.wait_for_url(re.compile(r"/york/$"))
    fresh.get_by_role("link", name="Projects", exact=True).click()
    expect(fresh.get_by_role("link", name="Redesign of the short breaks offer")).to_be_visible()
    axe(fresh, "service lead project list")
