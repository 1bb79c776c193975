"""Reads for the family check: the audits a family partner is invited to, and the
comparison of the service's levels with the families' once the families have sent theirs.
Each function makes a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Subquery

from .easy_read import gap_in_words
from .models import Audit, FamilyInvitation, FamilyRating, FamilyReview, PrincipleAssessment


def invited_audits(membership):
    """The audits this family partner is invited to, newest invitation first."""
    invited = FamilyInvitation.objects.for_membership(membership).values("audit_id")
    return (
        Audit.objects.filter(partnership_id=membership.partnership_id, pk__in=invited)
        .select_related("project__service__organisation", "family_review")
        .order_by("-created_at", "-pk")
    )


def review_of(audit):
    """The audit's family review, or None when no family has been invited."""
    return FamilyReview.objects.filter(audit=audit).select_related("submitted_by").first()


def ratings_of(review):
    return list(
        FamilyRating.objects.filter(review=review).select_related(
            "principle", "level", "agreed_level"
        )
    )


@dataclass
class ComparedPrinciple:
    principle: object
    service_level: object
    family: FamilyRating

    @property
    def gap(self):
        return gap_in_words(self.service_level, self.family.level)

    @property
    def sentence(self):
        return self.gap[0]

    @property
    def direction(self):
        return self.gap[1]

    @property
    def differs(self):
        return self.direction in ("service_higher", "families_higher")


def comparison(audit, review):
    """Principle by principle: the service's level beside the families', once sent.

    Refuses to compare before the families have sent their ratings, so no page can show
    one side's levels to the other by mistake."""
    if review is None or not review.is_submitted:
        raise ValueError("The families' ratings have not been sent")
    levels = {
        a.principle_id: a.level
        for a in PrincipleAssessment.objects.filter(audit=audit).select_related("level")
    }
    return [
        ComparedPrinciple(rating.principle, levels.get(rating.principle_id), rating)
        for rating in ratings_of(review)
    ]


def invitations_of(audit):
    return list(
        FamilyInvitation.objects.filter(audit=audit).select_related(
            "membership__user", "invitation", "invited_by"
        )
    )


def with_levels_to_agree(audits):
    """Those of `audits` whose families have sent ratings that differ from the service's on
    a principle with no agreed level yet (one query with the caller's)."""
    service_level = PrincipleAssessment.objects.filter(
        audit_id=OuterRef("review__audit_id"), principle_id=OuterRef("principle_id")
    ).values("level_id")[:1]
    open_gaps = (
        FamilyRating.objects.filter(
            review__audit_id=OuterRef("pk"), agreed_level__isnull=True, level__isnull=False
        )
        .annotate(service_level_id=Subquery(service_level))
        .filter(service_level_id__isnull=False)
        .exclude(service_level_id=F("level_id"))
    )
    return audits.filter(family_review__submitted_at__isnull=False).filter(Exists(open_gaps))
