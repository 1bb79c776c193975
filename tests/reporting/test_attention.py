"""The "What needs your attention" panel at the top of each role's home page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Audit
from partnership.models import Role
from tests.factories import InvitationFactory, ProjectFactory, ServiceFactory
from tests.factories.audits import accepted_audit, start_audit, submitted_audit

pytestmark = pytest.mark.django_db


def home(client_for, area, role):
    response = client_for(area, role).get(
        reverse("partnership:home", kwargs={"slug": area.partnership.slug})
    )
    assert response.status_code == 200
    return response.content.decode()


def panel(html):
    """The attention panel's own markup, so the rest of the page cannot satisfy a test."""
    start = html.index('aria-labelledby="attention-heading"')
    return html[start : html.index("</section>", start)]


def more_projects(area, count):
    return [ProjectFactory(service=area.service, title=f"Extra project {n}") for n in range(count)]


def returned(area, project):
    reviewer = area.members[Role.COMMISSIONER]
    lead = area.members[Role.SERVICE_LEAD]
    audit = submitted_audit_for(area, project, lead)
    return services.audit_request_changes(
        audit=audit,
        membership=reviewer,
        by=reviewer.user,
        comments={None: "Say who took part."},
    )


def submitted_audit_for(area, project, membership):
    from tests.factories.audits import fill_audit

    audit = fill_audit(start_audit(area, membership, project=project), membership)
    return services.audit_submit(
        audit=audit,
        membership=membership,
        by=membership.user,
        name="Sam Lead",
        designation="Manager",
        confirmed=True,
    )


def test_lead_sees_returned_audits_and_drafts_with_a_continue_link(area, client_for):
    lead = area.members[Role.SERVICE_LEAD]
    first, second = more_projects(area, 2)
    sent_back = returned(area, first)
    draft = start_audit(area, lead, project=second)
    html = panel(home(client_for, area, Role.SERVICE_LEAD))
    assert "Audits returned to you for changes (1)" in html
    assert f"/audits/{sent_back.pk}/" in html
    assert "1 comment to answer" in html
    assert "Audits you have started (1)" in html
    assert f'href="/{area.partnership.slug}/audits/{draft.pk}/"' in html
    assert f"Continue the audit of {second.title}" in html


def test_lead_sees_reviews_overdue_and_due_soon(area, client_for):
    today = timezone.localdate()
    overdue = accepted_audit(area)
    Audit.objects.filter(pk=overdue.pk).update(review_date=today - timedelta(days=3))
    other = ProjectFactory(service=area.service, title="Due soon project")
    due = accepted_audit_of(area, other)
    Audit.objects.filter(pk=due.pk).update(review_date=today + timedelta(days=10))
    html = panel(home(client_for, area, Role.SERVICE_LEAD))
    assert "Reviews overdue (1)" in html
    assert "Reviews due soon (1)" in html
    assert "Due soon project" in html


def accepted_audit_of(area, project):
    lead = area.members[Role.SERVICE_LEAD]
    reviewer = area.members[Role.COMMISSIONER]
    audit = submitted_audit_for(area, project, lead)
    return services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)


def test_lead_does_not_see_other_services_work(area, client_for):
    other_service = ServiceFactory(organisation=area.organisation)
    project = ProjectFactory(service=other_service)
    start_audit(area, area.members[Role.ADMIN], project=project)
    html = panel(home(client_for, area, Role.SERVICE_LEAD))
    assert "Audits you have started" not in html
    assert "Nothing needs your attention right now." in html


def test_commissioner_sees_audits_waiting_oldest_first_with_days(area, client_for):
    first, second = more_projects(area, 2)
    lead = area.members[Role.SERVICE_LEAD]
    older = submitted_audit_for(area, first, lead)
    newer = submitted_audit_for(area, second, lead)
    Audit.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    html = panel(home(client_for, area, Role.COMMISSIONER))
    assert "Audits waiting for your review (2)" in html
    assert html.index(f"/audits/{older.pk}/review/") < html.index(f"/audits/{newer.pk}/review/")
    assert "waiting 9 days" in html


