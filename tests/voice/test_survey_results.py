"""Survey links, results with the small-number rule, the check-and-challenge flag and
retention of free text."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Role
from tests.factories import ProjectFactory, ServiceFactory
from tests.factories.audits import fill_audit, start_audit, submitted_audit
from tests.factories.surveys import survey_answers, survey_link
from voice.models import StatementMapping, SurveyAnswer, SurveyLink, SurveyResponse
from voice.surveys import selectors, services

DISAGREE = SurveyAnswer.Agreement.DISAGREE
AGREE = SurveyAnswer.Agreement.AGREE


def results_url(area, **params):
    url = reverse("voice:survey_results", args=[area.partnership.slug])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


# --- Links: who may make them, close, reopen, closing date -----------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMISSIONER, Role.SERVICE_LEAD])
def test_people_who_manage_the_audits_make_a_link_with_qr_code_and_poster(client_for, area, role):
    client = client_for(area, role)
    url = reverse("voice:survey_links", args=[area.partnership.slug, area.project.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    link = SurveyLink.objects.get()
    assert response.url == reverse("voice:survey_link", args=[area.partnership.slug, link.pk])
    page = client.get(response.url).content.decode()
    assert link.token in page and "<svg" in page and 'role="img"' in page
    poster = client.get(reverse("voice:survey_poster", args=[area.partnership.slug, link.pk]))
    assert "Tell us what you think" in poster.content.decode()
    assert "<svg" in poster.content.decode()
    qr = client.get(reverse("voice:survey_qr", args=[area.partnership.slug, link.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<?xml")
    assert (
        "Survey links, posters and results"
        in client.get(area.project.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.FAMILY_PARTNER])
def test_other_roles_cannot_make_links_or_see_them_on_the_project(client_for, area, role):
    client = client_for(area, role)
    link = survey_link(area)
    url = reverse("voice:survey_links", args=[area.partnership.slug, area.project.pk])
    assert client.post(url, {}).status_code in (403, 404)
    assert client.get(
        reverse("voice:survey_link", args=[area.partnership.slug, link.pk])
    ).status_code in (
        403,
        404,
    )
    assert SurveyLink.objects.count() == 1


def test_a_lead_of_another_service_cannot_manage_this_projects_survey(client, area):
    from tests.factories import MembershipFactory

    other_service = ServiceFactory(organisation=area.organisation)
    lead = MembershipFactory(
        partnership=area.partnership, role=Role.SERVICE_LEAD, services=[other_service]
    )
    client.force_login(lead.user)
    link = survey_link(area)
    url = reverse("voice:survey_link", args=[area.partnership.slug, link.pk])
    assert client.post(url, {"action": "close"}).status_code == 404
    link.refresh_from_db()
    assert link.closed_at is None
    assert (
        "Survey links, posters" not in client.get(area.project.get_absolute_url()).content.decode()
    )


def test_close_reopen_and_closing_date(client_for, area):
    from tests.dates import date_fields

    client = client_for(area, Role.SERVICE_LEAD)
    link = survey_link(area)
    url = reverse("voice:survey_link", args=[area.partnership.slug, link.pk])
    client.post(url, {"action": "close"})
    link.refresh_from_db()
    assert link.state == SurveyLink.State.CLOSED
    client.post(url, {"action": "reopen"})
    link.refresh_from_db()
    assert link.state == SurveyLink.State.OPEN
    past = timezone.localdate() - timedelta(days=2)
    refused = client.post(url, {"action": "date", **date_fields("closes_on", past)})
    assert "Closing date must be today or in the future" in refused.content.decode()
    soon = timezone.localdate() + timedelta(days=10)
    client.post(url, {"action": "date", **date_fields("closes_on", soon)})
    link.refresh_from_db()
    assert link.closes_on == soon
    # A link past its date reopens only with a new date.
    SurveyLink.objects.filter(pk=link.pk).update(closes_on=past, closed_at=timezone.now())
    link.refresh_from_db()
    with pytest.raises(services.SurveyError):
        services.survey_link_reopen(link=link)


# --- Results and the small-number rule -----------------------------------------------


def test_fewer_than_five_answers_show_no_figures_anywhere(client_for, area):
    client = client_for(area, Role.COMMISSIONER)
    link = survey_link(area)
    survey_answers(link, 4, DISAGREE, change_text="Only me said this")
    audit = submitted_audit(area)
    pages = [
        client.get(results_url(area)),
        client.get(results_url(area, service=area.service.pk, project=area.project.pk)),
        client.get(reverse("voice:survey_link", args=[area.partnership.slug, link.pk])),
        client.get(reverse("audits:audit_view", args=[area.partnership.slug, audit.pk])),
        client.get(reverse("reporting:audit_print", args=[area.partnership.slug, audit.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "4 people have answered" in html
        assert "(100%)" not in html and "Only me said this" not in html
    export = client.get(reverse("voice:survey_results_csv", args=[area.partnership.slug]))
    text = export.content.decode()
    assert "Fewer than 5 answers: not shown" in text and "Only me said this" not in text
    assert not selectors.project_results(area.partnership, area.project).statements


def test_five_answers_show_counts_and_percentages(client_for, area):
    client = client_for(area, Role.SERVICE_LEAD)
    link = survey_link(area)
    survey_answers(link, 3, AGREE, respondent="parent_carer")
    survey_answers(link, 2, DISAGREE, respondent="young_person", change_text="Shorter meetings")
    html = client.get(
        results_url(area, service=area.service.pk, project=area.project.pk)
    ).content.decode()
    assert "5 people answered" in html
    assert "3 (60%)" in html and "2 (40%)" in html
    assert "Shorter meetings" in html
    results = selectors.project_results(area.partnership, area.project)
    first = results.statements[0]
    assert first.agree_percent == 60 and first.disagree_percent == 40


def test_results_per_service_add_up_its_projects_and_keep_the_rule(client_for, area):
    client = client_for(area, Role.COMMISSIONER)
    second = ProjectFactory(service=area.service)
    survey_answers(survey_link(area), 3, AGREE)
    survey_answers(survey_link(project=second), 3, AGREE)
    rows = selectors.results_by_service(area.partnership, [area.project, second])
    assert rows[0].results.responses == 6 and rows[0].results.shown
    assert [r.shown for _, r in rows[0].projects] == [False, False]
    html = client.get(results_url(area)).content.decode()
    assert "6 people answered" in html and "3 people have answered" in html


def test_html_and_formulas_in_answers_are_text_everywhere(client_for, area):
    client = client_for(area, Role.COMMISSIONER)
    link = survey_link(area)
    survey_answers(link, 4, AGREE)
    survey_answers(link, 1, AGREE, change_text="<script>alert(1)</script>")
    survey_answers(link, 1, AGREE, change_text='=HYPERLINK("http://evil")')
    html = client.get(
        results_url(area, service=area.service.pk, project=area.project.pk)
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    export = client.get(reverse("voice:survey_results_csv", args=[area.partnership.slug]))
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert '=HYPERLINK("http://evil")' not in cells


def test_a_service_lead_sees_only_their_services_results(client_for, area):
    other = ProjectFactory(service=ServiceFactory(organisation=area.organisation))
    survey_answers(survey_link(project=other), 5, AGREE)
    html = client_for(area, Role.SERVICE_LEAD).get(results_url(area)).content.decode()
    assert other.title not in html
    html = client_for(area, Role.COMMISSIONER).get(results_url(area)).content.decode()
    assert other.title in html


def test_results_page_queries_do_not_grow_with_answers(
    client_for, area, django_assert_max_num_queries
):
    client = client_for(area, Role.COMMISSIONER)
    for _ in range(3):
        project = ProjectFactory(service=ServiceFactory(organisation=area.organisation))
        survey_answers(survey_link(project=project), 6, AGREE, change_text="x")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(results_url(area)).status_code == 200
    assert len(few) <= 16
    for _ in range(3):
        project = ProjectFactory(service=ServiceFactory(organisation=area.organisation))
        survey_answers(survey_link(project=project), 12, DISAGREE)
    with django_assert_max_num_queries(len(few)):
        assert client.get(results_url(area)).status_code == 200


# --- The check-and-challenge flag ---------------------------------------------------


def good_audit(area, submitted=False, rank=2):
    from audits import services as audit_services

    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area, admin), admin, rank=rank)
    if submitted:
        audit = audit_services.audit_submit(
            audit=audit,
            membership=admin,
            by=admin.user,
            name="Sam Lead",
            designation="Service manager",
            confirmed=True,
        )
    return audit


def flagged(area, audit):
    from audits.selectors import load_audit

    audit, assessments = load_audit(audit)
    return [
        f.principle.number
        for f in selectors.principle_flags(area.partnership, area.project, assessments)
    ]


def test_no_flag_with_fewer_than_five_answers(area):
    audit = good_audit(area)
    survey_answers(survey_link(area), 4, SurveyAnswer.Agreement.STRONGLY_DISAGREE)
    assert flagged(area, audit) == []


def test_flag_with_five_mostly_negative_answers_on_good_or_excellent(client_for, area):
    audit = good_audit(area, submitted=True)
    link = survey_link(area)
    survey_answers(link, 3, DISAGREE)
    survey_answers(link, 2, AGREE)
    # Principle 4 has no statement by default; the other five are rated Good.
    assert flagged(area, audit) == [1, 2, 3, 5, 6]
    client = client_for(area, Role.COMMISSIONER)
    for name in ("audits:audit_view", "audits:review"):
        html = client.get(reverse(name, args=[area.partnership.slug, audit.pk])).content.decode()
        assert "Check and challenge: families’ survey answers do not match" in html
        assert "Principle 1: the service rated it Good, but 6 of 10 answers (60%) from 5" in html
    pdf_page = client.get(reverse("reporting:audit_print", args=[area.partnership.slug, audit.pk]))
    assert "families’ survey answers do not match" in pdf_page.content.decode()


def test_no_flag_when_answers_are_mostly_positive_or_level_is_lowest(area):
    audit = good_audit(area)
    link = survey_link(area)
    survey_answers(link, 3, AGREE)
    survey_answers(link, 2, DISAGREE)
    assert flagged(area, audit) == []
    low = area
    audit.delete()
    audit = good_audit(low, rank=1)
    survey_answers(link, 5, DISAGREE)
    assert flagged(area, audit) == []


def test_does_not_apply_answers_are_left_out_of_the_flag(area):
    audit = good_audit(area)
    link = survey_link(area)
    survey_answers(link, 5, SurveyAnswer.Agreement.DOES_NOT_APPLY)
    survey_answers(link, 4, DISAGREE)
    # Only four people gave a view: too few for a flag.
    assert flagged(area, audit) == []


def test_the_admin_changes_which_principles_a_statement_speaks_to(client_for, area):
    audit = good_audit(area)
    survey_answers(survey_link(area), 5, DISAGREE)
    client = client_for(area, Role.ADMIN)
    url = reverse("voice:survey_mapping", args=[area.partnership.slug])
    page = client.get(url).content.decode()
    assert "I am an equal partner and am listened to and valued." in page
    # Every statement speaks only to principle 4 now.
    client.post(url, {f"statement_{n}": ["4"] for n in range(1, 6)})
    assert StatementMapping.objects.filter(partnership=area.partnership).count() == 5
    assert flagged(area, audit) == [4]
    assert client_for(area, Role.COMMISSIONER).get(url).status_code == 403


# --- Retention of free text -----------------------------------------------------------


def test_free_text_and_contact_details_go_after_two_years_with_a_frozen_clock(
    area, monkeypatch, caplog
):
    link = survey_link(area)
    start = timezone.now()
    old, recent = survey_answers(link, 2, AGREE, change_text="Please phone me")
    SurveyResponse.objects.filter(pk=old.pk).update(
        submitted_at=start - timedelta(days=731),
        contact_consent=True,
        contact_name="Ann",
        contact_details="ann@example.org",
    )
    SurveyResponse.objects.filter(pk=recent.pk).update(submitted_at=start - timedelta(days=729))
    monkeypatch.setattr(timezone, "now", lambda: start)

    dry = services.survey_text_retention_run(dry_run=True)
    assert dry.texts_removed == 1
    assert SurveyResponse.objects.get(pk=old.pk).change_text == "Please phone me"

    from voice.tasks import survey_text_retention_daily

    with caplog.at_level("INFO"):
        assert survey_text_retention_daily() == 1
    assert "removed: 1" in caplog.text
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.change_text, old.contact_name, old.contact_details) == ("", "", "")
    assert old.text_removed_at == start
    assert old.answers.count() == 5  # the choices stay
    assert recent.change_text == "Please phone me"
    # Run again the same day: nothing more.
    assert services.survey_text_retention_run().texts_removed == 0


def test_retention_runs_every_day_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["survey-text-retention"]
    assert entry["task"] == "voice.tasks.survey_text_retention_daily"
    assert settings.SURVEY_TEXT_DAYS == 730


def test_retention_command_dry_run(area):
    from django.core.management import call_command

    link = survey_link(area)
    (response,) = survey_answers(link, 1, AGREE, change_text="keep?")
    SurveyResponse.objects.filter(pk=response.pk).update(
        submitted_at=timezone.now() - timedelta(days=800)
    )
    out = io.StringIO()
    call_command("survey_retention", "--dry-run", stdout=out)
    assert "Would do (dry run)" in out.getvalue() and "would be removed: 1" in out.getvalue()
    response.refresh_from_db()
    assert response.change_text == "keep?"


def test_audit_page_with_survey_results_uses_bounded_queries(
    client_for, area, django_assert_max_num_queries
):
    client = client_for(area, Role.COMMISSIONER)
    audit = submitted_audit(area)
    url = reverse("audits:audit_view", args=[area.partnership.slug, audit.pk])
    survey_answers(survey_link(area), 5, DISAGREE)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    survey_answers(survey_link(area), 30, DISAGREE)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
