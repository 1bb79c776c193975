"""Families check and challenge an audit: invitations, their own ratings, and the level
agreed with the service afterwards.

The two sides rate independently. Nothing here shows one side's levels to the other;
the pages and selectors decide that from `FamilyReview.is_submitted`.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import notify
from partnership import services as partnership_services
from partnership.models import Invitation, Membership, Role, User

from .models import Audit, FamilyInvitation, FamilyRating, FamilyReview


class FamilyError(Exception):
    """Something the family check does not allow now; the message says why, in plain words."""


def is_invited(audit, membership):
    return (
        membership.role == Role.FAMILY_PARTNER
        and FamilyInvitation.objects.for_membership(membership).filter(audit=audit).exists()
    )


def can_invite(audit, membership):
    """The service's editors (and commissioners and admins) invite families, until the
    families have sent their ratings."""
    if FamilyReview.objects.filter(audit=audit, submitted_at__isnull=False).exists():
        return False
    return membership.may_work_on(audit.project.service_id)


def can_agree(audit, membership):
    return membership.may_work_on(audit.project.service_id)


def family_review_for(audit):
    """The audit's family review with a rating row for each principle, made on first use."""
    review, created = FamilyReview.objects.get_or_create(audit=audit)
    if created or review.ratings.count() != audit.framework.principles.count():
        have = set(review.ratings.values_list("principle_id", flat=True))
        for principle in audit.framework.principles.all():
            if principle.pk not in have:
                FamilyRating.objects.create(review=review, principle=principle)
    return review


def _audit_url(audit, name):
    return reverse(f"audits:{name}", kwargs={"slug": audit.partnership.slug, "pk": audit.pk})


@transaction.atomic
def family_invite(*, audit, membership, by, members=(), email="", full_name="", base_url=""):
    """Invite family partners of the partnership, and someone by email, to rate `audit`.

    Returns (members invited, partnership invitation or None). An email address that
    already belongs to a family partner of the partnership invites that member; one that
    belongs to anyone else in the partnership is refused, since only family partners rate.
    """
    audit = (
        Audit.objects.select_for_update().select_related("partnership", "project").get(pk=audit.pk)
    )
    if not can_invite(audit, membership):
        raise FamilyError("Families can no longer be invited: they have sent their ratings.")
    family_review_for(audit)
    invited = []
    invitation = None
    email = (email or "").strip().lower()
    members = list(members)
    if email:
        existing = (
            Membership.objects.filter(partnership=audit.partnership, user__email__iexact=email)
            .select_related("user")
            .first()
        )
        if existing is not None:
            if existing.role != Role.FAMILY_PARTNER:
                raise FamilyError(
                    f"{email} is already in the partnership as a "
                    f"{existing.get_role_display().lower()}. Only family partners rate audits."
                )
            members.append(existing)
        else:
            invitation = _email_invitation(audit, email, full_name, by, base_url)
    for member in members:
        if member.partnership_id != audit.partnership_id or member.role != Role.FAMILY_PARTNER:
            raise FamilyError("Choose family partners of this partnership.")
        _, created = FamilyInvitation.objects.get_or_create(
            audit=audit, membership=member, defaults={"invited_by": by}
        )
        if created:
            invited.append(member)
            notify(
                partnership=audit.partnership,
                recipient=member.user,
                title=f"Please rate the audit of {audit.project.title}",
                body="A service asks families to check and challenge its self-assessment.",
                url=_audit_url(audit, "family_rate"),
            )
    return invited, invitation


def _email_invitation(audit, email, full_name, by, base_url):
    """The partnership's invitation for a new family partner, linked to this audit.

    An open invitation for the same address is reused (one per address), so a parent
    asked to two audits gets both when they accept."""
    if User.objects.filter(
        email__iexact=email, memberships__partnership=audit.partnership
    ).exists():
        raise FamilyError(f"{email} already has an account in the partnership.")
    invitation = Invitation.objects.filter(
        partnership=audit.partnership,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).first()
    if invitation is not None and invitation.state == "expired":
        partnership_services.invitation_revoke(invitation=invitation)
        invitation = None
    if invitation is not None and invitation.role != Role.FAMILY_PARTNER:
        raise FamilyError(
            f"{email} has already been invited to the partnership as a "
            f"{invitation.get_role_display().lower()}. Only family partners rate audits."
        )
    if invitation is None:
        invitation = partnership_services.invitation_create(
            partnership=audit.partnership,
            email=email,
            role=Role.FAMILY_PARTNER,
            by=by,
            full_name=full_name,
            base_url=base_url,
        )
    FamilyInvitation.objects.get_or_create(
        audit=audit, invitation=invitation, defaults={"invited_by": by}
    )
    return invitation


