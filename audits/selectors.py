"""Reads of one audit with everything its pages show, in a fixed number of queries."""

from datetime import date, datetime
from itertools import chain

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from principles.models import Descriptor

from .models import (
    Action,
    AuditPerson,
    Evidence,
    FamilyRating,
    FamilyReview,
    PrincipleAssessment,
    ReviewComment,
)


def _comments():
    return Prefetch(
        "comments",
        queryset=ReviewComment.objects.select_related("author", "resolved_by", "principle"),
    )


def load_audit(audit, *, whole=True):
    """The audit with people, actions, comments and events loaded, and its assessments.

    Each assessment carries `principle_comments` (the review comments on its principle)
    and its evidence, so templates never query. With `whole=False`, for a page about one
    principle (the most used page of the product): `audit` as given, with only the
    framework's levels and the review comments added; its people, actions, outcomes and
    events are not read.
    """
    if whole:
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
                _comments(),
                Prefetch("events", queryset=audit.events.model.objects.select_related("by")),
            )
            .get()
        )
    else:
        prefetch_related_objects([audit], "framework__levels", _comments())
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
        assessment.audit = audit  # already read: saving an assessment need not read it again
        assessment.principle_comments = by_principle.get(assessment.principle_id, [])
    return audit, assessments


IGNORED_FIELDS = {
    "version",
    "updated_at",
    "created_at",
    "history_change_reason",
    "position",
    "partnership",
    "project",
    "framework",
    "audit",
    "assessment",
    "principle",
    "created_by",
    "added_by",
    "file",
    "extension",
    "content_type",
    "size",
    "review",
}
FIELD_LABELS = {
    "level": "Score",
    "outcome": "Overall outcome",
    "what": "Action",
    "done": "Done",
}


def when_in_words(moment):
    """23 November 2026 at 5:45pm, in the partnership's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def _words(field, record):
    """A field's value as people read it on the pages."""
    if field.is_relation:
        return _related_label(record, field)
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "empty"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return when_in_words(value)
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)


def _label(field):
    if getattr(field.model._meta, "model_name", "") == "familyrating":
        # Families' own words for their level, not the service's "Score".
        return str(field.verbose_name).capitalize()
    return FIELD_LABELS.get(field.name, str(field.verbose_name).capitalize())


def _content_fields(record):
    return [
        f
        for f in record.instance_type._meta.concrete_fields
        if f.name not in IGNORED_FIELDS and f.name != "id" and not f.has_default()
    ]


def _describe(record):
    name = record.instance_type._meta.model_name
    if name == "principleassessment":
        return f"Principle {record.principle.number}" if record.principle_id else "Principle"
    if name == "action":
        return "Action"
    if name == "auditperson":
        return "Person completing the audit"
    if name == "evidence":
        return "Evidence"
    if name == "familyrating":
        return f"Families’ rating of principle {record.principle.number}"
    if name == "familyreview":
        return "Families’ ratings"
    return "Audit"


def _entry(moment, who, what, kind, changes=(), text=""):
    return {
        "when": moment,
        "when_text": when_in_words(moment),
        "who": who,
        "what": what,
        "kind": kind,
        "changes": list(changes),
        "text": text,
    }


def audit_history(audit):
    """Every recorded change to the audit and its parts, and every review comment and
    response, newest first, in the words the pages use.

    Each entry: when (and when_text), who, what (the part), kind (added, changed,
    removed, comment) and the changes as (label, old, new) in words. A save that
    changed nothing records nothing here.
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
    # Families' ratings join the record only once they are sent: before then the
    # service must not see them, here or anywhere.
    family = FamilyReview.objects.filter(audit_id=audit.pk, submitted_at__isnull=False).first()
    if family is not None:
        sources += [
            FamilyReview.history.filter(id=family.pk).select_related("history_user"),
            FamilyRating.history.filter(review_id=family.pk).select_related(
                "history_user", "principle", "level", "agreed_level"
            ),
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
        what = _describe(record)
        if record.history_type == "+" and key[0] == "audit":
            entries.append(_entry(record.history_date, record.history_user, "Audit", "started"))
            continue
        if record.history_type in ("+", "-") or before is None:
            # What the part held when it was added or removed (or, for a part kept from
            # before its history was, when first seen): its values, in words.
            values = [
                (_label(f), _words(f, record))
                for f in _content_fields(record)
                if _words(f, record) != "empty"
            ]
            if record.history_type == "-":
                kind, changes = "removed", [(label, value, None) for label, value in values]
            else:
                kind, changes = "added", [(label, None, value) for label, value in values]
            # A principle's blank assessment is made with the audit: nothing to tell.
            if changes or key[0] not in ("principleassessment", "familyrating", "familyreview"):
                entries.append(
                    _entry(record.history_date, record.history_user, what, kind, changes)
                )
            continue
        delta = record.diff_against(before, excluded_fields=IGNORED_FIELDS)
        changes = []
        for change in delta.changes:
            field = record.instance_type._meta.get_field(change.field)
            old, new = _words(field, before), _words(field, record)
            if old != new:
                changes.append((_label(field), old, new))
        if changes:
            entries.append(
                _entry(record.history_date, record.history_user, what, "changed", changes)
            )
    for comment in ReviewComment.objects.filter(audit_id=audit.pk).select_related(
        "author", "principle", "resolved_by"
    ):
        about = f"principle {comment.principle.number}" if comment.principle_id else "the audit"
        entries.append(
            _entry(
                comment.created_at,
                comment.author,
                f"Review comment on {about}",
                "comment",
                text=comment.text,
            )
        )
        if comment.response:
            # A response is kept until resubmission, which resolves the comment.
            moment = comment.resolved_at or comment.created_at
            entries.append(
                _entry(
                    moment,
                    comment.resolved_by,
                    f"Response to the review comment on {about}",
                    "response",
                    text=comment.response,
                )
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def _related_label(record, field):
    value = getattr(record, field.attname)
    if value is None:
        return "none"
    try:
        return str(getattr(record, field.name))
    except Exception:  # the related row has since been deleted
        return f"#{value}"
