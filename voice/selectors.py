"""The ladder of participation and the joint commissioning cycle across a partnership.

Each function makes a fixed number of queries whatever the number of projects, and every
query starts from the partnership. `scope` is anything with the portfolio filters'
attributes (period, organisation, sector, service, service_ids), so the dashboard's
filters apply without this app reading reporting's code.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from audits.models import Audit
from partnership.models import Project
from partnership.participation import (
    CYCLE_DEFINITIONS,
    FAMILY_STAGE_FIELDS,
    LADDER_DEFINITIONS,
    LADDER_RANK,
    CycleStage,
    LadderLevel,
)

# Projects reached below their aim, listed by name; the count covers them all.
BELOW_AIM_LISTED = 50


def _rank(field_name):
    """The rung of a ladder field as a number, for comparing aim and reached in SQL."""
    return Case(
        *[When(**{field_name: level}, then=Value(rank)) for level, rank in LADDER_RANK.items()],
        default=Value(None),
        output_field=IntegerField(),
    )


def scoped_projects(partnership, scope=None):
    """The partnership's active projects within the organisation, sector and service
    filters (and a service lead's own services)."""
    projects = Project.objects.filter(partnership=partnership, active=True)
    if scope is None:
        return projects
    if getattr(scope, "service_ids", None) is not None:
        projects = projects.filter(service_id__in=scope.service_ids)
    if getattr(scope, "organisation", None):
        projects = projects.filter(service__organisation=scope.organisation)
    if getattr(scope, "sector", ""):
        projects = projects.filter(service__organisation__sector=scope.sector)
    if getattr(scope, "service", None):
        projects = projects.filter(service=scope.service)
    return projects


def reached_audits(partnership, scope=None):
    """Each scoped project's latest accepted audit in the period: the level it reached."""
    audits = Audit.objects.filter(
        partnership=partnership, project__in=scoped_projects(partnership, scope)
    )
    period = getattr(scope, "period", None)
    if period is not None and period.start:
        audits = audits.filter(audit_date__gte=period.start)
    if period is not None and period.end:
        audits = audits.filter(audit_date__lte=period.end)
    return audits.latest_accepted().filter(partnership=partnership)


@dataclass
class Rung:
    level: str
    label: str
    definition: str
    aimed: int
    reached: int


@dataclass
class Ladder:
    rungs: list
    aim_recorded: int
    reached_recorded: int
    below_aim_count: int
    below_aim: list = field(default_factory=list)

    @property
    def has_data(self):
        return bool(self.aim_recorded or self.reached_recorded)


def ladder(partnership, scope=None):
    """Projects by the level aimed for and the level reached, and where reached is below
    the aim. Three queries."""
    projects = scoped_projects(partnership, scope)
    aimed = dict(
        projects.exclude(ladder_aim="")
        .values_list("ladder_aim")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("ladder_aim", "n")
    )
    audits = reached_audits(partnership, scope).exclude(ladder_reached="")
    reached = dict(
        audits.values_list("ladder_reached")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("ladder_reached", "n")
    )
    below = (
        audits.annotate(aim_rank=_rank("project__ladder_aim"), reached_rank=_rank("ladder_reached"))
        .filter(aim_rank__isnull=False, reached_rank__lt=F("aim_rank"))
        .select_related("project__service")
        .order_by("project__title", "pk")
    )
    below_list = list(below[: BELOW_AIM_LISTED + 1])
    below_count = len(below_list)
    if below_count > BELOW_AIM_LISTED:
        below_count = below.count()
    rungs = [
        Rung(
            level=level.value,
            label=level.label,
            definition=LADDER_DEFINITIONS[level],
            aimed=aimed.get(level.value, 0),
            reached=reached.get(level.value, 0),
        )
        for level in LadderLevel
    ]
    return Ladder(
        rungs=rungs,
        aim_recorded=sum(aimed.values()),
        reached_recorded=sum(reached.values()),
        below_aim_count=below_count,
        below_aim=below_list[:BELOW_AIM_LISTED],
    )


@dataclass
class Stage:
    stage: str
    label: str
    definition: str
    at_stage: int
    families_involved: int


def cycle(partnership, scope=None):
    """For each stage of the joint commissioning cycle: how many projects are at it, and
    how many involved families at it. One query."""
    counts = {}
    for stage, name in FAMILY_STAGE_FIELDS.items():
        counts[f"at_{stage.value}"] = Count("pk", filter=Q(cycle_stage=stage.value))
        counts[f"families_{stage.value}"] = Count("pk", filter=Q(**{name: True}))
    counts["total"] = Count("pk")
    row = scoped_projects(partnership, scope).aggregate(**counts)
    recorded = sum(v for k, v in row.items() if k != "total")
    return {
        "total": row["total"],
        "has_data": bool(recorded),
        "stages": [
            Stage(
                stage=stage.value,
                label=stage.label,
                definition=CYCLE_DEFINITIONS[stage],
                at_stage=row[f"at_{stage.value}"],
                families_involved=row[f"families_{stage.value}"],
            )
            for stage in CycleStage
        ],
    }
