"""Every write to an audit: filling it in, evidence, and the review workflow.

Each function runs in one transaction. Saves name the version they started from, so
two people editing the same thing never overwrite each other silently.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from partnership.models import Role
from principles.models import current_framework

from .level_summary import levels_summary_refresh
from .models import (
    Action,
    ActionUpdate,
    Audit,
    AuditEvent,
    AuditPerson,
    Evidence,
    PrincipleAssessment,
    ReviewComment,
)


class AuditError(Exception):
    """A request the audit's state or the person's role does not allow; the message says why."""


class EditConflict(Exception):
    """Someone else saved first. Carries what is stored now, for the conflict page."""

    def __init__(self, current):
        super().__init__("Someone else saved a change while you were editing.")
        self.current = current


@dataclass
class Problem:
    """Something that stops submission, with the task it belongs to."""

    message: str
    task: str  # "details", "principle-<n>", "summary" or "signature"


def can_start(project, membership):
    return membership.may_work_on(project.service_id)


def can_edit(audit, membership):
    return audit.is_editable and membership.may_work_on(audit.project.service_id)


def editable_service_ids(membership):
    """The services whose open audits `membership` may edit: None for every service."""
    if membership.role in (Role.ADMIN, Role.COMMISSIONER):
        return None
    if membership.role != Role.SERVICE_LEAD:
        return set()
    return set(membership.services.values_list("pk", flat=True))


def can_review(audit, membership):
    return audit.status == Audit.Status.SUBMITTED and membership.role in (
        Role.ADMIN,
        Role.COMMISSIONER,
    )


def _require_edit(audit, membership):
    if not can_edit(audit, membership):
        if not audit.is_editable:
            raise AuditError(
                f"This audit is {audit.get_status_display().lower()}; it cannot be changed."
            )
        raise AuditError("Your role does not allow you to change this audit.")


def _locked(audit):
    # The project comes in the same query: every write checks who may work on its service.
    return Audit.objects.select_for_update(of=("self",)).select_related("project").get(pk=audit.pk)


def _levels_changed(audit):
    """Refresh the audit's one-row summary of its levels, which the portfolio reads (see
    level_summary.py), and the instance's copy, so a later save() keeps it."""
    levels_summary_refresh(Audit.objects.filter(pk=audit.pk))
    audit.refresh_from_db(fields=["level_ranks", "level_total"])


