"""Every workflow transition, allowed and refused, for every role, in the services layer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits import services
from audits.models import Audit, AuditEvent, ReviewComment
from partnership.models import Role
from tests.factories.audits import accepted_audit, fill_audit, start_audit, submitted_audit

EDITORS = {Role.ADMIN, Role.COMMISSIONER, Role.SERVICE_LEAD}
REVIEWERS = {Role.ADMIN, Role.COMMISSIONER}


@pytest.mark.parametrize("role", Role.values)
def test_who_may_start_an_audit(area, role):
    membership = area.members[role]
    if role in EDITORS:
        audit = services.audit_start(
            project=area.project, by=membership.user, membership=membership
        )
        assert audit.status == Audit.Status.DRAFT
        assert audit.assessments.count() == 6
        assert audit.framework.title == "York Joint Partnership Audit Framework"
        assert [e.kind for e in audit.events.all()] == ["created"]
    else:
        with pytest.raises(services.AuditError):
            services.audit_start(project=area.project, by=membership.user, membership=membership)
        assert not Audit.objects.exists()


def test_service_lead_only_for_own_services(area):
    from tests.factories import ProjectFactory, ServiceFactory

    elsewhere = ProjectFactory(service=ServiceFactory(organisation=area.organisation))
    lead = area.members[Role.SERVICE_LEAD]
    with pytest.raises(services.AuditError):
        services.audit_start(project=elsewhere, by=lead.user, membership=lead)


@pytest.mark.parametrize("role", Role.values)
def test_who_may_submit(area, role):
    audit = fill_audit(start_audit(area), area.members[Role.ADMIN])
    membership = area.members[role]
    submit = lambda: services.audit_submit(  # noqa: E731
        audit=audit,
        membership=membership,
        by=membership.user,
        name="A Person",
        designation="Lead",
        confirmed=True,
    )
    if role in EDITORS:
        assert submit().status == Audit.Status.SUBMITTED
    else:
        with pytest.raises(services.AuditError):
            submit()
        assert Audit.objects.get(pk=audit.pk).status == Audit.Status.DRAFT


def test_submit_needs_every_task_and_a_signature(area):
    admin = area.members[Role.ADMIN]
    audit = start_audit(area)
    with pytest.raises(services.AuditError) as error:
        services.audit_submit(
            audit=audit, membership=admin, by=admin.user, name="", designation="", confirmed=False
        )
    message = str(error.value)
    for expected in (
        "Add the people completing the audit",
        "Choose a level for principle 1",
        "Enter notes or evidence for principle 6",
        "Choose the overall outcome",
        "Enter a review date",
        "Sign the audit",
    ):
        assert expected in message
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.DRAFT


@pytest.mark.parametrize("role", Role.values)
def test_who_may_return_and_accept(area, role):
    membership = area.members[role]
    audit = submitted_audit(area)
    principle = audit.framework.principles.get(number=3)
    if role in REVIEWERS:
        returned = services.audit_request_changes(
            audit=audit, membership=membership, by=membership.user, comments={principle: "Why?"}
        )
        assert returned.status == Audit.Status.CHANGES_REQUESTED
    else:
        with pytest.raises(services.AuditError):
            services.audit_request_changes(
                audit=audit, membership=membership, by=membership.user, comments={principle: "x"}
            )
        with pytest.raises(services.AuditError):
            services.audit_accept(audit=audit, membership=membership, by=membership.user)
        assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED
        assert not ReviewComment.objects.exists()


def test_return_needs_a_comment(area):
    reviewer = area.members[Role.COMMISSIONER]
    audit = submitted_audit(area)
    with pytest.raises(services.AuditError, match="at least one comment"):
        services.audit_request_changes(
            audit=audit, membership=reviewer, by=reviewer.user, comments={None: "   "}
        )
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED


def test_full_cycle_keeps_comments_with_their_resolution(area):
    lead = area.members[Role.SERVICE_LEAD]
    reviewer = area.members[Role.COMMISSIONER]
    audit = submitted_audit(area, lead)
    principle = audit.framework.principles.get(number=4)
    services.audit_request_changes(
        audit=audit,
        membership=reviewer,
        by=reviewer.user,
        comments={principle: "Add who took part", None: "Nearly there"},
    )
    audit.refresh_from_db()
    assert services.can_edit(audit, lead)
    assessment = audit.assessments.get(principle=principle)
    comment = audit.comments.get(principle=principle)
    services.assessment_save(
        assessment=assessment,
        membership=lead,
        level=assessment.level,
        notes="Forty young people took part.",
        expected_version=assessment.version,
        responses={comment.pk: "Added the numbers."},
    )
    services.audit_submit(
        audit=audit, membership=lead, by=lead.user, name="Lee", designation="Lead", confirmed=True
    )
    comment.refresh_from_db()
    assert comment.resolved_at and comment.resolved_by == lead.user
    assert comment.response == "Added the numbers."
    services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.ACCEPTED
    assert [e.kind for e in audit.events.all()] == [
        "created",
        "submitted",
        "returned",
        "resubmitted",
        "accepted",
    ]
    assert audit.comments.count() == 2


@pytest.mark.parametrize("role", Role.values)
def test_accepted_audits_are_read_only_for_everyone(area, role):
    audit = accepted_audit(area)
    membership = area.members[role]
    assert not services.can_edit(audit, membership)
    assessment = audit.assessments.first()
    with pytest.raises(services.AuditError):
        services.assessment_save(
            assessment=assessment,
            membership=membership,
            level=None,
            notes="changed",
            expected_version=assessment.version,
        )
    with pytest.raises(services.AuditError):
        services.audit_request_changes(
            audit=audit, membership=membership, by=membership.user, comments={None: "x"}
        )
    assessment.refresh_from_db()
    assert assessment.notes != "changed"


def test_transitions_the_status_does_not_allow(area):
    reviewer = area.members[Role.COMMISSIONER]
    draft = start_audit(area)
    with pytest.raises(services.AuditError, match="only submitted audits are reviewed"):
        services.audit_accept(audit=draft, membership=reviewer, by=reviewer.user)
    with pytest.raises(services.AuditError):
        services.audit_request_changes(
            audit=draft, membership=reviewer, by=reviewer.user, comments={None: "x"}
        )
    assert Audit.objects.get(pk=draft.pk).status == Audit.Status.DRAFT
    draft.delete()
    submitted = submitted_audit(area)
    admin = area.members[Role.ADMIN]
    with pytest.raises(services.AuditError, match="cannot be changed"):
        services.audit_submit(
            audit=submitted,
            membership=admin,
            by=admin.user,
            name="A",
            designation="B",
            confirmed=True,
        )


def test_second_save_of_a_principle_is_a_conflict(area):
    admin = area.members[Role.ADMIN]
    audit = start_audit(area)
    first = audit.assessments.get(principle__number=1)
    second = audit.assessments.get(principle__number=1)
    level = audit.framework.levels.get(rank=3)
    services.assessment_save(
        assessment=first, membership=admin, level=level, notes="Mine", expected_version=1
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.assessment_save(
            assessment=second, membership=admin, level=None, notes="Theirs", expected_version=1
        )
    assert conflict.value.current.notes == "Mine"
    assert audit.assessments.get(principle__number=1).notes == "Mine"


def test_carry_forward_copies_levels_notes_and_open_actions(area):
    admin = area.members[Role.ADMIN]
    old = accepted_audit(area)
    old.actions.create(what="Done already", who="X", due_date=timezone.localdate(), status="done")
    new = services.audit_start(
        project=area.project, by=admin.user, membership=admin, carry_forward=True
    )
    assert new.carried_forward_from == old
    assert all(a.carried_forward and a.level and a.notes for a in new.assessments.all())
    assert list(new.actions.values_list("what", flat=True)) == ["Share the findings"]
    assert new.actions.get().carried_forward
    assert new.events.get().kind == AuditEvent.Kind.CARRIED_FORWARD
    # Changing an answer removes its carried-forward mark.
    assessment = new.assessments.get(principle__number=2)
    services.assessment_save(
        assessment=assessment,
        membership=admin,
        level=assessment.level,
        notes="Updated",
        expected_version=assessment.version,
    )
    assessment.refresh_from_db()
    assert not assessment.carried_forward


def test_only_one_audit_in_progress_per_project(area):
    admin = area.members[Role.ADMIN]
    start_audit(area)
    with pytest.raises(services.AuditError, match="already has an audit in progress"):
        services.audit_start(project=area.project, by=admin.user, membership=admin)


def test_suggested_outcome_follows_the_framework_rule(area):
    audit = start_audit(area)
    framework = audit.framework
    outcome, reason = framework.suggest_outcome([3, 3, 3, 3, 2, 2])
    assert outcome.name == "Outstanding" and "4 of 6" in reason
    outcome, _ = framework.suggest_outcome([1, 1, 3, 3, 3, 3])
    assert outcome.name == "Requires Improvement"
    outcome, _ = framework.suggest_outcome([2, 2, 2, 2, 1, 3])
    assert outcome.name == "Good"
    outcome, reason = framework.suggest_outcome([2, None, 2, 2, 2, 2])
    assert outcome is None and "every principle" in reason


def test_dates_are_checked_at_submission(area):
    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area), admin)
    Audit.objects.filter(pk=audit.pk).update(
        review_date=timezone.localdate() - timedelta(days=1),
        audit_date=timezone.localdate() + timedelta(days=3),
    )
    problems = services.submission_problems(
        Audit.objects.get(pk=audit.pk), list(audit.assessments.all())
    )
    messages = [p.message for p in problems]
    assert "The review date must be in the future" in messages
    assert "The date of the audit must be today or in the past" in messages
