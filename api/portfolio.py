"""The dashboard's figures as JSON: read from reporting/selectors.py, never recomputed."""

from django.utils import timezone
from rest_framework import serializers

from reporting import selectors
from voice import selectors as voice_selectors

FILTER_PARAMETERS = {
    "Period": "period",
    "From date": "from",
    "To date": "to",
    "Organisation": "organisation",
    "Service": "service",
    "Sector": "sector",
    "Outcome": "outcome",
}


def _levels(counts):
    return {str(rank): count for rank, count in counts.items()}


def portfolio_figures(partnership, filters, today=None):
    today = today or timezone.localdate()
    head = selectors.headline(partnership, filters, today)
    return {
        "filters": {
            "period": filters.period.key,
            "period_label": filters.period.label,
            "from": filters.period.start,
            "to": filters.period.end,
            **{k: v for k, v in filters.raw.items() if k not in ("period", "from", "to")},
        },
        "headline": {
            "projects": head.projects,
            "audited_projects": head.audited_projects,
            "accepted": head.accepted,
            "awaiting_review": head.awaiting_review,
            "services": head.services,
            "services_audited_12m": head.services_audited_12m,
            "services_audited_share": head.services_share,
            "reviews_overdue": head.reviews_overdue,
            "actions_overdue": head.actions_overdue,
            "outcomes": [
                {"rank": rank, "name": name, "count": count} for rank, name, count in head.outcomes
            ],
        },
        "heat_map": [
            {
                "organisation": row.organisation,
                "service": row.service,
                "service_id": row.service_id,
                "audit_id": row.audit_id,
                "audit_date": row.audit_date,
                "levels": [cell[0] if cell else None for cell in row.cells],
            }
            for row in selectors.heat_map(partnership, filters)
        ],
        "profile": {
            str(number): _levels(counts)
            for number, counts in selectors.principle_profile(partnership, filters).items()
        },
        "profile_by_sector": [
            {
                "sector": sector,
                "label": label,
                "profile": {str(n): _levels(c) for n, c in counts.items()},
            }
            for sector, label, counts in selectors.profile_by_sector(partnership, filters)
        ],
        "trend": [
            {
                "year": year,
                "principles": {
                    str(number): {"good_or_excellent": good, "total": total}
                    for number, (good, total) in table.items()
                },
            }
            for year, table in selectors.trend(partnership, filters)
        ],
        **_ladder_and_cycle(partnership, filters),
    }


def _ladder_and_cycle(partnership, filters):
    ladder = voice_selectors.ladder(partnership, filters)
    cycle = voice_selectors.cycle(partnership, filters)
    return {
        "ladder": {
            "levels": [
                {"level": r.level, "label": r.label, "aimed": r.aimed, "reached": r.reached}
                for r in ladder.rungs
            ],
            "below_aim_count": ladder.below_aim_count,
            "below_aim": [
                {
                    "project": audit.project_id,
                    "project_title": audit.project.title,
                    "audit_id": audit.pk,
                    "aimed": audit.project.ladder_aim,
                    "reached": audit.ladder_reached,
                }
                for audit in ladder.below_aim
            ],
        },
        "cycle": [
            {
                "stage": stage.stage,
                "label": stage.label,
                "projects": stage.at_stage,
                "families_involved": stage.families_involved,
            }
            for stage in cycle["stages"]
        ],
    }


# The shape of the answer, for the schema.


class OutcomeCount(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class Headline(serializers.Serializer):
    projects = serializers.IntegerField()
    audited_projects = serializers.IntegerField()
    accepted = serializers.IntegerField()
    awaiting_review = serializers.IntegerField()
    services = serializers.IntegerField()
    services_audited_12m = serializers.IntegerField()
    services_audited_share = serializers.IntegerField(help_text="Per cent")
    reviews_overdue = serializers.IntegerField()
    actions_overdue = serializers.IntegerField()
    outcomes = OutcomeCount(many=True)


class HeatRow(serializers.Serializer):
    organisation = serializers.CharField()
    service = serializers.CharField()
    service_id = serializers.IntegerField()
    audit_id = serializers.IntegerField(allow_null=True)
    audit_date = serializers.DateField(allow_null=True)
    levels = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Level rank for principles 1 to 6, null where not scored",
    )


class SectorProfile(serializers.Serializer):
    sector = serializers.CharField()
    label = serializers.CharField()
    profile = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class TrendShare(serializers.Serializer):
    good_or_excellent = serializers.IntegerField()
    total = serializers.IntegerField()


class TrendYear(serializers.Serializer):
    year = serializers.IntegerField()
    principles = serializers.DictField(child=TrendShare())


class LadderLevelCount(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    aimed = serializers.IntegerField(help_text="Active projects aiming for this level")
    reached = serializers.IntegerField(
        help_text="Projects whose latest accepted audit in the period reached this level"
    )


class BelowAim(serializers.Serializer):
    project = serializers.IntegerField()
    project_title = serializers.CharField()
    audit_id = serializers.IntegerField()
    aimed = serializers.CharField()
    reached = serializers.CharField()


class Ladder(serializers.Serializer):
    levels = LadderLevelCount(many=True)
    below_aim_count = serializers.IntegerField()
    below_aim = BelowAim(many=True, help_text="The first 50 projects reached below their aim")


class CycleStageCount(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    projects = serializers.IntegerField(help_text="Active projects at this stage")
    families_involved = serializers.IntegerField(
        help_text="Active projects that involved families at this stage"
    )


class PortfolioSerializer(serializers.Serializer):
    filters = serializers.DictField(help_text="The filters applied, as understood")
    headline = Headline()
    heat_map = HeatRow(many=True)
    profile = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per principle number, audits at each level rank",
    )
    profile_by_sector = SectorProfile(many=True)
    trend = TrendYear(many=True)
    ladder = Ladder(help_text="The ladder of participation: levels aimed for and reached")
    cycle = CycleStageCount(many=True, help_text="The joint commissioning cycle")
