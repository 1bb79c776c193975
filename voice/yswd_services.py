"""Writing, sending, approving and sending back "You said, we did" summaries."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from notifications.delivery import notify
from partnership.models import Membership, Role

from .yswd_models import PublicPageSettings, YouSaidWeDid


class SummaryError(Exception):
    """A step the person may not take; the message says why, in plain words."""


def can_write(audit, membership):
    """The audit's service's leads, commissioners and admins, for an accepted audit."""
    return audit.status == Audit.Status.ACCEPTED and membership.may_work_on(
        audit.project.service_id
    )


def can_decide(membership):
    return membership.role in (Role.ADMIN, Role.COMMISSIONER)


def decide_refusal(summary, membership):
    """Why `membership` may not approve or send back `summary`, or None."""
    if not can_decide(membership):
        return "Only commissioners and admins approve summaries."
    if summary.status != YouSaidWeDid.Status.AWAITING_APPROVAL:
        return f"This summary is {summary.get_status_display().lower()}: nothing to decide."
    partnership = summary.partnership
    if partnership.accept_needs_another_person and summary.written_by_id == membership.user_id:
        return "You wrote this summary, so someone else approves it."
    return None


@transaction.atomic
def summary_save(*, audit, membership, by, you_said, we_did, next_steps, send):
    """Write or change the summary of `audit`; with `send`, ask a commissioner to approve it.

    Changing an approved summary takes it off the public page until it is approved again.
    """
    if not can_write(audit, membership):
        raise SummaryError("Your role does not allow you to write this summary.")
    summary = YouSaidWeDid.objects.select_for_update().filter(audit=audit).first() or YouSaidWeDid(
        audit=audit, partnership=audit.partnership
    )
    summary.you_said, summary.we_did, summary.next_steps = you_said, we_did, next_steps
    summary.written_by = by
    if send:
        summary.status = YouSaidWeDid.Status.AWAITING_APPROVAL
        summary.sent_at = timezone.now()
    elif summary.status != YouSaidWeDid.Status.SENT_BACK:
        summary.status = YouSaidWeDid.Status.DRAFT
    summary.approved_at = None
    summary.save()
    if send:
        _tell_deciders(summary, by)
    return summary


def _tell_deciders(summary, by):
    url = reverse("voice:yswd_review", args=[summary.partnership.slug, summary.pk])
    deciders = Membership.objects.filter(
        partnership=summary.partnership, active=True, role=Role.COMMISSIONER
    ).exclude(user=by)
    for membership in deciders.select_related("user"):
        notify(
            partnership=summary.partnership,
            recipient=membership.user,
            title=f"“You said, we did” for {summary.audit.project} is waiting for approval",
            url=url,
        )


@transaction.atomic
def summary_approve(*, summary, membership, by):
    """Publish the summary on the partnership's public page."""
    summary = YouSaidWeDid.objects.select_for_update().get(pk=summary.pk)
    refusal = decide_refusal(summary, membership)
    if refusal:
        raise SummaryError(refusal)
    now = timezone.now()
    summary.status = YouSaidWeDid.Status.APPROVED
    summary.decided_by, summary.decided_at, summary.approved_at = by, now, now
    summary.sent_back_note = ""
    summary.save()
    return summary


@transaction.atomic
def summary_send_back(*, summary, membership, by, note):
    """Return the summary to its writer with a note saying what to change."""
    summary = YouSaidWeDid.objects.select_for_update().get(pk=summary.pk)
    refusal = decide_refusal(summary, membership)
    if refusal:
        raise SummaryError(refusal)
    if not note.strip():
        raise SummaryError("Say what needs to change.")
    summary.status = YouSaidWeDid.Status.SENT_BACK
    summary.decided_by, summary.decided_at = by, timezone.now()
    summary.sent_back_note = note
    summary.save()
    if summary.written_by_id:
        notify(
            partnership=summary.partnership,
            recipient=summary.written_by,
            title=f"“You said, we did” for {summary.audit.project} was sent back for changes",
            url=reverse("voice:yswd_write", args=[summary.partnership.slug, summary.audit_id]),
        )
    return summary


@transaction.atomic
def public_page_settings_save(*, partnership, show_ratings):
    settings, _ = PublicPageSettings.objects.update_or_create(
        partnership=partnership, defaults={"show_ratings": show_ratings}
    )
    return settings
