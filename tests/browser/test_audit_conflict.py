"""Two people edit the same principle at once: the second to save is shown both versions
and chooses which to keep, and nothing either of them typed is lost silently."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import PrincipleAssessment
from partnership.models import Role
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.audits import start_audit

pytestmark = pytest.mark.django_db(transaction=True)

LEAD_NOTES = "The parent carer forum chaired the design group."
COMMISSIONER_NOTES = "Young people interviewed the shortlisted providers."


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/york/$"))


def open_principle(page, audit, number):
    page.goto(f"/york/audits/{audit.pk}/principles/{number}/")
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"Principle {number} of 6")


@pytest.fixture
def editors(new_page):
    """The lead and a commissioner, each in their own browser, on principle 1 of one audit."""
    area = make_area("york")
    audit = start_audit(area, area.members[Role.SERVICE_LEAD])
    lead, commissioner = new_page(), new_page()
    sign_in(lead, "service_lead@york.example")
    sign_in(commissioner, "commissioner@york.example")
    open_principle(lead, audit, 1)
    open_principle(commissioner, audit, 1)
    return audit, lead, commissioner


def save_notes(page, level, notes):
    page.get_by_role("radio", name=re.compile(f"^{level}")).check()
    page.get_by_label("Notes or evidence").fill(notes)
    page.get_by_role("button", name="Save and continue").click()


def test_second_saver_sees_both_versions_and_keeps_theirs_on_purpose(editors, axe):
    audit, lead, commissioner = editors

    save_notes(lead, "Good", LEAD_NOTES)
    expect(lead.locator(".govuk-caption-l")).to_contain_text("Principle 2 of 6")

    save_notes(commissioner, "Excellent", COMMISSIONER_NOTES)
    expect(
        commissioner.get_by_role("heading", name="Principle 1: choose which version to keep")
    ).to_be_visible()
    expect(commissioner).to_have_title(re.compile("^Someone else changed this"))
    theirs = commissioner.locator(".govuk-grid-column-one-half").nth(0)
    yours = commissioner.locator(".govuk-grid-column-one-half").nth(1)
    expect(theirs.get_by_role("heading", name="Saved by someone else")).to_be_visible()
    expect(theirs).to_contain_text(LEAD_NOTES)
    expect(theirs).to_contain_text("Good")
    expect(yours.get_by_role("heading", name="Your version")).to_be_visible()
    expect(yours).to_contain_text(COMMISSIONER_NOTES)
    expect(yours).to_contain_text("Excellent")
    axe(commissioner, "conflict page")
    stored = PrincipleAssessment.objects.get(audit=audit, principle__number=1)
    assert stored.notes == LEAD_NOTES

    commissioner.get_by_role("button", name="Keep my version").click()
    expect(commissioner.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(commissioner.locator(".govuk-caption-l")).to_contain_text("Principle 2 of 6")
    stored.refresh_from_db()
    assert stored.notes == COMMISSIONER_NOTES
    assert stored.level.name == "Excellent"

    # The saved version is what both now see, with no stale draft put back over it.
    open_principle(commissioner, audit, 1)
    expect(commissioner.get_by_label("Notes or evidence")).to_have_value(COMMISSIONER_NOTES)
    expect(commissioner.get_by_text("We have put back what you typed")).to_have_count(0)
    open_principle(lead, audit, 1)
    expect(lead.get_by_label("Notes or evidence")).to_have_value(COMMISSIONER_NOTES)
    expect(lead.get_by_text("We have put back what you typed")).to_have_count(0)


def test_keeping_their_version_drops_what_was_typed(editors, axe):
    audit, lead, commissioner = editors

    save_notes(lead, "Good", LEAD_NOTES)
    expect(lead.locator(".govuk-caption-l")).to_contain_text("Principle 2 of 6")
    save_notes(commissioner, "Excellent", COMMISSIONER_NOTES)
    expect(commissioner.get_by_role("heading", name=re.compile("choose which"))).to_be_visible()

    commissioner.get_by_role("link", name="Keep their version").click()
    expect(commissioner.locator(".govuk-caption-l")).to_contain_text("Principle 1 of 6")
    expect(commissioner.get_by_label("Notes or evidence")).to_have_value(LEAD_NOTES)
    expect(commissioner.get_by_role("radio", name=re.compile("^Good"))).to_be_checked()
    expect(commissioner.get_by_text("We have put back what you typed")).to_have_count(0)
    axe(commissioner, "principle after keeping their version")
    stored = PrincipleAssessment.objects.get(audit=audit, principle__number=1)
    assert (stored.notes, stored.level.name) == (LEAD_NOTES, "Good")
