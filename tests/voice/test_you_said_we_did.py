""" "You said, we did": writing, approval, and the public page that shows only what was
approved, of one partnership, with nobody's name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit
from notifications.models import Notification
from partnership.models import Partnership, Role
from tests.factories import ProjectFactory, ServiceFactory
from tests.factories.audits import accepted_audit, fill_audit, start_audit, submitted_audit
from voice import yswd_services as services
from voice.yswd_models import PublicPageSettings, YouSaidWeDid

SCRIPT = '<script>alert("x")</script><b>bold</b>'


def write(area, audit=None, send=True, role=Role.SERVICE_LEAD, **text):
    member = area.members[role]
    return services.summary_save(
        audit=audit or accepted_audit(area),
        membership=member,
        by=member.user,
        you_said=text.get("you_said", "You said the form was long."),
        we_did=text.get("we_did", "We made it shorter."),
        next_steps=text.get("next_steps", "We will ask again in March."),
        send=send,
    )


def approve(area, summary):
    reviewer = area.members[Role.COMMISSIONER]
    return services.summary_approve(summary=summary, membership=reviewer, by=reviewer.user)


def public(client, area):
    return client.get(reverse("voice:yswd_public", args=[area.partnership.slug]))


def test_the_lead_writes_and_a_commissioner_approves(client_for, area):
    audit = accepted_audit(area)
    lead = client_for(area, Role.SERVICE_LEAD)
    url = reverse("voice:yswd_write", args=[area.partnership.slug, audit.pk])
    assert "What families said" in lead.get(url).content.decode()
    response = lead.post(
        url,
        {
            "you_said": "You said the booking form was long.",
            "we_did": "We made it 5 questions.",
            "next_steps": "We will ask again in March.",
            "send": "1",
        },
    )
    assert response.status_code == 302
    summary = YouSaidWeDid.objects.get(audit=audit)
    assert summary.status == YouSaidWeDid.Status.AWAITING_APPROVAL
    assert summary.written_by == area.members[Role.SERVICE_LEAD].user
    # The commissioner is told, and nothing is public yet.
    commissioner = area.members[Role.COMMISSIONER].user
    assert Notification.objects.filter(recipient=commissioner).count() == 1
    assert "booking form" not in public(client_for(area, Role.BOARD_MEMBER), area).content.decode()
    reviewer = client_for(area, Role.COMMISSIONER)
    review_url = reverse("voice:yswd_review", args=[area.partnership.slug, summary.pk])
    assert "You said the booking form was long." in reviewer.get(review_url).content.decode()
    assert reviewer.post(review_url, {"decision": "approve"}).status_code == 302
    summary.refresh_from_db()
    assert summary.status == YouSaidWeDid.Status.APPROVED
    assert summary.decided_by == commissioner
    reviewer.logout()
    assert "You said the booking form was long." in public(reviewer, area).content.decode()


def test_sending_back_needs_a_note_and_the_writer_is_told(client_for, area):
    summary = write(area)
    reviewer = client_for(area, Role.COMMISSIONER)
    url = reverse("voice:yswd_review", args=[area.partnership.slug, summary.pk])
    html = reviewer.post(url, {"decision": "send_back", "note": " "}).content.decode()
    assert "Say what needs to change" in html
    assert "govuk-error-summary" in html
    reviewer.post(url, {"decision": "send_back", "note": "Please use shorter sentences."})
    summary.refresh_from_db()
    assert summary.status == YouSaidWeDid.Status.SENT_BACK
    assert Notification.objects.filter(
        recipient=area.members[Role.SERVICE_LEAD].user, title__contains="sent back"
    ).exists()
    page = client_for(area, Role.SERVICE_LEAD).get(
        reverse("voice:yswd_write", args=[area.partnership.slug, summary.audit_id])
    )
    assert "Please use shorter sentences." in page.content.decode()


def test_only_an_accepted_audit_gets_a_summary(area):
    lead = area.members[Role.SERVICE_LEAD]
    audit = submitted_audit(area, lead)
    with pytest.raises(services.SummaryError):
        write(area, audit=audit)
    assert not YouSaidWeDid.objects.exists()


def test_a_lead_of_another_service_may_not_write_it(area):
    other = ServiceFactory(organisation=area.organisation, name="Elsewhere")
    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area, admin, project=ProjectFactory(service=other)), admin)
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.ACCEPTED)
    audit.refresh_from_db()
    with pytest.raises(services.SummaryError):
        write(area, audit=audit)


def test_leads_board_members_and_family_partners_may_not_approve(area):
    summary = write(area)
    for role in (Role.SERVICE_LEAD, Role.BOARD_MEMBER, Role.FAMILY_PARTNER):
        member = area.members[role]
        with pytest.raises(services.SummaryError):
            services.summary_approve(summary=summary, membership=member, by=member.user)
    summary.refresh_from_db()
    assert summary.status == YouSaidWeDid.Status.AWAITING_APPROVAL


def test_the_writer_does_not_approve_their_own(area):
    summary = write(area, role=Role.COMMISSIONER)
    member = area.members[Role.COMMISSIONER]
    with pytest.raises(services.SummaryError, match="someone else"):
        services.summary_approve(summary=summary, membership=member, by=member.user)
    Partnership.objects.filter(pk=area.partnership.pk).update(accept_needs_another_person=False)
    summary.refresh_from_db()
    services.summary_approve(summary=summary, membership=member, by=member.user)


def test_changing_an_approved_summary_takes_it_off_the_public_page(client, area):
    summary = approve(area, write(area))
    assert "We made it shorter." in public(client, area).content.decode()
    write(area, audit=summary.audit, send=False, we_did="We made it much shorter.")
    summary.refresh_from_db()
    assert summary.status == YouSaidWeDid.Status.DRAFT
    html = public(client, area).content.decode()
    assert "shorter" not in html
    assert "There is nothing here yet." in html
    # The history keeps every version.
    assert summary.history.count() >= 3


def test_public_page_shows_only_approved_and_nothing_of_another_partnership(
    client, area, other_area
):
    approved = approve(area, write(area, you_said="Approved words here."))
    ProjectFactory(service=area.service, title="Second")
    second = accepted_audit(area)
    Audit.objects.filter(pk=second.pk).update(project=area.service.projects.get(title="Second"))
    write(area, audit=Audit.objects.get(pk=second.pk), you_said="Waiting words here.")
    approve(other_area, write(other_area, you_said="Beta partnership words."))
    html = public(client, area).content.decode()
    assert "Approved words here." in html
    assert "Waiting words here." not in html
    assert "Beta partnership words." not in html
    assert other_area.partnership.name not in html
    assert area.service.name in html
    assert approved.audit.project.title in html
    # Nothing else of the partnership: no names of people, no ratings by default.
    for member in area.members.values():
        assert member.user.full_name not in html
        assert member.user.email not in html
    assert approved.audit.signed_name not in html
    assert "Sam Lead" not in html
    assert approved.audit.outcome.name not in html
    # Another partnership's page shows its own only.
    beta = public(client, other_area).content.decode()
    assert "Beta partnership words." in beta and "Approved words here." not in beta


def test_ratings_appear_only_when_the_admin_chooses(client, client_for, area):
    summary = approve(area, write(area))
    outcome = summary.audit.outcome.name
    rating = "How the service rated its work with families"
    assert rating not in public(client, area).content.decode()
    admin = client_for(area, Role.ADMIN)
    url = reverse("voice:yswd_settings", args=[area.partnership.slug])
    assert admin.post(url, {"show_ratings": "on"}).status_code == 302
    assert PublicPageSettings.for_partnership(area.partnership).show_ratings
    admin.logout()
    html = public(client, area).content.decode()
    assert "How the service rated its work with families" in html
    assert outcome in html
    assert "Participation" in html


def test_html_and_script_are_shown_as_text(client, client_for, area):
    summary = approve(area, write(area, you_said=SCRIPT, we_did=SCRIPT, next_steps=SCRIPT))
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"
    html = public(client, area).content.decode()
    assert '<script>alert("x")' not in html
    assert html.count(escaped) == 3
    YouSaidWeDid.objects.filter(pk=summary.pk).update(status=YouSaidWeDid.Status.AWAITING_APPROVAL)
    review = client_for(area, Role.COMMISSIONER).get(
        reverse("voice:yswd_review", args=[area.partnership.slug, summary.pk])
    )
    assert '<script>alert("x")' not in review.content.decode()
    assert escaped in review.content.decode()


def test_too_long_text_gets_a_message_and_is_kept(client_for, area):
    audit = accepted_audit(area)
    long_text = "word " * 2_000
    html = (
        client_for(area, Role.SERVICE_LEAD)
        .post(
            reverse("voice:yswd_write", args=[area.partnership.slug, audit.pk]),
            {"you_said": long_text, "we_did": "", "next_steps": "Next", "send": "1"},
        )
        .content.decode()
    )
    assert "What families said must be 1,500 characters or fewer" in html
    assert "Enter what the service did" in html
    assert "You can enter up to 1500 characters" in html
    assert long_text.strip() in html
    assert not YouSaidWeDid.objects.exists()


def test_pages_make_a_bounded_number_of_queries(client_for, area, django_assert_max_num_queries):
    from django.test import Client

    client = Client()  # nobody signed in, as the public

    def count(c, url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    public_url = reverse("voice:yswd_public", args=[area.partnership.slug])
    manage_url = reverse("voice:yswd_manage", args=[area.partnership.slug])
    commissioner = client_for(area, Role.COMMISSIONER)
    approve(area, write(area))
    before_public = count(client, public_url)
    before_manage = count(commissioner, manage_url)
    for i in range(4):
        service = ServiceFactory(organisation=area.organisation, name=f"Service {i}")
        project = ProjectFactory(service=service, title=f"Project {i}")
        audit = accepted_audit(area)
        Audit.objects.filter(pk=audit.pk).update(project=project)
        summary = write(area, audit=Audit.objects.get(pk=audit.pk), role=Role.ADMIN)
        if i % 2:
            approve(area, summary)
    assert count(client, public_url) == before_public
    assert count(commissioner, manage_url) == before_manage
    with django_assert_max_num_queries(6):
        client.get(public_url)
    with django_assert_max_num_queries(20):
        commissioner.get(manage_url)


def test_the_accepted_audit_page_offers_the_summary(client_for, area):
    audit = accepted_audit(area)
    page = client_for(area, Role.SERVICE_LEAD).get(
        reverse("audits:audit_view", args=[area.partnership.slug, audit.pk])
    )
    assert "Write a “You said, we did” summary" in page.content.decode()
    board = client_for(area, Role.BOARD_MEMBER).get(
        reverse("audits:audit_view", args=[area.partnership.slug, audit.pk])
    )
    assert "Write a “You said, we did” summary" not in board.content.decode()


def test_demo_data_puts_two_summaries_on_york_public_page(client, db):
    import io

    from django.core.management import call_command

    call_command("demo_data", stdout=io.StringIO())
    html = client.get(reverse("voice:yswd_public", args=["york"])).content.decode()
    assert html.count('class="app-yswd"') == 2
    assert YouSaidWeDid.objects.awaiting_approval().filter(partnership__slug="york").count() == 1
