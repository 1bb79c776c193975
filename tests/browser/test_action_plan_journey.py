"""A lead records progress on an action of an accepted audit; a commissioner sees it on
the Actions page and the Programme, with axe-core run on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Action
from notifications.delivery import notify
from partnership.models import Role
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.audits import accepted_audit

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/york/$"))


def test_lead_marks_an_action_done_and_the_commissioner_sees_it(new_page, axe):
    area = make_area("york")
    audit = accepted_audit(area)
    lead = area.members[Role.SERVICE_LEAD]
    action = audit.actions.get()
    Action.objects.filter(pk=action.pk).update(owner=lead)
    notify(
        partnership=area.partnership,
        recipient=lead.user,
        title=f"Action due in 14 days: {action.what}",
        body="Record how it is going.",
        url=f"/york/actions/{action.pk}/",
    )

    page = new_page()
    sign_in(page, lead.user.email)
    expect(page.get_by_role("heading", name="Your actions")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_text("1")
    axe(page, "lead home with their actions")

    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    axe(page, "notifications")
    page.get_by_role("link", name=re.compile("Action due in 14 days")).click()
    page.wait_for_url(f"**/york/actions/{action.pk}/")
    expect(page.locator("#unread-count")).to_have_count(0)
    axe(page, "action page")

    # A mistake first: a done date in the future is refused and nothing is lost.
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("Progress note").fill("Summary sent to all 40 families; 12 replied.")
    done_on = page.get_by_role("group", name="Date done")
    for box, value in (("Day", "1"), ("Month", "1"), ("Year", "2099")):
        done_on.get_by_label(box).fill(value)
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Progress note")).to_have_value(
        "Summary sent to all 40 families; 12 replied."
    )
    axe(page, "action page with an error")
    for box in ("Day", "Month", "Year"):
        done_on.get_by_label(box).fill("")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("The action has been updated.")).to_be_visible()
    expect(page.get_by_text("Summary sent to all 40 families; 12 replied.")).to_be_visible()

    # The signed link from a reminder email works without signing in.
    from django.urls import reverse

    from notifications.links import preferences_token

    guest = new_page()
    guest.goto(reverse("email_preferences", kwargs={"token": preferences_token(lead.user)}))
    axe(guest, "email choices from the link")
    guest.get_by_label("One email a day with all of that day’s reminders").check()
    guest.get_by_role("button", name="Save your choices").click()
    expect(guest.get_by_text("Your email choices have been saved.")).to_be_visible()
    guest.goto(reverse("email_preferences", kwargs={"token": "altered"}))
    expect(guest.get_by_role("heading", name="This link does not work")).to_be_visible()
    axe(guest, "altered link")

    other = new_page()
    sign_in(other, "commissioner@york.example")
    other.get_by_role("link", name="Actions", exact=True).click()
    expect(other.get_by_role("heading", name="Actions")).to_be_visible()
    row = other.get_by_role("row").filter(has_text=action.what)
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("Summary sent to all 40 families")
    expect(row).to_contain_text(lead.user.get_full_name())
    axe(other, "actions page")
    other.get_by_label("Status").select_option("open")
    other.get_by_role("button", name="Apply filters").click()
    expect(other.get_by_text("No actions match these filters.")).to_be_visible()

    other.get_by_role("link", name="Programme").click()
    expect(other.get_by_role("heading", name=re.compile("Audit programme"))).to_be_visible()
    axe(other, "programme")
