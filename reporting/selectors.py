"""The portfolio's figures. Each function makes a fixed number of queries, whatever the
number of audits, and every query starts from the partnership.

The portfolio is each project's latest accepted audit whose date of audit falls in the
period (and, when asked, submitted audits too).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from audits.models import Action, Audit, PrincipleAssessment
from partnership.models import Project, Sector, Service

ACCEPTED = Audit.Status.ACCEPTED
SUBMITTED = Audit.Status.SUBMITTED
IN_PROGRESS = (Audit.Status.DRAFT, Audit.Status.SUBMITTED, Audit.Status.CHANGES_REQUESTED)


def _scoped(queryset, filters, prefix=""):
    """Apply organisation, sector, service and a service lead's own services."""
    p = prefix
    if filters.service_ids is not None:
        queryset = queryset.filter(**{f"{p}service_id__in": filters.service_ids})
    if filters.organisation:
        queryset = queryset.filter(**{f"{p}service__organisation": filters.organisation})
    if filters.sector:
        queryset = queryset.filter(**{f"{p}service__organisation__sector": filters.sector})
    if filters.service:
        queryset = queryset.filter(**{f"{p}service": filters.service})
    return queryset


def _in_period(queryset, filters, field="audit_date"):
    if filters.period.start:
        queryset = queryset.filter(**{f"{field}__gte": filters.period.start})
    if filters.period.end:
        queryset = queryset.filter(**{f"{field}__lte": filters.period.end})
    return queryset


def scoped_audits(partnership, filters):
    """Every audit of the partnership within the scope filters (any status, any date)."""
    return _scoped(Audit.objects.filter(partnership=partnership), filters, "project__")


def portfolio(partnership, filters):
    """Each project's latest counted audit in the period: the heart of every figure."""
    statuses = [ACCEPTED, SUBMITTED] if filters.include_submitted else [ACCEPTED]
    counted = _in_period(scoped_audits(partnership, filters).filter(status__in=statuses), filters)
    latest = (
        counted.filter(project=OuterRef("project")).order_by("-audit_date", "-pk").values("pk")[:1]
    )
    audits = counted.filter(pk=Subquery(latest))
    if filters.outcome_rank:
        audits = audits.filter(outcome__rank=filters.outcome_rank)
    return audits


@dataclass
class Headline:
    projects: int
    audited_projects: int
    accepted: int
    awaiting_review: int
    services: int
    services_audited_12m: int
    reviews_overdue: int
    actions_overdue: int
    outcomes: list  # (rank, name, count)

    @property
    def services_share(self):
        return round(100 * self.services_audited_12m / self.services) if self.services else 0


OUTCOME_NAMES = {1: "Requires Improvement", 2: "Good", 3: "Outstanding"}
LEVEL_NAMES = {1: "Room for Improvement", 2: "Good", 3: "Excellent"}


def latest_accepted(partnership, filters):
    """Each project's latest accepted audit, whatever the period (for reviews due)."""
    accepted = scoped_audits(partnership, filters).filter(status=ACCEPTED)
    latest = (
        accepted.filter(project=OuterRef("project")).order_by("-audit_date", "-pk").values("pk")[:1]
    )
    return accepted.filter(pk=Subquery(latest))


def reviews_overdue(partnership, filters, today=None):
    today = today or timezone.localdate()
    busy = Audit.objects.filter(
        partnership=partnership, project=OuterRef("project"), status__in=IN_PROGRESS
    )
    return (
        latest_accepted(partnership, filters)
        .filter(review_date__lt=today)
        .exclude(Q(project__in=Subquery(busy.values("project"))))
    )


def reviews_due(partnership, filters, days=60, today=None):
    today = today or timezone.localdate()
    return latest_accepted(partnership, filters).filter(
        review_date__gte=today, review_date__lte=today + timedelta(days=days)
    )


def actions_overdue(partnership, filters, today=None):
    today = today or timezone.localdate()
    return Action.objects.filter(
        audit__in=Subquery(portfolio(partnership, filters).values("pk")),
        done=False,
        due_date__lt=today,
    )


