"""Audit pages: bad input, evidence files, conflicts, history, review and query counts."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Audit, Evidence, ReviewComment
from audits.selectors import audit_history
from partnership.models import Role
from tests.dates import date_fields
from tests.factories.audits import accepted_audit, fill_audit, start_audit, submitted_audit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89"
)


def u(audit, name, **kwargs):
    return reverse(
        f"audits:{name}", kwargs={"slug": audit.partnership.slug, "pk": audit.pk, **kwargs}
    )


def principle_post(audit, number, **extra):
    assessment = audit.assessments.get(principle__number=number)
    level = audit.framework.levels.get(rank=2)
    data = {
        "level": str(level.pk),
        "notes": "Typed notes that must not be lost",
        "version": assessment.version,
    }
    data.update(extra)
    return data


@pytest.fixture
def lead(area):
    return area.members[Role.SERVICE_LEAD]


@pytest.fixture
def lead_client(client_for, area):
    return client_for(area, Role.SERVICE_LEAD)


def test_executable_renamed_pdf_is_refused_and_typing_kept(lead_client, area, lead):
    audit = start_audit(area, lead)
    upload = SimpleUploadedFile("minutes.pdf", EXE, content_type="application/pdf")
    response = lead_client.post(
        u(audit, "principle", number=1), {**principle_post(audit, 1), "evidence_file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“minutes.pdf” is an EXE file" in html
    assert "Typed notes that must not be lost" in html
    assert not Evidence.objects.exists()
    assert audit.assessments.get(principle__number=1).notes == ""


def test_large_file_refused(lead_client, area, lead, settings):
    audit = start_audit(area, lead)
    big = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    html = lead_client.post(
        u(audit, "principle", number=1), {**principle_post(audit, 1), "evidence_file": big}
    ).content.decode()
    assert "files must be 10 MB or smaller" in html
    assert not Evidence.objects.exists()


def test_pdf_upload_and_access_rules_on_download(lead_client, client_for, area, other_area, lead):
    audit = start_audit(area, lead)
    upload = SimpleUploadedFile("Minutes.PDF", PDF, content_type="application/octet-stream")
    response = lead_client.post(
        u(audit, "principle", number=2),
        {
            **principle_post(audit, 2),
            "evidence_file": upload,
            "evidence_file_title": "Minutes",
            "stay": "1",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.extension == "pdf" and evidence.content_type == "application/pdf"
    assert f"/{area.partnership.pk}/{audit.pk}/" in evidence.file.name
    download = lead_client.get(u(audit, "evidence_download", evidence_pk=evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    # A board member may not read a draft, so not its evidence either.
    board = client_for(area, Role.BOARD_MEMBER)
    assert board.get(u(audit, "evidence_download", evidence_pk=evidence.pk)).status_code == 404
    # Another partnership's member gets the same 404.
    client_for(other_area, Role.ADMIN)
    assert board.get(u(audit, "evidence_download", evidence_pk=evidence.pk)).status_code == 404


def test_link_evidence_needs_a_title(lead_client, area, lead):
    audit = start_audit(area, lead)
    html = lead_client.post(
        u(audit, "principle", number=1),
        {**principle_post(audit, 1), "evidence_url": "https://example.org/report"},
    ).content.decode()
    assert "Enter a title for the link" in html
    response = lead_client.post(
        u(audit, "principle", number=1),
        {
            **principle_post(audit, 1),
            "evidence_url": "https://example.org/report",
            "evidence_url_title": "Report",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().kind == Evidence.Kind.LINK


def test_future_audit_date_and_past_review_date(lead_client, area, lead):
    audit = start_audit(area, lead)
    tomorrow = timezone.localdate() + timedelta(days=1)
    html = lead_client.post(
        u(audit, "details"),
        {
            **date_fields("audit_date", tomorrow),
            "version": audit.version,
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Lee",
            "people-0-designation": "Lead",
        },
    ).content.decode()
    assert "The date of the audit must be today or in the past" in html
    assert "<title>Error:" in html
    outcome = audit.framework.outcomes.first()
    html = lead_client.post(
        u(audit, "summary"),
        {
            "outcome": str(outcome.pk),
            "summary": "A summary that is kept",
            **date_fields("review_date", timezone.localdate() - timedelta(days=2)),
            "version": audit.version,
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
        },
    ).content.decode()
    assert "The review date must be in the future" in html
    assert "A summary that is kept" in html
    assert Audit.objects.get(pk=audit.pk).summary == ""


def test_empty_signature_gets_messages(lead_client, area, lead):
    audit = fill_audit(start_audit(area, lead), lead)
    html = lead_client.post(
        u(audit, "check"), {"signed_name": "", "signed_designation": ""}
    ).content.decode()
    assert "Enter your full name" in html
    assert "Confirm that this is an accurate record" in html
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.DRAFT


def test_incomplete_audit_lists_what_is_missing_with_links(lead_client, area, lead):
    audit = start_audit(area, lead)
    html = lead_client.get(u(audit, "check")).content.decode()
    assert "You cannot submit the audit yet" in html
    assert u(audit, "principle", number=4) in html
    assert "Choose a level for principle 4" in html


def test_conflict_page_keeps_both_versions(client_for, area, lead, client):
    audit = start_audit(area, lead)
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(lead.user)
    second.force_login(area.members[Role.COMMISSIONER].user)
    data = principle_post(audit, 1)
    assert (
        first.post(
            u(audit, "principle", number=1), {**data, "notes": "First person's notes"}
        ).status_code
        == 302
    )
    response = second.post(
        u(audit, "principle", number=1), {**data, "notes": "Second person's notes"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "First person&#x27;s notes" in html and "Second person&#x27;s notes" in html
    assert audit.assessments.get(principle__number=1).notes == "First person's notes"
    # Keeping my version on purpose saves it.
    version = audit.assessments.get(principle__number=1).version
    response = second.post(
        u(audit, "principle", number=1),
        {**data, "notes": "Second person's notes", "version": version},
    )
    assert response.status_code == 302
    assert audit.assessments.get(principle__number=1).notes == "Second person's notes"


def test_accepted_audit_is_read_only_in_every_page(client_for, area):
    audit = accepted_audit(area)
    admin = client_for(area, Role.ADMIN)
    for name, kwargs in (
        ("details", {}),
        ("principle", {"number": 1}),
        ("summary", {}),
        ("check", {}),
    ):
        assert admin.get(u(audit, name, **kwargs)).url == u(audit, "audit_view")
        assert admin.post(u(audit, name, **kwargs), principle_post(audit, 1)).status_code == 403
    assessment = audit.assessments.get(principle__number=1)
    assert assessment.notes == "Evidence for principle 1."
    html = admin.get(u(audit, "audit_view")).content.decode()
    assert "can no longer be changed" in html
    assert "Continue the audit" not in html


def test_review_return_needs_a_comment_then_accept(client_for, area):
    audit = submitted_audit(area)
    reviewer = client_for(area, Role.COMMISSIONER)
    html = reviewer.post(u(audit, "review"), {"decision": "return"}).content.decode()
    assert "Write at least one comment" in html
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED
    response = reviewer.post(
        u(audit, "review"), {"decision": "return", "comment_2": "More evidence, please"}
    )
    assert response.status_code == 302
    assert ReviewComment.objects.get().principle.number == 2
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.CHANGES_REQUESTED
    # Accepting a returned audit is refused and changes nothing.
    assert reviewer.post(u(audit, "review"), {"decision": "accept_confirmed"}).status_code == 403
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.CHANGES_REQUESTED


def test_lead_sees_comments_on_task_list_and_principle(client_for, area, lead):
    audit = submitted_audit(area, lead)
    reviewer = area.members[Role.COMMISSIONER]
    services.audit_request_changes(
        audit=audit,
        membership=reviewer,
        by=reviewer.user,
        comments={audit.framework.principles.get(number=5): "How was it made accessible?"},
    )
    lead_client = client_for(area, Role.SERVICE_LEAD)
    assert "How was it made accessible?" in lead_client.get(u(audit, "task_list")).content.decode()
    assert (
        "How was it made accessible?"
        in lead_client.get(u(audit, "principle", number=5)).content.decode()
    )


def test_review_list_oldest_first_with_days_waiting(client_for, area):
    from tests.factories import ProjectFactory

    older = submitted_audit(area)
    Audit.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    other = ProjectFactory(service=area.service, title="Another project")
    admin = area.members[Role.ADMIN]
    second = fill_audit(services.audit_start(project=other, by=admin.user, membership=admin), admin)
    services.audit_submit(
        audit=second, membership=admin, by=admin.user, name="A", designation="B", confirmed=True
    )
    response = client_for(area, Role.COMMISSIONER).get(
        reverse("audits:review_list", kwargs={"slug": area.partnership.slug})
    )
    rows = response.context["rows"]
    assert [a.pk for a, _ in rows] == [older.pk, second.pk]
    assert rows[0][1] == 9


def test_review_list_is_paged_oldest_first(client_for, area, monkeypatch):
    from audits import views_review
    from tests.factories import ProjectFactory

    monkeypatch.setattr(views_review, "REVIEWS_PER_PAGE", 2)
    admin = area.members[Role.ADMIN]
    waiting = []
    for days in (5, 4, 3):
        project = ProjectFactory(service=area.service, title=f"Waiting {days} days")
        audit = fill_audit(
            services.audit_start(project=project, by=admin.user, membership=admin), admin
        )
        services.audit_submit(
            audit=audit, membership=admin, by=admin.user, name="A", designation="B", confirmed=True
        )
        Audit.objects.filter(pk=audit.pk).update(submitted_at=timezone.now() - timedelta(days=days))
        waiting.append(audit.pk)
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("audits:review_list", kwargs={"slug": area.partnership.slug})
    first = client.get(url)
    assert [a.pk for a, _ in first.context["rows"]] == waiting[:2]
    html = first.content.decode()
    assert "3 submitted audits, oldest first: 1 to 2 shown" in html
    assert 'href="?page=2"' in html
    second = client.get(url + "?page=2")
    assert [a.pk for a, _ in second.context["rows"]] == waiting[2:]
    # A page past the end shows the last page rather than an error.
    assert [a.pk for a, _ in client.get(url + "?page=99").context["rows"]] == waiting[2:]


def test_history_shows_who_changed_what(client_for, area, lead):
    audit = start_audit(area, lead)
    lead_client = client_for(area, Role.SERVICE_LEAD)
    lead_client.post(
        u(audit, "principle", number=1), {**principle_post(audit, 1), "notes": "Before"}
    )
    lead_client.post(
        u(audit, "principle", number=1),
        {
            **principle_post(audit, 1),
            "notes": "After",
            "version": audit.assessments.get(principle__number=1).version,
        },
    )
    html = lead_client.get(u(audit, "history")).content.decode()
    assert "Before" in html and "After" in html
    assert lead.user.full_name in html


def test_task_list_and_audit_page_queries_do_not_grow(
    client_for, area, django_assert_max_num_queries
):
    admin_membership = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area), admin_membership)
    admin = client_for(area, Role.ADMIN)

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(url).status_code == 200
        return len(ctx)

    urls = [
        u(audit, "task_list"),
        u(audit, "audit_view"),
        u(audit, "check"),
        u(audit, "principle", number=1),
    ]
    before = [count(url) for url in urls]
    for assessment in audit.assessments.all():
        for i in range(5):
            Evidence.objects.create(
                audit=audit,
                assessment=assessment,
                kind="link",
                title=f"Link {i}",
                url="https://example.org",
            )
        for i in range(3):
            ReviewComment.objects.create(
                audit=audit, principle=assessment.principle, text=f"Comment {i}"
            )
    after = [count(url) for url in urls]
    assert after == before
    for url in urls:
        with django_assert_max_num_queries(30):
            admin.get(url)


def test_png_upload_accepted_by_content(lead_client, area, lead):
    audit = start_audit(area, lead)
    upload = SimpleUploadedFile("photo-of-wall.jpeg", PNG, content_type="image/jpeg")
    response = lead_client.post(
        u(audit, "principle", number=3), {**principle_post(audit, 3), "evidence_file": upload}
    )
    assert response.status_code == 302
    assert Evidence.objects.get().extension == "png"


EDIT_ROLES = {Role.ADMIN, Role.COMMISSIONER, Role.SERVICE_LEAD}
REVIEW_ROLES = {Role.ADMIN, Role.COMMISSIONER}


@pytest.mark.parametrize("role", Role.values)
def test_start_through_the_page_obeys_roles(client_for, area, role):
    url = reverse("audits:audit_start", args=[area.partnership.slug, area.project.pk])
    response = client_for(area, role).post(url)
    allowed = role in EDIT_ROLES
    assert response.status_code == (302 if allowed else 403)
    assert Audit.objects.filter(project=area.project).count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", Role.values)
def test_submit_through_the_page_obeys_roles(client_for, area, role):
    audit = fill_audit(start_audit(area), area.members[Role.ADMIN])
    signature = {"signed_name": "A Person", "signed_designation": "Lead", "confirmed": "on"}
    response = client_for(area, role).post(u(audit, "check"), signature)
    allowed = role in EDIT_ROLES
    # Readers who may not change the audit are refused; others cannot see it at all.
    assert response.status_code in ((302,) if allowed else (403, 404))
    expected = Audit.Status.SUBMITTED if allowed else Audit.Status.DRAFT
    assert Audit.objects.get(pk=audit.pk).status == expected


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("decision", ["accept_confirmed", "return"])
def test_review_through_the_page_obeys_roles(client_for, area, role, decision):
    audit = submitted_audit(area, area.members[Role.SERVICE_LEAD])
    response = client_for(area, role).post(
        u(audit, "review"), {"decision": decision, "comment_1": "Please add the minutes"}
    )
    allowed = role in REVIEW_ROLES
    assert response.status_code in ((302,) if allowed else (403, 404))
    after = Audit.objects.get(pk=audit.pk).status
    if not allowed:
        assert after == Audit.Status.SUBMITTED
    elif decision == "accept_confirmed":
        assert after == Audit.Status.ACCEPTED
    else:
        assert after == Audit.Status.CHANGES_REQUESTED


def test_accepting_asks_for_confirmation_and_keeps_the_comments(client_for, area):
    audit = submitted_audit(area)
    reviewer = client_for(area, Role.COMMISSIONER)
    response = reviewer.post(
        u(audit, "review"), {"decision": "accept", "comment_3": "Strong evidence of co-design"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Accept the audit of {audit.project.title}?" in html
    assert "becomes read-only" in html
    assert "cannot be undone" in html
    assert "Principle 3: Strong evidence of co-design" in html
    assert "Good" in html  # the levels being accepted are summarised
    # Nothing has happened yet.
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED
    assert not ReviewComment.objects.exists()
    # Going back shows the review with the comment still typed.
    back = reviewer.post(
        u(audit, "review"), {"decision": "back", "comment_3": "Strong evidence of co-design"}
    ).content.decode()
    assert ">Strong evidence of co-design</textarea>" in back
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED
    # Confirming accepts it, with the comment on record.
    response = reviewer.post(
        u(audit, "review"),
        {"decision": "accept_confirmed", "comment_3": "Strong evidence of co-design"},
    )
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.ACCEPTED
    assert ReviewComment.objects.get().text == "Strong evidence of co-design"


def test_history_is_in_words_with_comments_and_no_phantom_rows(client_for, area, lead):
    audit = fill_audit(start_audit(area, lead), lead)
    lead_client = client_for(area, Role.SERVICE_LEAD)
    before = len(audit_history(audit))
    # Saving the details again without changing anything records nothing.
    person = audit.people.get()
    lead_client.post(
        u(audit, "details"),
        {
            **date_fields("audit_date", audit.audit_date),
            "version": Audit.objects.get(pk=audit.pk).version,
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": person.name,
            "people-0-designation": person.designation,
        },
    )
    assert len(audit_history(audit)) == before
    html = lead_client.get(u(audit, "history")).content.decode()
    assert "Removed" not in html and ": removed" not in html
    # Words, not codes: status names, levels by name, dates as people write them.
    services.audit_submit(
        audit=audit, membership=lead, by=lead.user, name="Sam", designation="Lead", confirmed=True
    )
    reviewer = area.members[Role.COMMISSIONER]
    services.audit_request_changes(
        audit=audit, membership=reviewer, by=reviewer.user, comments={None: "Who took part?"}
    )
    html = lead_client.get(u(audit, "history")).content.decode()
    assert "Returned for changes" in html
    assert "changes_requested" not in html
    assert "Score" in html and "Good" in html
    assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d\d[ap]m", html)
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", html)
    assert "Review comment on the audit" in html and "Who took part?" in html


def test_history_collapses_long_text(client_for, area, lead):
    audit = start_audit(area, lead)
    assessment = audit.assessments.get(principle__number=1)
    long_notes = "Families co-designed the offer. " * 40
    services.assessment_save(
        assessment=assessment,
        membership=lead,
        level=None,
        notes=long_notes,
        expected_version=assessment.version,
    )
    html = client_for(area, Role.SERVICE_LEAD).get(u(audit, "history")).content.decode()
    assert "Show all of it" in html
    assert "govuk-details" in html


def test_notes_over_the_limit_are_refused_beside_the_field_and_kept(client_for, area, lead):
    audit = start_audit(area, lead)
    lead_client = client_for(area, Role.SERVICE_LEAD)
    page = lead_client.get(u(audit, "principle", number=1)).content.decode()
    # The limit is said and counted as people type.
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in page
    assert "You can enter up to 10000 characters" in page
    too_long = "x" * 10_001
    response = lead_client.post(
        u(audit, "principle", number=1), {**principle_post(audit, 1), "notes": too_long}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Notes or evidence must be 10,000 characters or fewer" in html
    assert 'href="#id_notes"' in html  # in the error summary, linking to the field
    assert too_long in html  # nothing typed is lost
    assert audit.assessments.get(principle__number=1).notes == ""
    # Line breaks count once, as the counter on the page counts them.
    exactly = ("y" * 98 + "\r\n") * 100 + "y" * 100
    response = lead_client.post(
        u(audit, "principle", number=1), {**principle_post(audit, 1), "notes": exactly}
    )
    assert response.status_code == 302
    assert len(audit.assessments.get(principle__number=1).notes) == 10_000


@pytest.mark.parametrize(
    "field, limit, message",
    [
        ("comment_1", 5_000, "Comment on principle 1 must be 5,000 characters or fewer"),
        ("comment_overall", 5_000, "Comment on the audit overall must be 5,000 characters"),
    ],
)
def test_review_comments_have_limits(client_for, area, field, limit, message):
    audit = submitted_audit(area)
    reviewer = client_for(area, Role.COMMISSIONER)
    html = reviewer.post(
        u(audit, "review"), {"decision": "return", field: "z" * (limit + 1)}
    ).content.decode()
    assert message in html
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED


def test_project_description_has_a_limit(client_for, area):
    admin = client_for(area, Role.ADMIN)
    url = reverse("partnership:project_create", kwargs={"slug": area.partnership.slug})
    page = admin.get(url).content.decode()
    assert 'data-maxlength="5000"' in page
    html = admin.post(
        url,
        {
            "service": area.service.pk,
            "title": "A long one",
            "description": "d" * 5_001,
            "status": "planned",
            **date_fields("start_date", "2025-01-01"),
        },
    ).content.decode()
    assert "must be 5,000 characters or fewer" in html


def test_summary_page_says_the_outcome_has_its_own_scale(client_for, area, lead):
    audit = start_audit(area, lead)
    html = client_for(area, Role.SERVICE_LEAD).get(u(audit, "summary")).content.decode()
    assert 'id="outcome-scale"' in html
    assert "The overall outcome has its own scale" in html


def test_continuing_an_audit_is_one_click_from_the_project_and_the_audit_list(
    client_for, area, lead
):
    audit = start_audit(area, lead)
    task_list = u(audit, "task_list")
    lead_client = client_for(area, Role.SERVICE_LEAD)
    project = lead_client.get(
        reverse(
            "partnership:project_detail",
            kwargs={"slug": area.partnership.slug, "pk": area.project.pk},
        )
    ).content.decode()
    assert "finish it before starting another" in project
    assert f'href="{task_list}">Continue the audit</a>' in project
    audits = lead_client.get(
        reverse("audits:audit_list", kwargs={"slug": area.partnership.slug})
    ).content.decode()
    assert f'href="{task_list}">{area.project.title}' in audits
    # Once submitted it cannot be edited: the project page says what it is waiting for.
    services.audit_submit(
        audit=fill_audit(audit, lead),
        membership=lead,
        by=lead.user,
        name="Sam",
        designation="Lead",
        confirmed=True,
    )
    project = lead_client.get(
        reverse(
            "partnership:project_detail",
            kwargs={"slug": area.partnership.slug, "pk": area.project.pk},
        )
    ).content.decode()
    assert "Continue the audit" not in project
    assert "waiting for review" in project