def test_commissioner_sees_overdue_reviews_and_actions(area, client_for):
    audit = accepted_audit(area)
    today = timezone.localdate()
    Audit.objects.filter(pk=audit.pk).update(review_date=today - timedelta(days=1))
    audit.actions.update(due_date=today - timedelta(days=2))
    html = panel(home(client_for, area, Role.COMMISSIONER))
    assert "Reviews overdue (1)" in html
    assert "Actions overdue (1)" in html
    assert "Share the findings" in html


def test_board_member_sees_latest_accepted_audits(area, client_for):
    audit = accepted_audit(area)
    html = panel(home(client_for, area, Role.BOARD_MEMBER))
    assert "Latest accepted audits (1)" in html
    assert f"/audits/{audit.pk}/view/" in html


def test_admin_sees_pending_invitations_and_services_without_a_lead(area, client_for):
    lonely = ServiceFactory(organisation=area.organisation, name="Nobody leads this")
    html = panel(home(client_for, area, Role.ADMIN))
    assert "Invitations not yet accepted (1)" in html
    assert area.invitation.email in html
    assert "Services with no service lead (1)" in html
    assert f"Invite a lead for {lonely.name}" in html
    # The fixture's own service has a lead.
    assert f"Invite a lead for {area.service.name}<" not in html


def test_family_partner_is_told_nothing_needs_attention(area, client_for):
    html = panel(home(client_for, area, Role.FAMILY_PARTNER))
    assert "Nothing needs your attention right now." in html


def test_other_partnerships_work_never_appears(area, other_area, client_for):
    submitted_audit(other_area)
    html = panel(home(client_for, area, Role.COMMISSIONER))
    assert "Audits waiting for your review" not in html


@pytest.mark.parametrize(
    "role", [Role.SERVICE_LEAD, Role.COMMISSIONER, Role.BOARD_MEMBER, Role.ADMIN]
)
def test_home_page_queries_do_not_grow_with_the_work_waiting(
    area, client_for, django_assert_max_num_queries, role
):
    """The same ceiling with one item of each kind and with many more than are shown."""
    lead = area.members[Role.SERVICE_LEAD]

    def add_work(n):
        today = timezone.localdate()
        for i in range(n):
            project = ProjectFactory(service=area.service, title=f"Work {n}-{i}")
            kind = i % 4
            if kind == 0:
                start_audit(area, lead, project=project)
            elif kind == 1:
                submitted_audit_for(area, project, lead)
            elif kind == 2:
                returned(area, project)
            else:
                audit = accepted_audit_of(area, project)
                Audit.objects.filter(pk=audit.pk).update(review_date=today - timedelta(days=1))
                audit.actions.update(due_date=today - timedelta(days=1))
            InvitationFactory(partnership=area.partnership)
            ServiceFactory(organisation=area.organisation)

    url = reverse("partnership:home", kwargs={"slug": area.partnership.slug})
    client = client_for(area, role)
    add_work(4)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_work(24)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "See all" in html


def test_lead_sees_their_actions_due_and_overdue(area, client_for):
    audit = accepted_audit(area)
    today = timezone.localdate()
    action = audit.actions.get()
    audit.actions.update(due_date=today - timedelta(days=2))
    html = panel(home(client_for, area, Role.SERVICE_LEAD))
    assert "Your actions due (1)" in html
    assert f"/actions/{action.pk}/" in html
    assert "was due" in html
    # Done actions, and actions due well ahead, need nothing yet.
    audit.actions.update(due_date=today + timedelta(days=40))
    assert "Your actions due" not in panel(home(client_for, area, Role.SERVICE_LEAD))


def test_board_member_sees_board_packs_that_are_ready(area, client_for):
    from reporting.models import BoardPack

    ready = BoardPack.objects.create(
        partnership=area.partnership,
        dedupe_key="attention-ready",
        period_label="Financial year 2026–27",
        status=BoardPack.Status.READY,
    )
    BoardPack.objects.create(
        partnership=area.partnership, dedupe_key="attention-queued", status=BoardPack.Status.QUEUED
    )
    html = panel(home(client_for, area, Role.BOARD_MEMBER))
    assert "Board packs ready to read (1)" in html
    assert f"/board-packs/{ready.pk}/" in html
    assert "Financial year 2026–27" in html
