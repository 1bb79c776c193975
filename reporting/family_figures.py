"""The portfolio's family-rated figures: how many audits families have rated, and for
each principle how often the service rated itself higher than families did.

Only families' ratings that have been sent count. Each function makes a fixed number of
queries whatever the number of audits, starting from the partnership's portfolio.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery

from audits.models import FamilyRating, FamilyReview, PrincipleAssessment

from .selectors import ids_param, portfolio, portfolio_ids_read


def _portfolio_audits(partnership, filters):
    """The portfolio's audit ids for an `__in` lookup: the ids themselves when this
    request has read them for the other figures, else the portfolio's query (a page whose
    other figures are cached need not read thousands of ids for two counts)."""
    ids = portfolio_ids_read(partnership, filters)
    if ids is None:
        return portfolio(partnership, filters).values("pk"), None
    return ids_param(ids), len(ids)


def family_rated_share(partnership, filters):
    """{audits, rated, percent}: portfolio audits, and those with families' ratings sent."""
    audit_ids, audits = _portfolio_audits(partnership, filters)
    if audits is None:
        counts = portfolio(partnership, filters).aggregate(
            audits=Count("pk"),
            rated=Count("pk", filter=Q(family_review__submitted_at__isnull=False)),
        )
        audits, rated = counts["audits"], counts["rated"]
    else:
        rated = FamilyReview.objects.filter(
            audit_id__in=audit_ids, submitted_at__isnull=False
        ).count()
    return {
        "audits": audits,
        "rated": rated,
        "percent": round(100 * rated / audits) if audits else 0,
    }


def service_against_families(partnership, filters):
    """For each principle rated by both sides in the portfolio: how many audits, and how
    often the service's level was higher than, lower than or the same as the families'."""
    sent = FamilyReview.objects.filter(
        audit_id__in=_portfolio_audits(partnership, filters)[0], submitted_at__isnull=False
    )
    service_rank = PrincipleAssessment.objects.filter(
        audit_id=OuterRef("review__audit_id"), principle_id=OuterRef("principle_id")
    ).values("level__rank")[:1]
    rows = (
        FamilyRating.objects.filter(review__in=sent.values("pk"), level__isnull=False)
        .annotate(service_rank=Subquery(service_rank))
        .filter(service_rank__isnull=False)
        .values("principle__number")
        .annotate(
            pairs=Count("pk"),
            service_higher=Count("pk", filter=Q(service_rank__gt=F("level__rank"))),
            families_higher=Count("pk", filter=Q(service_rank__lt=F("level__rank"))),
        )
        .order_by("principle__number")
    )
    figures = []
    for row in rows:
        pairs = row["pairs"]
        same = pairs - row["service_higher"] - row["families_higher"]
        figures.append(
            {
                "number": row["principle__number"],
                "pairs": pairs,
                "service_higher": row["service_higher"],
                "service_higher_percent": round(100 * row["service_higher"] / pairs),
                "families_higher": row["families_higher"],
                "same": same,
            }
        )
    return figures
