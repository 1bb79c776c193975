"""The action plan after acceptance, the Actions page and its export, and the Programme."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits import services
from audits.models import Action, ActionUpdate, Audit
from partnership.models import Role
from tests.dates import date_fields
from tests.factories import ProjectFactory, ServiceFactory
from tests.factories.audits import accepted_audit, start_audit


def detail(action):
    return reverse(
        "audits:action_detail", kwargs={"slug": action.audit.partnership.slug, "pk": action.pk}
    )


def actions_url(area, **query):
    from django.utils.http import urlencode

    url = reverse("audits:action_list", kwargs={"slug": area.partnership.slug})
    return f"{url}?{urlencode(query)}" if query else url


@pytest.fixture
def action(area):
    return accepted_audit(area).actions.get()


@pytest.mark.parametrize("role", [Role.SERVICE_LEAD, Role.COMMISSIONER, Role.ADMIN])
def test_leads_commissioners_and_admins_record_progress(client_for, area, action, role):
    client = client_for(area, role)
    response = client.post(
        detail(action),
        {"status": "in_progress", "note": "Findings shared at the forum", "who": "Lead"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    update = action.updates.get()
    assert update.by == area.members[role].user and update.note == "Findings shared at the forum"
    # The audit itself stays read-only and accepted.
    assert action.audit.status == Audit.Status.ACCEPTED
    assert (
        client.get(
            reverse("audits:summary", kwargs={"slug": area.partnership.slug, "pk": action.audit_id})
        ).status_code
        == 302
    )


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER])
def test_board_members_read_but_do_not_update(client_for, area, action, role):
    client = client_for(area, role)
    page = client.get(detail(action))
    assert page.status_code == 200 and "Record progress" not in page.content.decode()
    assert client.post(detail(action), {"status": "done", "who": "x"}).status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_family_partners_do_not_see_the_action_plan(client_for, area, action):
    client = client_for(area, Role.FAMILY_PARTNER)
    assert client.get(detail(action)).status_code == 403
    assert client.post(detail(action), {"status": "done", "who": "x"}).status_code == 403


def test_the_owner_may_update_their_action_whatever_their_role(client_for, area, action):
    owner = area.members[Role.BOARD_MEMBER]
    Action.objects.filter(pk=action.pk).update(owner=owner)
    client = client_for(area, Role.BOARD_MEMBER)
    response = client.post(
        detail(action), {"status": "done", "owner": str(owner.pk), "note": "Sent to families"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done and action.done_on == timezone.localdate()


def test_done_with_a_date_and_every_change_in_the_history(client_for, area, action):
    client = client_for(area, Role.SERVICE_LEAD)
    audit_date = action.audit.audit_date
    client.post(detail(action), {"status": "in_progress", "who": "Lead", "note": "Started"})
    client.post(
        detail(action),
        {"status": "done", "who": "Lead", **date_fields("done_on", audit_date), "note": "Sent"},
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.done_on == audit_date
    assert [u.status for u in action.updates.all()] == ["done", "in_progress"]
    assert [h.status for h in action.history.all()][:2] == ["done", "in_progress"]
    page = client.get(detail(action)).content.decode()
    assert "Started" in page and "Sent" in page


def test_bad_input_gets_a_message_and_changes_nothing(client_for, area, action):
    client = client_for(area, Role.SERVICE_LEAD)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    before = action.audit.audit_date - timedelta(days=1)
    for data, message in (
        (
            {"status": "done", "who": "Lead", **date_fields("done_on", future)},
            "today or in the past",
        ),
        (
            {"status": "done", "who": "Lead", **date_fields("done_on", before)},
            "on or after the date",
        ),
        ({"status": "done", "who": "", "owner": ""}, "Choose a person responsible"),
        ({"who": "Lead"}, "Choose the status"),
        ({"status": "not_started", "who": "Lead"}, "Nothing has changed"),
    ):
        response = client.post(detail(action), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED and not ActionUpdate.objects.exists()


def test_the_owner_is_a_person_of_the_partnership_or_a_typed_name(
    client_for, area, other_area, action
):
    client = client_for(area, Role.ADMIN)
    foreign = other_area.members[Role.SERVICE_LEAD]
    response = client.post(detail(action), {"status": "in_progress", "owner": str(foreign.pk)})
    assert response.status_code == 200  # not one of the choices
    action.refresh_from_db()
    assert action.owner_id is None
    lead = area.members[Role.SERVICE_LEAD]
    client.post(detail(action), {"status": "in_progress", "owner": str(lead.pk)})
    action.refresh_from_db()
    assert action.owner == lead and action.owner_name == lead.user.get_full_name()
    # The owner sees it on their home page.
    home = client_for(area, Role.SERVICE_LEAD).get(f"/{area.partnership.slug}/")
    assert "Your actions" in home.content.decode() and action.what in home.content.decode()


def test_a_re_audit_carries_forward_the_actions_not_done(area):
    audit = accepted_audit(area)
    keep = audit.actions.get()
    Action.objects.filter(pk=keep.pk).update(
        status=Action.Status.IN_PROGRESS, owner=area.members[Role.SERVICE_LEAD]
    )
    for what, status in (("Done one", "done"), ("Dropped one", "not_going_ahead")):
        audit.actions.create(what=what, who="X", due_date=timezone.localdate(), status=status)
    new = services.audit_start(
        project=area.project,
        by=area.members[Role.ADMIN].user,
        membership=area.members[Role.ADMIN],
        carry_forward=True,
    )
    carried = list(new.actions.all())
    assert [(a.what, a.status, a.owner_id, a.carried_forward) for a in carried] == [
        (keep.what, "in_progress", area.members[Role.SERVICE_LEAD].pk, True)
    ]


def test_an_action_due_before_the_audit_date_gets_a_message(client_for, area):
    audit = start_audit(area)
    Audit.objects.filter(pk=audit.pk).update(audit_date=date(2026, 5, 1))
    client = client_for(area, Role.ADMIN)
    url = reverse("audits:summary", kwargs={"slug": area.partnership.slug, "pk": audit.pk})
    response = client.post(
        url,
        {
            "version": Audit.objects.get(pk=audit.pk).version,
            "summary": "Kept",
            **date_fields("review_date", timezone.localdate() + timedelta(days=200)),
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-what": "Share it",
            "actions-0-who": "Lead",
            **date_fields("actions-0-due_date", "2026-04-01"),
        },
    )
    assert response.status_code == 200
    assert "on or after the date of the audit, 1 May 2026" in response.content.decode()
    assert "Share it" in response.content.decode()  # what was typed is kept
    assert not Action.objects.filter(audit=audit).exists()


# The Actions page --------------------------------------------------------------------


@pytest.fixture
def plan(area):
    """Three projects of two services with actions in every state."""
    today = timezone.localdate()
    other_service = ServiceFactory(organisation=area.organisation)
    rows = {}
    for name, service, due, status in (
        ("late", area.service, today - timedelta(days=3), "not_started"),
        ("late-started", other_service, today - timedelta(days=1), "in_progress"),
        ("soon", area.service, today + timedelta(days=10), "not_started"),
        ("done-late", other_service, today - timedelta(days=9), "done"),
    ):
        project = ProjectFactory(service=service)
        audit = accepted_audit(area.__class__(**{**area.__dict__, "project": project}))
        audit.actions.update(what=name, due_date=due, status=status)
        rows[name] = audit.actions.get()
    return rows


def names(response):
    return sorted(a.what for a in response.context["page"].object_list)


def test_actions_page_filters(client_for, area, plan):
    client = client_for(area, Role.COMMISSIONER)
    assert names(client.get(actions_url(area))) == ["done-late", "late", "late-started", "soon"]
    assert names(client.get(actions_url(area, due="overdue"))) == ["late", "late-started"]
    assert names(client.get(actions_url(area, status="done"))) == ["done-late"]
    assert names(client.get(actions_url(area, status="open"))) == ["late", "late-started", "soon"]
    assert names(client.get(actions_url(area, service=area.service.pk))) == ["late", "soon"]
    assert names(client.get(actions_url(area, due="next30"))) == ["soon"]
    assert names(client.get(actions_url(area, organisation=area.organisation.pk))) == [
        "done-late",
        "late",
        "late-started",
        "soon",
    ]
    lead = area.members[Role.SERVICE_LEAD]
    Action.objects.filter(pk=plan["soon"].pk).update(owner=lead)
    assert names(client.get(actions_url(area, owner=lead.pk))) == ["soon"]
    assert names(client.get(actions_url(area, owner="typed"))) == [
        "done-late",
        "late",
        "late-started",
    ]


def test_bad_filters_are_ignored_with_a_message(client_for, area, other_area, plan):
    client = client_for(area, Role.COMMISSIONER)
    response = client.get(actions_url(area, service=other_area.service.pk, status="nonsense"))
    assert len(names(response)) == 4
    text = response.content.decode()
    assert "“Service” was not recognised" in text and "“Status” was not recognised" in text


def test_the_dashboard_counts_the_same_overdue_actions(client_for, area, plan):
    client = client_for(area, Role.COMMISSIONER)
    page = client.get(actions_url(area))
    dashboard = client.get(reverse("reporting:dashboard", kwargs={"slug": area.partnership.slug}))
    assert page.context["overdue_count"] == 2
    assert dashboard.context["headline"].actions_overdue == 2


def test_actions_page_queries_do_not_grow(client_for, area, plan, django_assert_max_num_queries):
    client = client_for(area, Role.COMMISSIONER)
    with django_assert_max_num_queries(16):
        assert client.get(actions_url(area)).status_code == 200
    for _ in range(5):
        project = ProjectFactory(service=area.service)
        accepted_audit(area.__class__(**{**area.__dict__, "project": project}))
    with django_assert_max_num_queries(16):
        assert client.get(actions_url(area)).status_code == 200


def test_export_holds_the_filtered_actions_with_safe_cells(client_for, area, plan):
    Action.objects.filter(pk=plan["late"].pk).update(what='=HYPERLINK("http://x")')
    ActionUpdate.objects.create(
        action=plan["late"], status="in_progress", note="+1 more family", by=None
    )
    client = client_for(area, Role.BOARD_MEMBER)
    url = reverse("audits:action_export", kwargs={"slug": area.partnership.slug})
    response = client.get(url + "?due=overdue")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["Actions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Action" and rows[0][9] == "Update and evidence of achievement"
    assert sorted(r[0] for r in rows[1:]) == ['\'=HYPERLINK("http://x")', "late-started"]
    late = next(r for r in rows[1:] if r[0].startswith("'="))
    assert late[7] == "Yes" and late[9] == "'+1 more family"


# The Programme -------------------------------------------------------------------------


def test_programme_shows_the_year_by_month(client_for, area):
    today = timezone.localdate()
    audit = accepted_audit(area)
    Audit.objects.filter(pk=audit.pk).update(review_date=date(today.year, 12, 31))
    never = ServiceFactory(organisation=area.organisation, name="Never audited")
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("audits:programme", kwargs={"slug": area.partnership.slug})
    response = client.get(url)
    plan = response.context["plan"]
    groups = dict(plan.groups)
    assert [e.project for e in groups[f"December {today.year}"]] == [area.project]
    done_month = groups[f"{audit.audit_date:%B} {today.year}"]
    assert any(e.status == "done" and e.project == area.project for e in done_month)
    assert never in [s for s, _ in plan.unaudited]
    assert area.service not in [s for s, _ in plan.unaudited]
    # The never-audited service is due a year after it was added.
    added = timezone.localtime(never.created_at).date()
    due = dict(plan.unaudited)[never]
    assert due == added.replace(year=added.year + 1)
    # A new audit started: in progress.
    start_audit(area)
    plan = client.get(url).context["plan"]
    assert plan.counts["in_progress"] == 1
    assert client.get(url + "?year=abc").status_code == 200


def test_a_service_lead_sees_only_their_own_services(client_for, area):
    elsewhere = ServiceFactory(organisation=area.organisation, name="Not theirs")
    client = client_for(area, Role.SERVICE_LEAD)
    url = reverse("audits:programme", kwargs={"slug": area.partnership.slug})
    plan = client.get(url).context["plan"]
    services = [s for s, _ in plan.unaudited]
    assert area.service in services and elsewhere not in services
    assert client_for(area, Role.BOARD_MEMBER).get(url).status_code == 403


def test_the_action_plan_may_name_a_person_of_the_partnership(client_for, area):
    audit = start_audit(area)
    lead = area.members[Role.SERVICE_LEAD]
    client = client_for(area, Role.ADMIN)
    url = reverse("audits:summary", kwargs={"slug": area.partnership.slug, "pk": audit.pk})
    response = client.post(
        url,
        {
            "version": Audit.objects.get(pk=audit.pk).version,
            "summary": "Kept",
            **date_fields("review_date", timezone.localdate() + timedelta(days=200)),
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-what": "Share it",
            "actions-0-owner": str(lead.pk),
            **date_fields("actions-0-due_date", timezone.localdate()),
            "actions-1-what": "Ask families",
            "actions-1-who": "Parent carer forum",
            **date_fields("actions-1-due_date", timezone.localdate()),
        },
    )
    assert response.status_code == 302
    shared, asked = audit.actions.all()
    assert shared.owner == lead and shared.who == lead.user.get_full_name()
    assert asked.owner is None and asked.who == "Parent carer forum"
    page = client.get(url).content.decode()
    assert f'<option value="{lead.pk}" selected>' in page