def _bump(audit, expected_version):
    """Claim the next version of the audit, or raise EditConflict."""
    updated = Audit.objects.filter(pk=audit.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise EditConflict(Audit.objects.get(pk=audit.pk))
    audit.version = expected_version + 1


@transaction.atomic
def audit_start(*, project, by, membership, carry_forward=False):
    """Start a draft audit of `project`, optionally from its last accepted audit."""
    if not can_start(project, membership):
        raise AuditError("Your role does not allow you to start an audit of this project.")
    if project.audits.exclude(status=Audit.Status.ACCEPTED).exists():
        raise AuditError("This project already has an audit in progress; finish it first.")
    previous = None
    if carry_forward:
        previous = (
            project.audits.filter(status=Audit.Status.ACCEPTED)
            .select_related("framework")
            .order_by("-accepted_at", "-pk")
            .first()
        )
        if previous is None:
            raise AuditError("This project has no accepted audit to start from.")
    framework = previous.framework if previous else current_framework(project.partnership)
    if framework is None:
        raise AuditError("The partnership has no published framework to audit against.")
    audit = Audit.objects.create(
        project=project,
        partnership=project.partnership,
        framework=framework,
        created_by=by,
        audit_date=timezone.localdate(),
        carried_forward_from=previous,
        ladder_reached=previous.ladder_reached if previous else "",
    )
    old = {a.principle_id: a for a in previous.assessments.all()} if previous else {}
    # With history, so the first change to each principle has something to compare with.
    bulk_create_with_history(
        [
            PrincipleAssessment(
                audit=audit,
                principle=principle,
                level_id=old[principle.pk].level_id if principle.pk in old else None,
                notes=old[principle.pk].notes if principle.pk in old else "",
                carried_forward=principle.pk in old,
            )
            for principle in framework.principles.all()
        ],
        PrincipleAssessment,
        default_user=by,
    )
    if previous:
        _levels_changed(audit)
    if previous:
        for person in previous.people.all():
            AuditPerson.objects.create(
                audit=audit,
                name=person.name,
                designation=person.designation,
                position=person.position,
            )
        # The action plan lives on: what is not done (or dropped) comes across as it stands.
        for action in previous.actions.filter(status__in=Action.OPEN):
            Action.objects.create(
                audit=audit,
                what=action.what,
                who=action.who,
                owner_id=action.owner_id,
                due_date=action.due_date,
                status=action.status,
                carried_forward=True,
                position=action.position,
            )
    AuditEvent.objects.create(
        audit=audit,
        kind=AuditEvent.Kind.CARRIED_FORWARD if previous else AuditEvent.Kind.CREATED,
        by=by,
    )
    return audit


@transaction.atomic
def audit_details_save(*, audit, membership, audit_date, people, expected_version):
    """Save the header: date of audit and the people completing it."""
    audit = _locked(audit)
    _require_edit(audit, membership)
    _bump(audit, expected_version)
    if audit.audit_date != audit_date:
        audit.audit_date = audit_date
        audit.save(update_fields=["audit_date", "updated_at"])
    # Change only the rows that changed, so the history shows real changes and nothing
    # for people who are still on the audit.
    existing = list(audit.people.all())
    for position, (name, designation) in enumerate(people):
        if position < len(existing):
            person = existing[position]
            if (person.name, person.designation) != (name, designation):
                person.name, person.designation = name, designation
                person.save(update_fields=["name", "designation"])
        else:
            AuditPerson.objects.create(
                audit=audit, name=name, designation=designation, position=position
            )
    for person in existing[len(people) :]:
        person.delete()
    return audit


@transaction.atomic
def assessment_save(*, assessment, membership, level, notes, expected_version, responses=None):
    """Save one principle's level and notes; raise EditConflict if it changed meanwhile."""
    audit = _locked(assessment.audit)
    _require_edit(audit, membership)
    updated = PrincipleAssessment.objects.filter(pk=assessment.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise EditConflict(
            PrincipleAssessment.objects.select_related("level").get(pk=assessment.pk)
        )
    assessment.refresh_from_db(fields=["version"])
    changed = assessment.level_id != (level.pk if level else None) or assessment.notes != notes
    assessment.level = level
    assessment.notes = notes
    if changed:
        assessment.carried_forward = False
        assessment.save(update_fields=["level", "notes", "carried_forward", "updated_at"])
        _levels_changed(audit)
    for comment_id, text in (responses or {}).items():
        audit.comments.filter(pk=comment_id, resolved_at__isnull=True).update(response=text)
    return assessment


@transaction.atomic
def audit_summary_save(
    *,
    audit,
    membership,
    outcome,
    summary,
    review_date,
    actions,
    expected_version,
    ladder_reached: str | None = None,
):
    """Save the overall summary and replace the action plan with `actions`.

    `ladder_reached` is the level of participation reached ("" for none chosen); None
    leaves it as it was.

    `actions` is a list of dicts with what, who, due_date, done and, for rows that
    already existed, id (so a carried-forward mark survives an unchanged row).
    """
    audit = _locked(audit)
    _require_edit(audit, membership)
    _bump(audit, expected_version)
    if ladder_reached is None:
        ladder_reached = audit.ladder_reached
    if (audit.outcome_id, audit.summary, audit.review_date, audit.ladder_reached) != (
        outcome.pk if outcome else None,
        summary,
        review_date,
        ladder_reached,
    ):
        audit.outcome = outcome
        audit.summary = summary
        audit.review_date = review_date
        audit.ladder_reached = ladder_reached
        audit.save(
            update_fields=["outcome", "summary", "review_date", "ladder_reached", "updated_at"]
        )
    existing = {a.pk: a for a in audit.actions.all()}
    keep = set()
    for position, row in enumerate(actions):
        action = existing.get(row.get("id")) or Action(audit=audit)
        unchanged = action.pk and (action.what, action.who, action.due_date) == (
            row["what"],
            row["who"],
            row["due_date"],
        )
        before = (action.what, action.who, action.due_date, action.done, action.position)
        action.what, action.who, action.due_date = row["what"], row["who"], row["due_date"]
        if "owner" in row:
            action.owner = row["owner"]
        if row.get("done"):
            if action.status != Action.Status.DONE:
                action.status, action.done_on = Action.Status.DONE, timezone.localdate()
        elif action.status == Action.Status.DONE:
            action.status, action.done_on = Action.Status.IN_PROGRESS, None
        action.position = position
        was_carried = action.carried_forward
        action.carried_forward = bool(action.carried_forward and unchanged)
        after = (action.what, action.who, action.due_date, action.done, action.position)
        # An untouched row is not saved again, so its history shows only real changes.
        if not action.pk or before != after or was_carried != action.carried_forward:
            action.save()
        keep.add(action.pk)
    audit.actions.exclude(pk__in=keep).delete()
    return audit


@transaction.atomic
def evidence_add(*, assessment, membership, by, title, upload=None, url="", kind_info=None):
    audit = _locked(assessment.audit)
    _require_edit(audit, membership)
    evidence = Evidence(audit=audit, assessment=assessment, title=title, added_by=by)
    if upload is not None:
        evidence.kind = Evidence.Kind.FILE
        evidence.extension, evidence.content_type = kind_info
        evidence.size = upload.size
        evidence.file.save(upload.name, upload, save=False)
    else:
        evidence.kind = Evidence.Kind.LINK
        evidence.url = url
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence, membership):
    audit = _locked(evidence.audit)
    _require_edit(audit, membership)
    stored = evidence.file.name if evidence.file else None
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def task_statuses(audit, assessments):
    """Not started / In progress / Completed for each task of the task list."""

    def status(done, started):
        return "Completed" if done else "In progress" if started else "Not started"

    people = list(audit.people.all())
    details = status(audit.audit_date and people, audit.audit_date or people)
    principles = {a.principle_id: status(a.is_complete, a.is_started) for a in assessments}
    summary_done = (
        audit.ladder_reached and audit.outcome_id and audit.summary.strip() and audit.review_date
    )
    summary_started = (
        audit.ladder_reached or audit.outcome_id or audit.summary.strip() or audit.review_date
    )
    summary = status(summary_done, summary_started)
    return details, principles, summary


def submission_problems(audit, assessments, today=None):
    """Everything that stops `audit` being submitted, in task-list order."""
    today = today or timezone.localdate()
    problems = []
    if not audit.audit_date:
        problems.append(Problem("Enter the date of the audit", "details"))
    elif audit.audit_date > today:
        problems.append(Problem("The date of the audit must be today or in the past", "details"))
    if not audit.people.exists():
        problems.append(Problem("Add the people completing the audit", "details"))
    for a in assessments:
        if a.level_id is None:
            problems.append(
                Problem(
                    f"Choose a level for principle {a.principle.number}",
                    f"principle-{a.principle.number}",
                )
            )
        if not a.notes.strip():
            problems.append(
                Problem(
                    f"Enter notes or evidence for principle {a.principle.number}",
                    f"principle-{a.principle.number}",
                )
            )
    if not audit.ladder_reached:
        problems.append(Problem("Choose the level of participation reached", "summary"))
    if not audit.outcome_id:
        problems.append(Problem("Choose the overall outcome", "summary"))
    if not audit.summary.strip():
        problems.append(Problem("Enter a summary", "summary"))
    if not audit.review_date:
        problems.append(Problem("Enter a review date", "summary"))
    elif audit.review_date <= today:
        problems.append(Problem("The review date must be in the future", "summary"))
    return problems


@transaction.atomic
def audit_submit(*, audit, membership, by, name, designation, confirmed, today: date | None = None):
    """Sign and submit. Resubmission resolves the open review comments."""
    audit = _locked(audit)
    _require_edit(audit, membership)
    assessments = list(audit.assessments.select_related("principle"))
    problems = submission_problems(audit, assessments, today)
    if not name.strip() or not designation.strip() or not confirmed:
        problems.append(
            Problem("Sign the audit: full name, designation and confirmation", "signature")
        )
    if problems:
        raise AuditError("; ".join(p.message for p in problems))
    resubmission = audit.status == Audit.Status.CHANGES_REQUESTED
    now = timezone.now()
    audit.status = Audit.Status.SUBMITTED
    audit.signed_name, audit.signed_designation, audit.signed_at = (
        name.strip(),
        designation.strip(),
        now,
    )
    audit.submitted_at = now
    audit.version += 1
    audit.save()
    # Counted from now on: its summary is made sure of whatever wrote the levels.
    _levels_changed(audit)
    if resubmission:
        audit.comments.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=by)
    AuditEvent.objects.create(
        audit=audit,
        kind=AuditEvent.Kind.RESUBMITTED if resubmission else AuditEvent.Kind.SUBMITTED,
        by=by,
    )
    return audit


