"""A parent answers the feedback survey on a 320 px screen with JavaScript turned off,
by keyboard; axe and the 320 px check run on every state of every page. The manager's
pages (links, QR code, poster, results, the flag on the audit) are checked too."""

import re

import pytest
from playwright.sync_api import expect

from partnership.models import Role
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.surveys import survey_answers, survey_link
from voice.models import SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick_answers(settings):
    # The journey is driven faster than a person reads; the timing check has its own test.
    settings.SURVEY_MIN_SECONDS = 0


@pytest.fixture
def no_js_page(browser, live_server):
    """A phone-sized page with JavaScript turned off, and a page that runs axe on a copy
    of whatever the first one shows (axe needs scripts to run)."""
    contexts = [
        browser.new_context(
            base_url=live_server.url,
            viewport={"width": 320, "height": 640},
            java_script_enabled=False,
        ),
        browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640}),
    ]
    for context in contexts:
        context.set_default_timeout(15_000)
    page, mirror = contexts[0].new_page(), contexts[1].new_page()
    mirror.goto("/healthz")
    yield page, mirror
    for context in contexts:
        context.close()


def check(page, mirror, axe, label):
    """axe and the reflow check on exactly what the JavaScript-free page shows."""
    mirror.set_content(page.content())
    axe(mirror, label)


def press_continue(page):
    page.get_by_role("button", name="Continue").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_parent_answers_on_a_phone_without_javascript(no_js_page, axe):
    area = make_area("york")
    link = survey_link(area)
    page, mirror = no_js_page
    base = f"/york/survey/{link.token}/"

    page.goto(base)
    expect(page.get_by_role("heading", level=1)).to_contain_text(area.project.title)
    assert area.partnership.name not in page.content()
    check(page, mirror, axe, "survey start")
    page.goto(base + "?words=simple")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tell us what you think")
    check(page, mirror, axe, "survey start in simpler words")
    page.get_by_role("link", name="Use the version for adults").click()

    page.get_by_role("button", name="Start now").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 9")).to_be_visible()
    check(page, mirror, axe, "first statement")
    press_continue(page)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, mirror, axe, "first statement with an error")

    for number in range(1, 6):
        # Keyboard only: focus the first choice, move with the arrow keys, Space picks.
        page.get_by_label("Strongly agree").focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        expect(page.get_by_label("Disagree", exact=True)).to_be_checked()
        if number == 2:
            check(page, mirror, axe, "a statement answered")
        press_continue(page)

    expect(page.get_by_role("heading", name="Was it meaningful and purposeful?")).to_be_visible()
    check(page, mirror, axe, "meaningful and purposeful")
    page.get_by_label("Partly").check()
    press_continue(page)

    expect(page.get_by_text("You can write up to 1,000 characters")).to_be_visible()
    check(page, mirror, axe, "what would you change")
    page.get_by_label("What would you change?").fill("x" * 1_001)
    press_continue(page)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, mirror, axe, "what would you change, too long")
    page.get_by_label("What would you change?").fill(
        "<script>alert('hi')</script> Evening sessions"
    )
    press_continue(page)

    check(page, mirror, axe, "who are you")
    page.get_by_label("Parent carer").check()
    press_continue(page)

    check(page, mirror, axe, "contact")
    page.get_by_label("Yes, you may contact me about my answers").check()
    press_continue(page)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, mirror, axe, "contact with an error")
    page.get_by_label("No", exact=True).check()
    press_continue(page)

    expect(
        page.get_by_role("heading", name="Check your answers before sending them")
    ).to_be_visible()
    expect(page.get_by_text("<script>alert('hi')</script> Evening sessions")).to_be_visible()
    check(page, mirror, axe, "check your answers")
    page.get_by_role(
        "link", name="Change your answer to: Was it meaningful and purposeful?"
    ).click()
    page.get_by_label("Yes", exact=True).check()
    press_continue(page)
    expect(
        page.get_by_role("heading", name="Check your answers before sending them")
    ).to_be_visible()
    page.get_by_role("button", name="Send your answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    check(page, mirror, axe, "answers sent")
    response = SurveyResponse.objects.get()
    assert response.meaningful == "yes" and response.respondent == "parent_carer"
    assert set(response.answers.values_list("agreement", flat=True)) == {
        SurveyAnswer.Agreement.DISAGREE
    }

    from voice.surveys import services

    services.survey_link_close(link=link)
    page.goto(base)
    expect(page.get_by_role("heading", name="This survey is closed")).to_be_visible()
    check(page, mirror, axe, "closed survey")
    page.goto(f"/york/survey/{link.token}x/")
    expect(page.get_by_role("heading", name="This survey link does not work")).to_be_visible()
    check(page, mirror, axe, "altered link")


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_service_lead_shares_the_survey_and_sees_the_flag(new_page, axe):
    from tests.factories.audits import submitted_audit

    area = make_area("york")
    lead = area.members[Role.SERVICE_LEAD]
    audit = submitted_audit(area, lead)
    page = new_page()
    sign_in(page, lead.user.email)
    page.wait_for_url(re.compile(r"/york/$"))

    page.goto(area.project.get_absolute_url())
    page.get_by_role("link", name=re.compile("Survey links, posters and results")).click()
    expect(page.get_by_role("heading", name="Feedback survey", exact=True)).to_be_visible()
    axe(page, "survey links, none yet")
    page.get_by_role("button", name="Make a survey link").click()
    expect(page.get_by_text("The survey link is ready")).to_be_visible()
    axe(page, "survey link with QR code")
    link = area.project.survey_links.get()
    page.get_by_role("link", name="Print the poster (A4)").click()
    expect(page.get_by_role("heading", name="Tell us what you think")).to_be_visible()
    axe(page, "poster")
    page.go_back()

    survey_answers(link, 5, SurveyAnswer.Agreement.STRONGLY_DISAGREE, change_text="<b>Ask us</b>")
    page.goto(f"/york/audits/{audit.pk}/view/")
    expect(page.get_by_text("Check and challenge: families’ survey answers")).to_be_visible()
    axe(page, "audit with survey results and a flag")
    page.goto(f"/york/surveys/results/?service={area.service.pk}&project={area.project.pk}")
    expect(page.get_by_text("<b>Ask us</b>").first).to_be_visible()
    axe(page, "survey results")

    commissioner = new_page()
    sign_in(commissioner, area.members[Role.COMMISSIONER].user.email)
    commissioner.wait_for_url(re.compile(r"/york/$"))
    commissioner.goto(f"/york/audits/{audit.pk}/review/")
    expect(
        commissioner.get_by_text("Check and challenge: families’ survey answers")
    ).to_be_visible()
    axe(commissioner, "review with a flag")

    admin = new_page()
    sign_in(admin, area.members[Role.ADMIN].user.email)
    admin.wait_for_url(re.compile(r"/york/$"))
    admin.goto("/york/surveys/statements/")
    axe(admin, "statements and principles")
