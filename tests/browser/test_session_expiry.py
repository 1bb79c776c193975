"""Sessions end after a period of inactivity: people are warned first and can stay signed
in, and what they typed when a session did end is put back after they sign in again."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from audits.models import PrincipleAssessment
from partnership.models import Role
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.audits import start_audit

pytestmark = pytest.mark.django_db(transaction=True)

# session.js warns two minutes before the end: a 125-second session warns after 5 seconds.
SHORT_SESSION = 125


def sign_in(page, email):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def session_of(page):
    key = next(
        c["value"]
        for c in page.context.cookies()
        if c["name"] == django_settings.SESSION_COOKIE_NAME
    )
    return Session.objects.get(session_key=key)


@pytest.fixture
def audit(db):
    area = make_area("york")
    return start_audit(area, area.members[Role.SERVICE_LEAD])


def test_warning_appears_and_staying_signed_in_renews_the_session(new_page, axe, settings, audit):
    settings.SESSION_COOKIE_AGE = SHORT_SESSION
    page = new_page()
    page.goto("/accounts/login/")
    sign_in(page, "service_lead@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    page.goto(f"/york/audits/{audit.pk}/")
    expect(page.locator("body")).to_have_attribute("data-session-seconds", str(SHORT_SESSION))
    before = session_of(page).expire_date

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("you will be signed out in 2 minutes")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    axe(page, "session warning dialog")

    with page.expect_response(re.compile(r"/session/keep-alive$")) as kept:
        page.keyboard.press("Enter")
    assert kept.value.status == 200
    assert kept.value.json()["signed_in"] is True
    expect(dialog).to_be_hidden()
    assert session_of(page).expire_date > before

    # The next page still opens signed in.
    page.get_by_role("link", name="Audit details", exact=True).click()
    expect(page.get_by_role("heading", name="Audit details")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/york/audits/{audit.pk}/details/$"))


def test_typed_notes_survive_the_session_ending(new_page, axe, audit):
    page = new_page()
    principle_path = f"/york/audits/{audit.pk}/principles/3/"
    page.goto("/accounts/login/")
    sign_in(page, "service_lead@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    page.goto(principle_path)
    notes = "Young carers ran the consultation events and wrote the report."
    page.get_by_role("radio", name=re.compile("^Excellent")).check()
    page.get_by_label("Notes or evidence").fill(notes)

    # The session ends on the server's side; the browser keeps its other cookies.
    page.context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert parse_qs(urlparse(page.url).query)["next"] == [principle_path]
    axe(page, "sign in after the session ended")

    sign_in(page, "service_lead@york.example")
    page.wait_for_url(re.compile(re.escape(principle_path) + "$"))
    restored = page.get_by_role("region", name="Important").filter(
        has_text="We have put back what you typed"
    )
    expect(restored).to_be_visible()
    expect(page.get_by_label("Notes or evidence")).to_have_value(notes)
    expect(page.get_by_role("radio", name=re.compile("^Excellent"))).to_be_checked()
    axe(page, "principle with typed notes put back")
    assessment = PrincipleAssessment.objects.get(audit=audit, principle__number=3)
    assert assessment.notes == ""

    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_contain_text("Principle 4 of 6")
    assessment.refresh_from_db()
    assert assessment.notes == notes
    assert assessment.level.name == "Excellent"

    # Once saved, the draft is gone: the page shows the saved answer with no banner.
    page.goto(principle_path)
    expect(page.get_by_label("Notes or evidence")).to_have_value(notes)
    expect(page.get_by_text("We have put back what you typed")).to_have_count(0)


def drafts_on_device(page):
    return page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('jpa-draft:'))"
    )


def test_a_draft_on_a_shared_computer_is_never_shown_to_the_next_person(new_page, axe, audit):
    page = new_page()
    principle_path = f"/york/audits/{audit.pk}/principles/2/"
    notes = "Private notes about a family's complaint."
    page.goto("/accounts/login/")
    sign_in(page, "service_lead@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    page.goto(principle_path)
    page.get_by_label("Notes or evidence").fill(notes)
    assert len(drafts_on_device(page)) == 1

    # Signing out removes every draft from the device.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert drafts_on_device(page) == []

    sign_in(page, "commissioner@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    page.goto(principle_path)
    expect(page.get_by_label("Notes or evidence")).to_have_value("")
    expect(page.get_by_text("We have put back what you typed")).to_have_count(0)
    axe(page, "principle page for the next person")

    # A draft left behind by a session that ended is not shown to someone else either,
    # and is removed from the device when they sign in.
    page.get_by_label("Notes or evidence").fill("The commissioner's own words.")
    page.context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)
    page.goto("/accounts/login/")
    sign_in(page, "service_lead@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    assert drafts_on_device(page) == []
    page.goto(principle_path)
    expect(page.get_by_label("Notes or evidence")).to_have_value("")
    expect(page.get_by_text("We have put back what you typed")).to_have_count(0)
