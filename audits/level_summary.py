"""Each audit's principle levels kept in one row (Audit.level_ranks and level_total).

The portfolio's figures (trend, movement, heat map, profiles) read these two columns
instead of six assessments per audit over years of audits. They are derived from the
assessments: audits/services.py refreshes them in the same transaction as any change to
a level, and the migration that added them filled them for the audits already stored.
"""

from django.db.models import CharField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat


def summary_expressions(assessments, principle_numbers):
    """(level_ranks, level_total) as expressions over an audit row: one digit per
    principle number in `principle_numbers` ("0" where no level is chosen), and the sum
    of the ranks. `assessments` is the PrincipleAssessment model (or a migration's)."""
    rated = assessments.objects.filter(audit_id=OuterRef("pk"), level__isnull=False).order_by()

    def digit(number):
        rank = rated.filter(principle__number=number).values("level__rank")[:1]
        return Cast(Coalesce(Subquery(rank), Value(0)), CharField())

    digits = [digit(number) for number in principle_numbers] or [Value("")]
    ranks = Concat(*digits, output_field=CharField()) if len(digits) > 1 else digits[0]
    total = Coalesce(
        Subquery(rated.values("audit_id").annotate(total=Sum("level__rank")).values("total")),
        Value(0),
    )
    return ranks, total


def levels_summary_refresh(audits, *, assessments=None, principles=None):
    """Work out level_ranks and level_total afresh for every audit of the queryset
    `audits`, in one UPDATE whatever their number. The models default to the app's; a
    migration passes its own."""
    if assessments is None or principles is None:
        from principles.models import Principle

        from .models import PrincipleAssessment

        assessments, principles = PrincipleAssessment, Principle
    highest = (
        principles.objects.filter(framework_id__in=audits.values("framework_id"))
        .order_by()
        .aggregate(highest=Max("number"))["highest"]
        or 0
    )
    ranks, total = summary_expressions(assessments, range(1, highest + 1))
    return audits.order_by().update(level_ranks=ranks, level_total=total)