def headline(partnership, filters, today=None):
    """The headline figures: a fixed handful of queries."""
    today = today or timezone.localdate()
    projects = _scoped(Project.objects.filter(partnership=partnership, active=True), filters)
    audits = portfolio(partnership, filters)
    outcome_counts = dict(
        audits.values_list("outcome__rank")
        .annotate(n=Count("pk"))
        .values_list("outcome__rank", "n")
    )
    services = _services(partnership, filters)
    audited_services = (
        scoped_audits(partnership, filters)
        .filter(status=ACCEPTED, audit_date__gte=today - timedelta(days=365))
        .values("project__service")
        .distinct()
        .count()
    )
    return Headline(
        projects=projects.count(),
        audited_projects=audits.count(),
        accepted=_in_period(
            scoped_audits(partnership, filters).filter(status=ACCEPTED), filters
        ).count(),
        awaiting_review=scoped_audits(partnership, filters).filter(status=SUBMITTED).count(),
        services=services.count(),
        services_audited_12m=audited_services,
        reviews_overdue=reviews_overdue(partnership, filters, today).count(),
        actions_overdue=actions_overdue(partnership, filters, today).count(),
        outcomes=[(rank, OUTCOME_NAMES[rank], outcome_counts.get(rank, 0)) for rank in (1, 2, 3)],
    )


def _services(partnership, filters):
    services = Service.objects.filter(partnership=partnership, active=True)
    if filters.service_ids is not None:
        services = services.filter(pk__in=filters.service_ids)
    if filters.organisation:
        services = services.filter(organisation=filters.organisation)
    if filters.sector:
        services = services.filter(organisation__sector=filters.sector)
    if filters.service:
        services = services.filter(pk=filters.service.pk)
    return services


@dataclass
class HeatRow:
    organisation: str
    service: str
    service_id: int
    audit_id: int | None
    audit_date: object
    cells: list  # per principle number: (rank, level name) or None


