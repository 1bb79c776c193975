"""The ladder and "You said, we did" in a real browser, with axe-core and the 320 px check
on every page state: the project's ladder and cycle, the level reached in an audit, the
portfolio's ladder, writing a summary, approving it, and the public page."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Audit
from partnership.models import Project, Role
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.audits import accepted_audit, fill_audit, start_audit
from voice.yswd_models import YouSaidWeDid

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/york/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_ladder_pages(new_page, axe):
    area = make_area("york")
    Project.objects.filter(pk=area.project.pk).update(
        ladder_aim="co_production", cycle_stage="joint_review", families_at_joint_review=True
    )
    accepted_audit(area)
    page = new_page()
    sign_in(page, area.members[Role.ADMIN].user.email)

    page.goto(f"/york/projects/{area.project.pk}/edit/")
    axe(page, "project form with the ladder and cycle")
    page.get_by_label("Co-production", exact=True).check()
    page.get_by_label("Joint planning", exact=True).first.check()
    page.get_by_role("group", name="Stages at which families were involved").get_by_label(
        "Joint understanding"
    ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Joint understanding")).to_be_visible()
    axe(page, "project page with the ladder and cycle")

    lead = area.members[Role.SERVICE_LEAD]
    draft = fill_audit(start_audit(area, lead), lead)
    Audit.objects.filter(pk=draft.pk).update(ladder_reached="")
    page.goto(f"/york/audits/{draft.pk}/summary/")
    expect(page.get_by_role("group", name="Level of participation reached")).to_be_visible()
    axe(page, "audit summary with the level reached")

    page.goto("/york/portfolio/")
    expect(page.get_by_role("heading", name="Ladder of participation")).to_be_visible()
    expect(page.get_by_text("Reached below the aim: 1 project")).to_be_visible()
    axe(page, "portfolio with the ladder and cycle")


def test_write_approve_and_publish(new_page, axe):
    area = make_area("york")
    audit = accepted_audit(area)
    page = new_page()

    # Nothing approved yet: the public page says so, to anyone.
    page.goto("/york/you-said-we-did/")
    expect(page.get_by_text("There is nothing here yet.")).to_be_visible()
    axe(page, "public page, empty")

    sign_in(page, area.members[Role.SERVICE_LEAD].user.email)
    page.get_by_role("link", name="You said, we did").first.click()
    expect(page.get_by_role("heading", name="You said, we did", exact=True)).to_be_visible()
    axe(page, "summaries, one audit without")
    page.get_by_role("link", name=re.compile("Write a summary")).click()
    axe(page, "write a summary")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, "write a summary, errors")
    page.get_by_label("What families said").fill("You said the booking form was too long.")
    page.get_by_label("What the service did").fill("We made it 5 questions with parents.")
    page.get_by_label("What happens next").fill("We will ask again in March.")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("Sent to a commissioner for approval.")).to_be_visible()
    sign_out(page)

    sign_in(page, area.members[Role.COMMISSIONER].user.email)
    page.goto("/york/you-said-we-did/manage/")
    axe(page, "summaries, one waiting")
    page.get_by_role("link", name=re.compile("Approve or send back")).click()
    axe(page, "approve a summary")
    page.get_by_label("Send it back for changes").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, "approve a summary, errors")
    page.get_by_label("Approve it: it goes on the public page").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Approved. It is now on the public page.")).to_be_visible()
    assert YouSaidWeDid.objects.get(audit=audit).status == YouSaidWeDid.Status.APPROVED
    sign_out(page)

    sign_in(page, area.members[Role.ADMIN].user.email)
    page.goto("/york/you-said-we-did/settings/")
    axe(page, "public page settings")
    page.get_by_label(re.compile("Show each audit’s overall outcome")).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The public page settings have been saved.")).to_be_visible()
    sign_out(page)

    page.goto("/york/you-said-we-did/")
    expect(page.get_by_text("You said the booking form was too long.")).to_be_visible()
    expect(page.get_by_text("How the service rated its work with families")).to_be_visible()
    axe(page, "public page with a summary and ratings")
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path="test-artifacts/you-said-we-did-320.png", full_page=True)