def _require_family(review, membership):
    if not is_invited(review.audit, membership):
        raise FamilyError("You have not been invited to rate this audit.")
    if review.is_submitted:
        raise FamilyError("Your ratings have been sent, so they cannot be changed now.")


@transaction.atomic
def family_rating_save(*, rating, membership, by, level, comment):
    """A family partner's level and comment for one principle, before they are sent."""
    review = (
        FamilyReview.objects.select_for_update().select_related("audit").get(pk=rating.review_id)
    )
    _require_family(review, membership)
    if level is not None and level.framework_id != review.audit.framework_id:
        raise FamilyError("Choose one of the levels shown.")
    rating = FamilyRating.objects.get(pk=rating.pk, review=review)
    if rating.level_id == (level.pk if level else None) and rating.comment == comment:
        return rating
    rating.level = level
    rating.comment = comment
    rating._history_user = by
    rating.save(update_fields=["level", "comment", "updated_at"])
    return rating


def family_submit_problems(review, ratings):
    return [
        f"Choose a level for principle {rating.principle.number}"
        for rating in ratings
        if rating.level_id is None
    ]


@transaction.atomic
def family_review_submit(*, review, membership, by):
    """Send the families' ratings: from now both sides see both sets of levels."""
    review = FamilyReview.objects.select_for_update().select_related("audit").get(pk=review.pk)
    _require_family(review, membership)
    ratings = list(review.ratings.select_related("principle"))
    problems = family_submit_problems(review, ratings)
    if problems:
        raise FamilyError(problems[0])
    review.submitted_at = timezone.now()
    review.submitted_by = by
    review._history_user = by
    review.save(update_fields=["submitted_at", "submitted_by"])
    audit = review.audit
    for user in _service_people(audit):
        notify(
            partnership=audit.partnership,
            recipient=user,
            title=f"Families have rated the audit of {audit.project.title}",
            body="See their levels beside the service’s, and agree a level where they differ.",
            url=_audit_url(audit, "family_compare"),
        )
    return review


def _service_people(audit):
    """Whoever started the audit and the leads of its service."""
    leads = Membership.objects.filter(
        partnership=audit.partnership,
        role=Role.SERVICE_LEAD,
        active=True,
        services=audit.project.service_id,
    ).select_related("user")
    people = {m.user for m in leads}
    if audit.created_by_id:
        people.add(audit.created_by)
    return people


@transaction.atomic
def family_agreed_save(*, rating, membership, by, agreed_level, note, service_level):
    """The level the service and families agree on for a principle they rated differently."""
    review = (
        FamilyReview.objects.select_for_update()
        .select_related("audit__project")
        .get(pk=rating.review_id)
    )
    if not can_agree(review.audit, membership):
        raise FamilyError("Your role does not allow you to record an agreed level.")
    if not review.is_submitted:
        raise FamilyError("Families have not sent their ratings yet.")
    rating = FamilyRating.objects.get(pk=rating.pk, review=review)
    if service_level is not None and rating.level_id == service_level.pk:
        raise FamilyError(
            "The service and families gave the same level; there is nothing to agree."
        )
    if agreed_level is None:
        raise FamilyError("Choose the agreed level")
    if agreed_level.framework_id != review.audit.framework_id:
        raise FamilyError("Choose one of the levels shown.")
    if not note.strip():
        raise FamilyError("Enter a note on how the level was agreed")
    rating.agreed_level = agreed_level
    rating.agreed_note = note
    rating._history_user = by
    rating.save(update_fields=["agreed_level", "agreed_note", "updated_at"])
    return rating
