"""A service lead fills in, signs and submits an audit with the keyboard alone; a
commissioner returns it with a comment, the lead answers and resubmits, and the
commissioner accepts it. Every page state met on the way is checked with axe-core.

Nothing here clicks: focus moves with Tab and Shift+Tab, choices are made with the
arrow keys and Space, and buttons and links are pressed with Enter. The only
exception is choosing a file, since a file chooser cannot be driven by keyboard.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Audit, AuditEvent, Evidence, ReviewComment
from partnership.models import Role
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProjectFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The smallest file that is a PDF by its content.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# A Windows executable's header: the upload check must judge the content, not the name.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 240

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    const label = el.getAttribute("aria-label") || (el.labels && el.labels[0]
        ? el.labels[0].textContent : el.textContent || el.value || "");
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label.trim()
        .replace(/\\s+/g, " ").slice(0, 40)}"`;
}"""


def tab_to(page, target, *, backwards=False, limit=80):
    """Press Tab (or Shift+Tab) until `target` has focus; fail, naming the path, if it never
    does."""
    expect(target).to_have_count(1)
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return target
        path.append(page.evaluate(FOCUSED))
    pytest.fail(f"{limit} presses of {key} never reached {target}; focus went: {path}")


def press(page, target, key="Enter", **kwargs):
    tab_to(page, target, **kwargs)
    page.keyboard.press(key)


def type_into(page, target, text, **kwargs):
    """Tab to a text field, select what is there and type over it."""
    tab_to(page, target, **kwargs)
    page.keyboard.press("ControlOrMeta+a")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Delete")


def type_date_here(page, value):
    """Type a date from the focused Day box on: day, Tab, month, Tab, year."""
    for index, part in enumerate((value.day, value.month, value.year)):
        if index:
            page.keyboard.press("Tab")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(str(part))


def date_group(page, legend):
    """GOV.UK's date input: a group of Day, Month and Year boxes named by its legend."""
    return page.get_by_role("group", name=legend)


def type_date(page, legend, value, **kwargs):
    tab_to(page, date_group(page, legend).get_by_label("Day"), **kwargs)
    type_date_here(page, value)
    group = date_group(page, legend)
    expect(group.get_by_label("Year")).to_have_value(str(value.year))


def sign_in(page, email):
    page.goto("/accounts/login/")
    type_into(page, page.get_by_label("Email"), email)
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    page.keyboard.press("Enter")


def error_summary(page, *messages):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error:"))
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    return summary


def success(page, message):
    expect(
        page.locator(".govuk-notification-banner--success").get_by_text(message, exact=True)
    ).to_be_visible()