def submitted_by(audit):
    """Who signed and submitted the audit most recently (None if nobody has)."""
    event = (
        audit.events.filter(kind__in=(AuditEvent.Kind.SUBMITTED, AuditEvent.Kind.RESUBMITTED))
        .order_by("-at", "-pk")
        .first()
    )
    return event.by_id if event else None


def accept_refusal(audit, user):
    """Why `user` may not accept `audit` although they may review it, or None."""
    if audit.partnership.accept_needs_another_person and submitted_by(audit) == user.pk:
        return (
            "You submitted this audit, so someone else must accept it: check and challenge "
            "needs a second person. You can still comment or return it for changes."
        )
    return None


def _require_review(audit, membership):
    if membership.role not in (Role.ADMIN, Role.COMMISSIONER):
        raise AuditError("Only commissioners and admins review audits.")
    if audit.status != Audit.Status.SUBMITTED:
        raise AuditError(
            f"This audit is {audit.get_status_display().lower()}; "
            "only submitted audits are reviewed."
        )


@transaction.atomic
def audit_request_changes(*, audit, membership, by, comments):
    """Return for changes. `comments` maps a principle (or None, overall) to text."""
    audit = _locked(audit)
    _require_review(audit, membership)
    written = {principle: text.strip() for principle, text in comments.items() if text.strip()}
    if not written:
        raise AuditError("Write at least one comment to say what needs to change.")
    ReviewComment.objects.bulk_create(
        ReviewComment(audit=audit, principle=principle, author=by, text=text)
        for principle, text in written.items()
    )
    audit.status = Audit.Status.CHANGES_REQUESTED
    audit.version += 1
    audit.save()
    AuditEvent.objects.create(audit=audit, kind=AuditEvent.Kind.RETURNED, by=by)
    return audit


