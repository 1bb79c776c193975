"""Reads of one audit with everything its pages show, in a fixed number of queries."""

from itertools import chain

from django.db.models import Prefetch

from principles.models import Descriptor

from .models import Action, AuditPerson, Evidence, PrincipleAssessment, ReviewComment


def load_audit(audit):
    """The audit with people, actions, comments and events loaded, and its assessments.

    Each assessment carries `principle_comments` (the review comments on its principle)
    and its evidence, so templates never query.
    """
    audit = (
        type(audit)
        .objects.filter(pk=audit.pk)
        .select_related(
            "project__service__organisation",
            "framework",
            "outcome",
            "partnership",
            "carried_forward_from",
        )
        .prefetch_related(
            "people",
            "actions",
            "framework__levels",
            "framework__outcomes",
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.select_related("author", "resolved_by", "principle"),
            ),
            Prefetch("events", queryset=audit.events.model.objects.select_related("by")),
        )
        .get()
    )
    assessments = list(
        PrincipleAssessment.objects.filter(audit=audit)
        .select_related("principle", "level")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "pk")),
            Prefetch(
                "principle__descriptors",
                queryset=Descriptor.objects.select_related("level").order_by("level__rank"),
            ),
        )
        .order_by("principle__number")
    )
    by_principle = {}
    for comment in audit.comments.all():
        by_principle.setdefault(comment.principle_id, []).append(comment)
    for assessment in assessments:
        assessment.principle_comments = by_principle.get(assessment.principle_id, [])
    return audit, assessments


HISTORY_LABELS = {
    "audit": "Audit",
    "principleassessment": "Principle",
    "action": "Action",
    "auditperson": "Person completing the audit",
    "evidence": "Evidence",
}
IGNORED_FIELDS = {"version", "updated_at", "created_at", "history_change_reason"}


def _describe(record):
    name = record.instance_type._meta.model_name
    if name == "principleassessment":
        return f"Principle {record.principle.number}" if record.principle_id else "Principle"
    if name == "action":
        return f"Action: {record.what[:50]}"
    if name == "auditperson":
        return f"Person: {record.name}"
    if name == "evidence":
        return f"Evidence: {record.title}"
    return "Audit"


def audit_history(audit):
    """Every recorded change to the audit and its parts, newest first.

    Each entry: when, who, what (the part), kind (added/changed/removed) and the
    field changes as (field label, old, new).
    """
    sources = [
        audit.history.select_related("history_user", "outcome"),
        PrincipleAssessment.history.filter(audit_id=audit.pk).select_related(
            "history_user", "principle", "level"
        ),
        Action.history.filter(audit_id=audit.pk).select_related("history_user"),
        AuditPerson.history.filter(audit_id=audit.pk).select_related("history_user"),
        Evidence.history.filter(audit_id=audit.pk).select_related("history_user"),
    ]
    records = sorted(
        chain.from_iterable(source.order_by("history_date", "history_id") for source in sources),
        key=lambda r: r.history_date,
    )
    previous = {}
    entries = []
    for record in records:
        key = (record.instance_type._meta.model_name, record.id)
        before = previous.get(key)
        previous[key] = record
        if record.history_type == "+":
            kind, changes = "added", []
        elif record.history_type == "-":
            kind, changes = "removed", []
        else:
            kind, changes = "changed", []
            if before is not None:
                delta = record.diff_against(before, excluded_fields=IGNORED_FIELDS)
                for change in delta.changes:
                    field = record.instance_type._meta.get_field(change.field)
                    old, new = change.old, change.new
                    if field.is_relation:
                        old = _related_label(before, field)
                        new = _related_label(record, field)
                    changes.append((str(field.verbose_name).capitalize(), old, new))
            if not changes:
                continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _describe(record),
                "kind": kind,
                "changes": changes,
            }
        )
    entries.reverse()
    return entries


def _related_label(record, field):
    value = getattr(record, field.attname)
    if value is None:
        return "none"
    try:
        return str(getattr(record, field.name))
    except Exception:  # the related row has since been deleted
        return f"#{value}"
