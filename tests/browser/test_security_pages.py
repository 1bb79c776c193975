"""The security and privacy pages an admin and a member use, with axe and the 320 px
check on each: settings, the security log, resetting two-factor, erasing a person, the
list of sessions, the privacy notice and the accessibility statement."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from partnership.models import Role
from tests.conftest import make_area
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_security_and_privacy_pages(new_page, axe):
    area = make_area("york")
    lead = area.members[Role.SERVICE_LEAD]
    TOTP.activate(lead.user, generate_totp_secret())
    page = new_page()
    sign_in(page, area.members[Role.ADMIN].user.email)
    page.wait_for_url(re.compile(r"/york/$"))

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Partnership settings").click()
    expect(page.get_by_role("heading", name="Partnership settings")).to_be_visible()
    axe(page, "partnership settings")
    page.get_by_label("Contact email for questions about this service").fill("not an email")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, "partnership settings with an error")
    page.get_by_label("Contact email for questions about this service").fill("send@york.example")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The partnership's settings have been saved.")).to_be_visible()

    page.goto("/york/security-log/")
    expect(page.get_by_role("heading", name="Security log")).to_be_visible()
    expect(page.get_by_role("cell", name="Signed in").first).to_be_visible()
    axe(page, "security log")
    page.goto("/york/security-log/?kind=nonsense")
    expect(page.get_by_text("was not recognised")).to_be_visible()
    axe(page, "security log with a bad filter")

    page.goto(f"/york/people/{lead.pk}/edit/")
    page.get_by_role("link", name="Reset two-factor authentication").click()
    axe(page, "reset two-factor confirmation")
    page.get_by_role("button", name="Yes, reset two-factor authentication").click()
    expect(page.get_by_text("has been reset")).to_be_visible()
    page.get_by_role("link", name="Erase this person's name and email").click()
    axe(page, "erase confirmation")

    page.goto("/accounts/sessions/")
    axe(page, "where you are signed in")
    page.goto("/york/privacy/")
    expect(page.get_by_text("send@york.example").first).to_be_visible()
    axe(page, "privacy notice")
    page.goto("/york/accessibility/")
    axe(page, "accessibility statement")