@transaction.atomic
def audit_accept(*, audit, membership, by, comments=None):
    """Accept; any comments written are kept on record, already resolved."""
    audit = _locked(audit)
    _require_review(audit, membership)
    refusal = accept_refusal(audit, by)
    if refusal:
        raise AuditError(refusal)
    now = timezone.now()
    ReviewComment.objects.bulk_create(
        ReviewComment(
            audit=audit,
            principle=principle,
            author=by,
            text=text.strip(),
            resolved_at=now,
            resolved_by=by,
        )
        for principle, text in (comments or {}).items()
        if text.strip()
    )
    audit.status = Audit.Status.ACCEPTED
    audit.accepted_at = now
    audit.version += 1
    audit.save()
    _levels_changed(audit)
    AuditEvent.objects.create(audit=audit, kind=AuditEvent.Kind.ACCEPTED, by=by)
    return audit


# The action plan after acceptance -----------------------------------------------------


def can_update_action(action, membership):
    """The service's leads, the owner, commissioners and admins; the audit's state aside.

    Board members and family partners read only.
    """
    if action.owner_id and action.owner_id == membership.pk and membership.active:
        return True
    return membership.may_work_on(action.audit.project.service_id)


@transaction.atomic
def action_update(*, action, membership, by, status, note="", done_on=None, owner=None, who=""):
    """Record progress on an action of an accepted audit (or any audit), with a dated note.

    Every change is kept: the note in the action's updates, the fields in its history.
    """
    action = Action.objects.select_for_update().select_related("audit__project").get(pk=action.pk)
    if not can_update_action(action, membership):
        raise AuditError("Your role does not allow you to update this action.")
    if status not in Action.Status.values:
        raise AuditError("Choose the status of the action.")
    if owner is not None and owner.partnership_id != action.audit.partnership_id:
        raise AuditError("Choose a person in this partnership.")
    if status == Action.Status.DONE and done_on is None:
        done_on = timezone.localdate()
    if status != Action.Status.DONE:
        done_on = None
    new_who = owner.user.get_full_name() if owner is not None else (who.strip() or action.who)
    changed = (
        status != action.status
        or done_on != action.done_on
        or (owner.pk if owner else None) != action.owner_id
        or new_who != action.who
    )
    if not changed and not note.strip():
        raise AuditError("Nothing has changed: choose a new status or write a progress note.")
    action.status, action.done_on = status, done_on
    action.owner, action.who = owner, new_who
    action.save()
    return ActionUpdate.objects.create(
        action=action, status=status, note=note.strip(), done_on=done_on, by=by
    )