def heat_map(partnership, filters, principle_numbers=range(1, 7)):
    """One row per service (grouped by organisation): the levels of its latest counted audit."""
    services = list(
        _services(partnership, filters)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    audits = list(
        portfolio(partnership, filters)
        .order_by("project__service_id", "-audit_date", "-pk")
        .values("pk", "project__service_id", "audit_date")
    )
    latest_by_service = {}
    for row in audits:
        latest_by_service.setdefault(row["project__service_id"], row)
    levels = defaultdict(dict)
    for audit_id, number, rank in PrincipleAssessment.objects.filter(
        audit_id__in=[row["pk"] for row in latest_by_service.values()]
    ).values_list("audit_id", "principle__number", "level__rank"):
        levels[audit_id][number] = rank
    rows = []
    for service in services:
        latest = latest_by_service.get(service.pk)
        cells = []
        for number in principle_numbers:
            rank = levels[latest["pk"]].get(number) if latest else None
            cells.append((rank, LEVEL_NAMES.get(rank, "")) if rank else None)
        rows.append(
            HeatRow(
                organisation=service.organisation.name,
                service=service.name,
                service_id=service.pk,
                audit_id=latest["pk"] if latest else None,
                audit_date=latest["audit_date"] if latest else None,
                cells=cells,
            )
        )
    return rows


def principle_profile(partnership, filters):
    """For each principle number, how many portfolio audits are at each level."""
    counts = defaultdict(lambda: {1: 0, 2: 0, 3: 0})
    rows = (
        PrincipleAssessment.objects.filter(
            audit__in=Subquery(portfolio(partnership, filters).values("pk")),
            level__isnull=False,
        )
        .values_list("principle__number", "level__rank")
        .annotate(n=Count("pk"))
    )
    for number, rank, n in rows:
        counts[number][rank] += n
    return {number: counts[number] for number in range(1, 7)}


def profile_by_sector(partnership, filters):
    """The same split by the organisation's sector: where tailored support is aimed."""
    counts = defaultdict(lambda: defaultdict(lambda: {1: 0, 2: 0, 3: 0}))
    rows = (
        PrincipleAssessment.objects.filter(
            audit__in=Subquery(portfolio(partnership, filters).values("pk")),
            level__isnull=False,
        )
        .values_list(
            "audit__project__service__organisation__sector", "principle__number", "level__rank"
        )
        .annotate(n=Count("pk"))
    )
    for sector, number, rank, n in rows:
        counts[sector][number][rank] += n
    labels = dict(Sector.choices)
    return [
        (sector, labels[sector], {n: dict(counts[sector][n]) for n in range(1, 7)})
        for sector in Sector.values
        if sector in counts
    ]


def trend(partnership, filters):
    """Per principle, the share rated Good or Excellent among accepted audits, by year."""
    audits = _in_period(scoped_audits(partnership, filters).filter(status=ACCEPTED), filters)
    rows = (
        PrincipleAssessment.objects.filter(
            audit__in=Subquery(audits.values("pk")), level__isnull=False
        )
        .annotate(year=ExtractYear("audit__audit_date"))
        .values_list("year", "principle__number")
        .annotate(total=Count("pk"), good=Count("pk", filter=Q(level__rank__gte=2)))
    )
    table = defaultdict(dict)
    for year, number, total, good in rows:
        table[year][number] = (good, total)
    return [(year, table[year]) for year in sorted(table)]


@dataclass
class Movement:
    up: int
    same: int
    down: int
    up_ids: list
    same_ids: list
    down_ids: list


def movement(partnership, filters):
    """Projects audited (accepted) more than once: did the last audit move up, stay or move down?

    Compares the sum of principle levels of each project's last two accepted audits.
    """
    audits = (
        _in_period(scoped_audits(partnership, filters).filter(status=ACCEPTED), filters)
        .annotate(score=Sum("assessments__level__rank"))
        .order_by("project_id", "-audit_date", "-pk")
        .values_list("pk", "project_id", "score")
    )
    by_project = defaultdict(list)
    for pk, project_id, score in audits:
        if len(by_project[project_id]) < 2:
            by_project[project_id].append((pk, score or 0))
    result = Movement(0, 0, 0, [], [], [])
    for pairs in by_project.values():
        if len(pairs) < 2:
            continue
        (latest_pk, latest), (_, before) = pairs
        if latest > before:
            result.up += 1
            result.up_ids.append(latest_pk)
        elif latest < before:
            result.down += 1
            result.down_ids.append(latest_pk)
        else:
            result.same += 1
            result.same_ids.append(latest_pk)
    return result


def waiting_longest(partnership, filters, limit=10):
    return (
        scoped_audits(partnership, filters)
        .filter(status=SUBMITTED)
        .select_related("project__service__organisation")
        .order_by("submitted_at", "pk")[:limit]
    )


def overdue_action_list(partnership, filters, limit=20, today=None):
    return (
        actions_overdue(partnership, filters, today)
        .select_related("audit__project__service")
        .order_by("due_date", "pk")[:limit]
    )


def unaudited_services(partnership, filters, today=None):
    """Active services with no accepted audit in the last 12 months."""
    today = today or timezone.localdate()
    recent = Audit.objects.filter(
        partnership=partnership,
        status=ACCEPTED,
        audit_date__gte=today - timedelta(days=365),
        project__service=OuterRef("pk"),
    )
    return (
        _services(partnership, filters)
        .exclude(pk__in=Subquery(recent.values("project__service")))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def drill_down(partnership, filters, params, today=None):
    """The audits behind one figure of the dashboard, named by `params`.

    Returns (queryset, description). Unknown figures show the whole portfolio.
    """
    today = today or timezone.localdate()
    figure = params.get("figure", "portfolio")
    base = portfolio(partnership, filters)
    if figure == "accepted":
        qs = _in_period(scoped_audits(partnership, filters).filter(status=ACCEPTED), filters)
        label = "Accepted audits in the period"
    elif figure == "awaiting":
        qs = scoped_audits(partnership, filters).filter(status=SUBMITTED)
        label = "Audits awaiting review"
    elif figure == "overdue":
        qs = reviews_overdue(partnership, filters, today)
        label = "Projects whose review is overdue (their latest accepted audit)"
    elif figure == "due":
        qs = reviews_due(partnership, filters, today=today)
        label = "Reviews due in the next 60 days"
    elif figure == "actions":
        ids = actions_overdue(partnership, filters, today).values("audit_id")
        qs = Audit.objects.filter(partnership=partnership, pk__in=Subquery(ids))
        label = "Audits with overdue actions"
    elif (
        figure == "cell"
        and params.get("principle", "").isdigit()
        and params.get("level", "") in ("1", "2", "3")
    ):
        qs = base.filter(
            assessments__principle__number=int(params["principle"]),
            assessments__level__rank=int(params["level"]),
        )
        sector = params.get("in_sector", "")
        if sector in Sector.values:
            qs = qs.filter(project__service__organisation__sector=sector)
        label = f"Principle {params['principle']} at {LEVEL_NAMES[int(params['level'])]}"
    elif figure in ("up", "same", "down"):
        ids = getattr(movement(partnership, filters), f"{figure}_ids")
        qs = Audit.objects.filter(partnership=partnership, pk__in=ids)
        label = {"up": "Moved up", "same": "Stayed the same", "down": "Moved down"}[
            figure
        ] + " since the previous audit"
    elif figure == "outcome" and params.get("rank", "") in ("1", "2", "3"):
        qs = base.filter(outcome__rank=int(params["rank"]))
        label = f"Overall outcome {OUTCOME_NAMES[int(params['rank'])]}"
    else:
        qs = base
        label = "Each project’s latest audit in the portfolio"
    return (
        qs.select_related("project__service__organisation", "outcome").order_by(
            "-audit_date", "-pk"
        ),
        label,
    )
