"""A family partner rates an audit with the keyboard alone, then sees both sides' levels;
the service lead invites families and records the agreed level. Every page state met on
the way is checked with axe-core and at 320 px.

Nothing here clicks: focus moves with Tab, choices are made with Space and the arrow keys,
and buttons and links are pressed with Enter.
"""

import re

import pytest
from playwright.sync_api import expect

from audits import services
from audits.models import FamilyRating, FamilyReview
from partnership.models import Role
from tests.browser.test_audit_journey import error_summary, press, sign_in, tab_to, type_into
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProjectFactory,
    ServiceFactory,
)
from tests.factories.audits import fill_audit

pytestmark = pytest.mark.django_db(transaction=True)


def york_audit():
    """A submitted audit where the service rated every principle Excellent, the lead who
    made it and a family partner of the partnership."""
    york = PartnershipFactory(name="York SEND Partnership", slug="york", local_area="York")
    council = OrganisationFactory(partnership=york, name="City of York Council")
    short_breaks = ServiceFactory(organisation=council, name="Short Breaks")
    project = ProjectFactory(
        service=short_breaks,
        title="Redesign of the short breaks offer",
        description="Reviewing the short breaks offer with families.",
    )
    lead = MembershipFactory(
        partnership=york,
        role=Role.SERVICE_LEAD,
        services=[short_breaks],
        user__email="lead@york.example",
        user__full_name="Lee Lead",
    )
    family = MembershipFactory(
        partnership=york,
        role=Role.FAMILY_PARTNER,
        user__email="family@york.example",
        user__full_name="Fran Family",
    )
    audit = services.audit_start(project=project, by=lead.user, membership=lead)
    fill_audit(audit, lead, rank=3)
    services.audit_submit(
        audit=audit,
        membership=lead,
        by=lead.user,
        name="Lee Lead",
        designation="Lead",
        confirmed=True,
    )
    return audit, lead, family


def test_a_family_partner_rates_an_audit_by_keyboard(new_page, axe):
    from audits import services_family

    audit, lead, family = york_audit()
    services_family.family_invite(audit=audit, membership=lead, by=lead.user, members=[family])

    page = new_page()
    sign_in(page, "family@york.example")
    expect(page.get_by_role("heading", name="Audits waiting for your ratings (1)")).to_be_visible()
    axe(page, "family home")
    press(page, page.get_by_role("link", name="Rate Redesign of the short breaks offer"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("work with families?")
    expect(page.get_by_text("You will see them after you send yours")).to_be_visible()
    axe(page, "family rate, nothing rated")
    press(page, page.get_by_role("link", name="Part 1: We value the importance", exact=False))

    # Part 1: pressing Save without a choice says what to do, beside the question.
    expect(page.get_by_text("“We value the importance of children", exact=False)).to_be_visible()
    axe(page, "family principle 1")
    press(page, page.get_by_role("button", name="Save and continue"))
    error_summary(page, "Choose the words that fit best")
    axe(page, "family principle 1, error")
    # The summary's link takes focus to the first choice; Space chooses it.
    press(page, page.get_by_role("link", name="Choose the words that fit best"))
    first = page.locator("#id_level_0")
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    type_into(page, page.get_by_label("Tell us why (optional)"), "We were asked too late.")
    press(page, page.get_by_role("button", name="Save and continue"))

    # Parts 2 to 6: Good, the second choice, reached with the arrow key.
    for number in range(2, 7):
        expect(page.get_by_text(f"Part {number} of 6", exact=False)).to_be_visible()
        if number == 2:
            axe(page, "family principle 2")
        tab_to(page, page.locator("#id_level_0"))
        page.keyboard.press("ArrowDown")
        expect(page.locator("#id_level_1")).to_be_checked()
        press(page, page.get_by_role("button", name="Save and continue"))

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    axe(page, "family check answers")
    assert not FamilyReview.objects.get(audit=audit).is_submitted
    press(page, page.get_by_role("button", name="Send my answers"))

    expect(page.get_by_role("heading", name="Your answers have been sent")).to_be_visible()
    expect(page.get_by_text("Service: Excellent, families: Room for Improvement")).to_be_visible()
    axe(page, "family rate, sent")
    ratings = FamilyRating.objects.filter(review__audit=audit).order_by("principle__number")
    assert [r.level.rank for r in ratings] == [1, 2, 2, 2, 2, 2]
    assert ratings[0].comment == "We were asked too late."


def test_the_lead_invites_families_and_records_the_agreed_level(new_page, axe):
    from audits import services_family

    audit, lead, family = york_audit()
    page = new_page()
    sign_in(page, "lead@york.example")
    expect(page).to_have_url(re.compile(r"/york/$"))
    page.goto(f"/york/audits/{audit.pk}/families/")
    expect(
        page.get_by_text("No families have been invited to rate this audit yet.")
    ).to_be_visible()
    axe(page, "families, none invited")
    press(page, page.get_by_role("link", name="Invite families"))
    expect(page.get_by_role("heading", name="Invite families to rate this audit")).to_be_visible()
    axe(page, "invite")
    press(page, page.get_by_role("button", name="Send the invitations"))
    error_summary(page, "Choose a family partner or enter an email address")
    axe(page, "invite, error")
    tab_to(page, page.get_by_label("Fran Family"))
    page.keyboard.press("Space")
    press(page, page.get_by_role("button", name="Send the invitations"))
    expect(page.get_by_text("Families are rating this audit.")).to_be_visible()
    axe(page, "families, waiting")

    review = FamilyReview.objects.get(audit=audit)
    levels = {level.rank: level for level in audit.framework.levels.all()}
    for rating in review.ratings.select_related("principle"):
        services_family.family_rating_save(
            rating=rating,
            membership=family,
            by=family.user,
            level=levels[1 if rating.principle.number == 5 else 3],
            comment="Online only" if rating.principle.number == 5 else "",
        )
    services_family.family_review_submit(review=review, membership=family, by=family.user)

    page.reload()
    expect(page.get_by_text("Service: Excellent, families: Room for Improvement")).to_be_visible()
    axe(page, "families, sent")
    press(page, page.get_by_role("link", name="Record the agreed level for principle 5"))
    expect(
        page.get_by_role("heading", name="Record the level agreed with families")
    ).to_be_visible()
    axe(page, "agree")
    press(page, page.get_by_role("button", name="Save the agreed level"))
    error_summary(page, "Choose the agreed level", "Enter a note on how the level was agreed")
    axe(page, "agree, error")
    tab_to(page, page.get_by_label("Room for Improvement"))
    page.keyboard.press("ArrowDown")
    type_into(page, page.get_by_label("How was it agreed?"), "Met the forum in March.")
    press(page, page.get_by_role("button", name="Save the agreed level"))
    expect(page.get_by_text("The agreed level for principle 5 has been saved.")).to_be_visible()
    rating = FamilyRating.objects.get(review=review, principle__number=5)
    assert rating.agreed_level.rank == 2 and rating.agreed_note == "Met the forum in March."