def test_audit_is_filled_in_submitted_returned_resubmitted_and_accepted_by_keyboard(
    new_page, axe, tmp_path
):
    today = timezone.localdate()
    york = PartnershipFactory(name="York SEND Partnership", slug="york", local_area="York")
    council = OrganisationFactory(partnership=york, name="City of York Council")
    therapies = ServiceFactory(organisation=council, name="Children’s Therapies")
    ProjectFactory(
        service=therapies,
        title="Co-designing the therapy offer",
        description="Parents and young people redesign how therapy is offered.",
    )
    lead = MembershipFactory(
        partnership=york,
        role=Role.SERVICE_LEAD,
        services=[therapies],
        user__email="lead@york.example",
        user__full_name="Nia Lead",
    )
    MembershipFactory(
        partnership=york,
        role=Role.COMMISSIONER,
        user__email="commissioner@york.example",
        user__full_name="Cal Commissioner",
    )
    executable = tmp_path / "workshop-minutes.pdf"
    executable.write_bytes(EXE)
    minutes = tmp_path / "co-design-minutes.pdf"
    minutes.write_bytes(PDF)

    # The lead signs in and starts an audit from the project page.
    page = new_page()
    sign_in(page, "lead@york.example")
    page.wait_for_url(re.compile(r"/york/$"))
    axe(page, "lead home")
    press(page, page.get_by_role("link", name="Co-designing the therapy offer", exact=True))
    expect(page.get_by_role("heading", name="Co-designing the therapy offer")).to_be_visible()
    axe(page, "project page before any audit")
    press(page, page.get_by_role("link", name="Start an audit", exact=True))
    expect(page.get_by_role("heading", name=re.compile("^Start an audit of"))).to_be_visible()
    axe(page, "start an audit")
    press(page, page.get_by_role("button", name="Start the audit"))
    success(page, "The audit has been started. It saves as you go.")
    audit = Audit.objects.get()
    # The date of the audit starts as today, so the details are already begun.
    expect(page.locator("#audit-details-status")).to_have_text("In progress")
    axe(page, "task list, new audit")

    # Audit details: a future date is refused, then today is kept.
    press(page, page.get_by_role("link", name="Audit details", exact=True))
    expect(page.get_by_role("heading", name="Audit details")).to_be_visible()
    axe(page, "audit details")
    type_date(page, "Date of audit", today + timedelta(days=7))
    type_into(page, page.get_by_label("Name of person 1"), "Nia Lead")
    type_into(page, page.get_by_label("Designation of person 1"), "Head of therapies")
    # Enter in a text field submits the form as "Save and continue" would.
    page.keyboard.press("Enter")
    error_summary(page, "The date of the audit must be today or in the past")
    expect(date_group(page, "Date of audit")).to_have_attribute(
        "aria-describedby", "id_audit_date-hint id_audit_date-error"
    )
    expect(page.get_by_label("Name of person 1")).to_have_value("Nia Lead")
    expect(page.get_by_label("Name of person 3")).to_have_count(0)
    axe(page, "audit details, future date")
    # The error summary's link takes focus to the field.
    press(page, page.get_by_role("link", name="The date of the audit must be today or in the past"))
    expect(date_group(page, "Date of audit").get_by_label("Day")).to_be_focused()
    type_date_here(page, today)
    press(page, page.get_by_role("button", name="Save and continue"))
    success(page, "Saved.")
    expect(page.locator("#audit-details-status")).to_have_text("Completed")
    axe(page, "task list, details done")

    # The six principles, in order, each page leading to the next.
    press(page, page.get_by_role("link", name=re.compile(r"^Principle 1:")))
    for number in range(1, 7):
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"Principle {number} of 6")
        axe(page, f"principle {number}")
        first = page.get_by_role("radio", name=re.compile(r"^Room for Improvement"))
        tab_to(page, first)
        if number == 1:
            page.keyboard.press("Space")
            chosen = first
        elif number == 5:
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            chosen = page.get_by_role("radio", name=re.compile(r"^Excellent"))
        else:
            page.keyboard.press("ArrowDown")
            chosen = page.get_by_role("radio", name=re.compile(r"^Good"))
        expect(chosen).to_be_checked()
        notes = f"Families co-designed the work for principle {number}."
        type_into(page, page.get_by_label("Notes or evidence"), notes)

        if number == 2:
            # Evidence: an executable named .pdf is refused and nothing typed is lost.
            press(page, page.locator("summary", has_text="Add evidence: a file or a link"))
            file_input = page.get_by_label("Upload a file")
            tab_to(page, file_input)
            page.locator(":focus").set_input_files(executable)
            type_into(page, page.get_by_label("Title of the file"), "Workshop minutes")
            press(page, page.get_by_role("button", name="Save and add evidence"))
            refusal = re.compile(
                r"“workshop-minutes\.pdf” is an? EXE file\. "
                r"Upload a PDF, Word, Excel, PowerPoint, PNG or JPEG file\."
            )
            error_summary(page, refusal)
            expect(page.locator("#id_evidence_file-error")).to_contain_text(refusal)
            expect(page.get_by_label("Notes or evidence")).to_have_value(notes)
            expect(chosen).to_be_checked()
            expect(page.get_by_label("Title of the file")).to_have_value("Workshop minutes")
            axe(page, "principle 2, executable refused")
            assert not Evidence.objects.exists()

            # From the error summary straight to the file input, and a real PDF.
            press(page, page.locator(".govuk-error-summary a").first)
            expect(file_input).to_be_focused()
            page.locator(":focus").set_input_files(minutes)
            type_into(page, page.get_by_label("Title of the file"), "Co-design workshop minutes")
            press(page, page.get_by_role("button", name="Save and add evidence"))
            success(page, "Saved. The evidence has been added.")
            expect(
                page.get_by_role("link", name="Co-design workshop minutes", exact=True)
            ).to_be_visible()
            expect(page.get_by_label("Notes or evidence")).to_have_value(notes)
            axe(page, "principle 2 with evidence")

        press(page, page.get_by_role("button", name="Save and continue"))
        success(page, "Saved.")

    # Overall summary: a review date in the past is refused.
    expect(page.get_by_role("heading", name="Overall summary")).to_be_visible()
    axe(page, "overall summary")
    # The level of participation reached, on West Sussex's ladder, by keyboard.
    tab_to(page, page.get_by_role("radio", name=re.compile("^No engagement")))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile("^Participation"))).to_be_checked()
    tab_to(page, page.get_by_role("radio", name="Requires Improvement"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Good", exact=True)).to_be_checked()
    type_into(page, page.get_by_label("Summary"), "Families shaped every main decision.")
    type_into(page, page.get_by_label("What (action 1)"), "Share the findings with families")
    type_into(page, page.get_by_label("Who (action 1)"), "Nia Lead")
    type_date(page, "By when (action 1)", today + timedelta(days=30))
    type_date(page, "Review date", today - timedelta(days=1))
    page.keyboard.press("Enter")
    error_summary(page, "The review date must be in the future")
    expect(page.get_by_label("What (action 2)")).to_have_count(0)
    expect(page.get_by_label("Summary")).to_have_value("Families shaped every main decision.")
    expect(page.get_by_label("Who (action 1)")).to_have_value("Nia Lead")
    axe(page, "overall summary, past review date")
    type_date(page, "Review date", today + timedelta(days=365))
    press(page, page.get_by_role("button", name="Save and continue"))

    # Check and submit: an empty signature is refused, then the lead signs.
    success(page, "Saved.")
    expect(page.get_by_role("heading", name=re.compile("^Check your answers"))).to_be_visible()
    axe(page, "check answers")
    type_into(page, page.get_by_label("Full name"), "")
    press(page, page.get_by_role("button", name="Sign and submit"))
    error_summary(
        page,
        "Enter your full name",
        "Enter your designation",
        "Confirm that this is an accurate record",
    )
    axe(page, "check answers, empty signature")
    type_into(page, page.get_by_label("Full name"), "Nia Lead")
    type_into(page, page.get_by_label("Designation"), "Head of therapies")
    tab_to(page, page.get_by_label(re.compile("^I confirm")))
    page.keyboard.press("Space")
    expect(page.get_by_label(re.compile("^I confirm"))).to_be_checked()
    press(page, page.get_by_role("button", name="Sign and submit"))
    success(page, "The audit has been submitted for review.")
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    axe(page, "audit view, submitted")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED

    # The commissioner returns it: first with no comment, then with one on principle 3.
    reviewer = new_page()
    sign_in(reviewer, "commissioner@york.example")
    reviewer.wait_for_url(re.compile(r"/york/$"))
    axe(reviewer, "commissioner home")
    press(reviewer, reviewer.get_by_role("link", name="Reviews", exact=True))
    expect(reviewer.get_by_role("heading", name="Audits waiting for review")).to_be_visible()
    axe(reviewer, "review list")
    press(reviewer, reviewer.get_by_role("link", name="Co-designing the therapy offer"))
    expect(reviewer.get_by_role("heading", name=re.compile("^Review:"))).to_be_visible()
    axe(reviewer, "review")
    press(reviewer, reviewer.get_by_role("button", name="Return for changes"), backwards=True)
    error_summary(reviewer, "Write at least one comment to say what needs to change.")
    axe(reviewer, "review, return without a comment")
    comment = "Say which families took part, and how their views changed the plan."
    type_into(reviewer, reviewer.get_by_label("Comment on principle 3"), comment)
    press(reviewer, reviewer.get_by_role("button", name="Return for changes"))
    success(reviewer, "The audit has been returned to the service with your comments.")
    axe(reviewer, "review list after returning")

    # The lead sees the comment, answers it and resubmits.
    page.reload()
    expect(page.get_by_text("Returned for changes", exact=True).first).to_be_visible()
    axe(page, "audit view, returned")
    press(page, page.get_by_role("link", name="Continue the audit"))
    banner = page.get_by_role("region", name="Returned for changes")
    expect(banner).to_contain_text(comment)
    expect(page.locator(".govuk-task-list__hint", has_text=comment)).to_be_visible()
    axe(page, "task list, returned")
    press(page, banner.get_by_role("link", name="Principle 3", exact=True))
    expect(page.get_by_role("region", name="Reviewer’s comments")).to_contain_text(comment)
    axe(page, "principle 3 with the reviewer's comment")
    revised = "Twelve families and four young people took part; they rewrote the referral route."
    type_into(page, page.get_by_label("Notes or evidence"), revised)
    answer = "The notes now name who took part and what changed."
    type_into(page, page.get_by_label(re.compile("^Your response to the reviewer")), answer)
    press(page, page.get_by_role("button", name="Save and continue"))
    success(page, "Saved.")
    press(page, page.get_by_role("link", name="Back to the task list"))
    expect(page.locator("#principle-3-status")).to_have_text("Completed")
    press(page, page.get_by_role("link", name="Check and submit"))
    expect(page.get_by_label("Full name")).to_have_value("Nia Lead")
    axe(page, "check answers, resubmission")
    tab_to(page, page.get_by_label(re.compile("^I confirm")))
    page.keyboard.press("Space")
    press(page, page.get_by_role("button", name="Sign and submit"))
    success(page, "The audit has been submitted for review.")
    axe(page, "audit view, resubmitted")

    # The commissioner accepts.
    press(reviewer, reviewer.get_by_role("link", name="Reviews", exact=True))
    press(reviewer, reviewer.get_by_role("link", name="Co-designing the therapy offer"))
    expect(reviewer.get_by_text(answer)).to_be_visible()
    axe(reviewer, "review of the resubmission")
    press(reviewer, reviewer.get_by_role("button", name="Accept", exact=True), backwards=True)
    # Accepting cannot be undone, so it is confirmed on a second page that says so.
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(
        "Accept the audit of Co-designing the therapy offer?"
    )
    expect(reviewer.get_by_text("the audit becomes read-only")).to_be_visible()
    axe(reviewer, "accept confirmation")
    press(reviewer, reviewer.get_by_role("button", name="Yes, accept the audit"))
    success(reviewer, "The audit has been accepted.")
    expect(reviewer.get_by_text("No audits are waiting for review.")).to_be_visible()
    axe(reviewer, "review list, empty")

    # The accepted audit is read-only, and its timeline tells the whole story.
    page.reload()
    expect(page.get_by_text("This audit is accepted and can no longer be changed.")).to_be_visible()
    expect(page.get_by_role("link", name="Continue the audit")).to_have_count(0)
    timeline = page.locator("h2:text-is('Timeline') + ol > li strong")
    expect(timeline).to_have_text(
        ["Created", "Submitted", "Returned for changes", "Resubmitted", "Accepted"]
    )
    axe(page, "audit view, accepted")
    view_url = page.url
    base = view_url.removesuffix("view/")
    for path in ("", "details/", "principles/3/", "summary/", "check/"):
        page.goto(base + path)
        expect(page).to_have_url(view_url)

    # The history tells the story in words, with the review comment and the answer.
    page.goto(base + "history/")
    expect(
        page.get_by_role("heading", name="Review comment on principle 3", exact=True)
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="Response to the review comment on principle 3")
    ).to_be_visible()
    expect(page.get_by_text("Returned for changes").first).to_be_visible()
    expect(page.get_by_text("changes_requested")).to_have_count(0)
    axe(page, "history")
    # The other page kinds a lead reaches from the navigation.
    press(page, page.get_by_role("link", name="Audits", exact=True))
    expect(page).to_have_url(re.compile(r"/audits/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audits")
    axe(page, "audit list")
    press(page, page.get_by_role("link", name="Framework", exact=True))
    expect(page).to_have_url(re.compile(r"/framework/$"))
    expect(page.locator("#outcome-scale")).to_contain_text("has its own scale")
    axe(page, "framework")

    audit.refresh_from_db()
    assert audit.status == Audit.Status.ACCEPTED
    assert audit.signed_name == "Nia Lead"
    assert audit.signed_designation == "Head of therapies"
    assert audit.audit_date == today
    assert audit.review_date == today + timedelta(days=365)
    assert audit.outcome.name == "Good"
    assert [(p.name, p.designation) for p in audit.people.all()] == [
        ("Nia Lead", "Head of therapies")
    ]
    levels = {a.principle.number: a.level.name for a in audit.assessments.all()}
    assert levels == {
        1: "Room for Improvement",
        2: "Good",
        3: "Good",
        4: "Good",
        5: "Excellent",
        6: "Good",
    }
    assert audit.assessments.get(principle__number=3).notes == revised
    evidence = Evidence.objects.get()
    assert (evidence.assessment.principle.number, evidence.extension) == (2, "pdf")
    assert evidence.file.read() == PDF
    review_comment = ReviewComment.objects.get()
    assert (review_comment.principle.number, review_comment.response) == (3, answer)
    assert review_comment.resolved_at is not None
    assert list(audit.events.values_list("kind", flat=True)) == [
        AuditEvent.Kind.CREATED,
        AuditEvent.Kind.SUBMITTED,
        AuditEvent.Kind.RETURNED,
        AuditEvent.Kind.RESUBMITTED,
        AuditEvent.Kind.ACCEPTED,
    ]
    assert audit.created_by == lead.user
