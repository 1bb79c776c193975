"""The portfolio's figures. Each function makes a fixed number of queries, whatever the
number of audits, and every query starts from the partnership.

The portfolio is each project's latest accepted audit whose date of audit falls in the
period (and, when asked, submitted audits too).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, Lead, RowNumber
from django.utils import timezone

from audits.models import Action, Audit
from partnership.models import Project, Sector, Service

from .filters import small_number

ACCEPTED = Audit.Status.ACCEPTED
SUBMITTED = Audit.Status.SUBMITTED
IN_PROGRESS = (Audit.Status.DRAFT, Audit.Status.SUBMITTED, Audit.Status.CHANGES_REQUESTED)
# The principles the dashboard shows.
PRINCIPLE_NUMBERS = range(1, 7)


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


def _latest_per_project(audits):
    """The newest of `audits` for each project, ranked in one pass with a window function."""
    ranked = (
        audits.order_by()
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("project_id")],
                order_by=[F("audit_date").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
    )
    return Audit.objects.filter(pk__in=Subquery(ranked.values("pk")))


def portfolio(partnership, filters):
    """Each project's latest counted audit in the period: the heart of every figure."""
    statuses = _portfolio_statuses(filters)
    counted = _in_period(scoped_audits(partnership, filters).filter(status__in=statuses), filters)
    audits = _latest_per_project(counted).filter(partnership=partnership)
    if filters.outcome_rank:
        audits = audits.filter(outcome__rank=filters.outcome_rank)
    return audits


def _cached(filters, key, compute):
    if key not in filters.cache:
        filters.cache[key] = compute()
    return filters.cache[key]


def _project_services(partnership, filters):
    """{project id: (service id, sector)} for the partnership's projects: one query, so
    the audits' queries need no joins (joining each of thousands of audits to its project
    costs more than the audits themselves once many partnerships share the tables)."""
    return _cached(
        filters,
        ("project-services", partnership.pk),
        lambda: {
            pk: (service_id, sector)
            for pk, service_id, sector in Project.objects.filter(partnership=partnership)
            .order_by()
            .values_list("pk", "service_id", "service__organisation__sector")
        },
    )


def _latest_key(partnership, filters, statuses, dated):
    return (
        "latest",
        partnership.pk,
        tuple(statuses),
        dated and bool(filters.period.start or filters.period.end),
    )


def _portfolio_statuses(filters):
    return [ACCEPTED, SUBMITTED] if filters.include_submitted else [ACCEPTED]


def _latest_rows(partnership, filters, statuses, dated):
    """(audit id, project id, date of audit, outcome rank, level ranks, review date) of each
    project's newest scoped audit with one of `statuses` (in the period when `dated`).

    Ranked and picked in one pass over the partnership's audits. The portfolio of all
    time and the latest accepted audits are the same rows: one query serves both.
    """
    key = _latest_key(partnership, filters, statuses, dated)
    dated = key[-1]

    def compute():
        audits = scoped_audits(partnership, filters).filter(status__in=statuses)
        if dated:
            audits = _in_period(audits, filters)
        newest_first = [F("audit_date").desc(), F("pk").desc()]
        return list(
            audits.order_by()
            .annotate(
                newest=Window(RowNumber(), partition_by=[F("project_id")], order_by=newest_first)
            )
            .filter(newest=1)
            .values_list(
                "pk", "project_id", "audit_date", "outcome__rank", "level_ranks", "review_date"
            )
        )

    return _cached(filters, key, compute)


def _portfolio_latest(partnership, filters):
    """The rows of _latest_rows() that make the portfolio."""
    rows = _latest_rows(partnership, filters, _portfolio_statuses(filters), dated=True)
    if filters.outcome_rank:
        rows = [row for row in rows if row[3] == filters.outcome_rank]
    return rows


def portfolio_rows(partnership, filters):
    """(audit id, service id, sector, date of audit, outcome rank, level ranks) of each
    portfolio audit, as portfolio() picks them; the level ranks are Audit.level_ranks, a
    digit per principle.

    Shared by every figure of a request.
    """

    def compute():
        service_of = _project_services(partnership, filters)
        return [
            (pk, *service_of[project_id], audit_date, outcome_rank, ranks)
            for pk, project_id, audit_date, outcome_rank, ranks, _ in _portfolio_latest(
                partnership, filters
            )
        ]

    return _cached(filters, ("portfolio", partnership.pk), compute)


def portfolio_ids_read(partnership, filters):
    """The portfolio's ids if this request has read them already, else None."""
    key = _latest_key(partnership, filters, _portfolio_statuses(filters), dated=True)
    if key not in filters.cache:
        return None
    return portfolio_ids(partnership, filters)


def portfolio_ids(partnership, filters):
    return [row[0] for row in _portfolio_latest(partnership, filters)]


def ids_param(ids):
    """`ids` for an `__in` lookup. On PostgreSQL one array parameter: Django prepares each
    of thousands of separate parameters in Python, which cost more than the query."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


def ranks_by_number(level_ranks, principle_numbers=PRINCIPLE_NUMBERS):
    """[rank or None for each of `principle_numbers`] from an Audit.level_ranks string."""
    return [
        int(level_ranks[n - 1]) or None if n <= len(level_ranks) else None
        for n in principle_numbers
    ]


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
    return _latest_per_project(accepted).filter(partnership=partnership)


def reviews_overdue(partnership, filters, today=None):
    today = today or timezone.localdate()
    busy = Audit.objects.filter(
        partnership=partnership, project=OuterRef("project"), status__in=IN_PROGRESS
    )
    return latest_accepted(partnership, filters).filter(review_date__lt=today).filter(~Exists(busy))


def review_dates(partnership, filters, today=None):
    """(audit id, review date, project busy) of each project's latest accepted audit: one
    query for the overdue count and both review lists of the dashboard (none more when
    the portfolio is of all time), and one for the projects with an audit in progress."""

    def compute():
        busy = set(
            Audit.objects.filter(partnership=partnership, status__in=IN_PROGRESS)
            .order_by()
            .values_list("project_id", flat=True)
        )
        return [
            (pk, review_date, project_id in busy)
            for pk, project_id, _, _, _, review_date in _latest_rows(
                partnership, filters, [ACCEPTED], dated=False
            )
            if review_date is not None
        ]

    return _cached(filters, ("review-dates", partnership.pk), compute)


def _reviews_by_date(partnership, filters, wanted, limit):
    """The first `limit` of the latest accepted audits whose (review date, busy) is
    `wanted`, soonest first, and how many there are."""
    rows = sorted(
        (date, pk) for pk, date, busy in review_dates(partnership, filters) if wanted(date, busy)
    )
    ids = [pk for _, pk in rows[:limit]]
    audits = Audit.objects.filter(pk__in=ids).select_related("project__service")
    return sorted(audits, key=lambda a: (a.review_date, a.pk)), len(rows)


def overdue_review_list(partnership, filters, limit=20, today=None):
    """(the first `limit` overdue reviews, how many are overdue): as reviews_overdue()."""
    today = today or timezone.localdate()
    return _reviews_by_date(
        partnership, filters, lambda date, busy: date < today and not busy, limit
    )


def due_review_list(partnership, filters, days=60, limit=20, today=None):
    """(the first `limit` reviews due in `days`, how many are due): as reviews_due()."""
    today = today or timezone.localdate()
    end = today + timedelta(days=days)
    return _reviews_by_date(partnership, filters, lambda date, busy: today <= date <= end, limit)


def reviews_due(partnership, filters, days=60, today=None):
    today = today or timezone.localdate()
    return latest_accepted(partnership, filters).filter(
        review_date__gte=today, review_date__lte=today + timedelta(days=days)
    )


def actions_overdue(partnership, filters, today=None):
    today = today or timezone.localdate()
    # The same rule as the Actions page: not started or in progress, due before today.
    return Action.objects.filter(
        audit_id__in=ids_param(portfolio_ids(partnership, filters))
    ).overdue(today)


def headline_in_period(partnership, filters, today=None):
    """The headline figures that depend on the period: the portfolio, its outcomes, the
    audits accepted in the period and the portfolio's overdue actions."""
    today = today or timezone.localdate()
    rows = portfolio_rows(partnership, filters)
    outcome_counts = defaultdict(int)
    for row in rows:
        outcome_counts[row[4]] += 1
    return {
        "audited_projects": len(rows),
        "accepted": _in_period(
            scoped_audits(partnership, filters).filter(status=ACCEPTED), filters
        ).count(),
        "actions_overdue": len(overdue_action_ids(partnership, filters, today)),
        "outcomes": [
            (rank, OUTCOME_NAMES[rank], outcome_counts.get(rank, 0)) for rank in (1, 2, 3)
        ],
    }


def headline_now(partnership, filters, today=None):
    """The headline figures of today, whatever the period: a handful of queries."""
    today = today or timezone.localdate()
    projects = _scoped(Project.objects.filter(partnership=partnership, active=True), filters)
    recent = (
        scoped_audits(partnership, filters)
        .filter(status=ACCEPTED, audit_date__gte=today - timedelta(days=365))
        .order_by()
        .values_list("project_id", flat=True)
        .distinct()
    )
    service_of = _project_services(partnership, filters)
    audited_services = len({service_of[project_id][0] for project_id in recent})
    return {
        "projects": projects.count(),
        "awaiting_review": scoped_audits(partnership, filters).filter(status=SUBMITTED).count(),
        "services": _services(partnership, filters).count(),
        "services_audited_12m": audited_services,
        "reviews_overdue": overdue_review_list(partnership, filters, 0, today)[1],
    }


def headline(partnership, filters, today=None):
    """The headline figures: a fixed handful of queries."""
    today = today or timezone.localdate()
    return Headline(
        **headline_in_period(partnership, filters, today),
        **headline_now(partnership, filters, today),
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
    organisation_id: int
    service_id: int
    audit_id: int | None
    audit_date: object
    cells: list  # per principle number: (rank, level name) or None


def heat_map(partnership, filters, principle_numbers=PRINCIPLE_NUMBERS):
    """One row per service (grouped by organisation): the levels of its latest counted audit."""
    services = list(
        _services(partnership, filters)
        .order_by("organisation__name", "name")
        .values_list("pk", "name", "organisation__name", "organisation_id")
    )
    latest_by_service = {}
    # Newest first, so the first row seen for a service is its latest audit.
    for pk, service_id, _, audit_date, _, ranks in sorted(
        portfolio_rows(partnership, filters), key=lambda r: (r[3], r[0]), reverse=True
    ):
        latest_by_service.setdefault(service_id, (pk, audit_date, ranks))
    cells_of = {}  # the same levels recur: work out each pattern's cells once
    rows = []
    for service_id, service_name, organisation_name, organisation_id in services:
        pk, audit_date, ranks = latest_by_service.get(service_id, (None, None, ""))
        cells = cells_of.get(ranks)
        if cells is None:
            cells = cells_of[ranks] = [
                (rank, LEVEL_NAMES.get(rank, "")) if rank else None
                for rank in ranks_by_number(ranks, principle_numbers)
            ]
        rows.append(
            HeatRow(
                organisation=organisation_name,
                service=service_name,
                organisation_id=organisation_id,
                service_id=service_id,
                audit_id=pk,
                audit_date=audit_date,
                cells=list(cells),
            )
        )
    return rows


def _profile_counts(partnership, filters):
    """{sector: {principle number: {level rank: audits}}} for the portfolio, from the
    portfolio's rows that the heat map reads too: each (sector, levels) pattern once."""

    def compute():
        patterns = Counter((row[2], row[5]) for row in portfolio_rows(partnership, filters))
        counts = defaultdict(dict)
        for (sector, ranks), audits in patterns.items():
            by_number = counts[sector]
            for number, digit in enumerate(ranks, start=1):
                if digit != "0":
                    by_number.setdefault(number, {1: 0, 2: 0, 3: 0})[int(digit)] += audits
        return counts

    return _cached(filters, ("profile", partnership.pk), compute)


def principle_profile(partnership, filters):
    """For each principle number, how many portfolio audits are at each level."""
    counts = {number: {1: 0, 2: 0, 3: 0} for number in range(1, 7)}
    for by_number in _profile_counts(partnership, filters).values():
        for number, by_rank in by_number.items():
            total = counts.setdefault(number, {1: 0, 2: 0, 3: 0})
            for rank, n in by_rank.items():
                total[rank] += n
    return counts


def profile_by_sector(partnership, filters):
    """The same split by the organisation's sector: where tailored support is aimed."""
    counts = _profile_counts(partnership, filters)
    labels = dict(Sector.choices)
    result = []
    for sector in Sector.values:
        if sector in counts:
            by_number = {number: {1: 0, 2: 0, 3: 0} for number in range(1, 7)}
            by_number.update(counts[sector])
            result.append((sector, labels[sector], by_number))
    return result


def _accepted_in_period(partnership, filters):
    return _in_period(scoped_audits(partnership, filters).filter(status=ACCEPTED), filters)


def trend(partnership, filters):
    """Per principle, the share rated Good or Excellent among accepted audits, by year.

    The database counts the accepted audits by year and pattern of levels
    (Audit.level_ranks), one pass over one row per audit; the patterns are few (at most
    three levels to the power of six principles), so adding them up here is quick.
    """
    patterns = (
        _accepted_in_period(partnership, filters)
        .order_by()
        .values_list(ExtractYear("audit_date"), "level_ranks")
        .annotate(audits=Count("pk"))
    )
    table = defaultdict(dict)
    for year, ranks, audits in patterns:
        by_number = table[year]
        for number, digit in enumerate(ranks, start=1):
            if digit != "0":
                good, total = by_number.get(number, (0, 0))
                by_number[number] = (good + audits * (digit >= "2"), total + audits)
    return [(year, table[year]) for year in sorted(table) if table[year]]


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

    Compares the sum of principle levels (Audit.level_total) of each project's last two
    accepted audits. The database ranks each project's audits and pairs the latest with
    the one before, so only one row per re-audited project comes back.
    """
    newest_first = [F("audit_date").desc(), F("pk").desc()]
    scored = (
        _accepted_in_period(partnership, filters)
        # An audit with no level given has nothing to compare (as one with no assessment).
        .exclude(level_total=0)
        .annotate(
            newest=Window(RowNumber(), partition_by=[F("project_id")], order_by=newest_first),
            before=Window(
                Lead("level_total"), partition_by=[F("project_id")], order_by=newest_first
            ),
        )
        .order_by()
    )
    pairs = scored.filter(newest=1, before__isnull=False).values_list("pk", "level_total", "before")
    result = Movement(0, 0, 0, [], [], [])
    for latest, score, before in pairs:
        if score > before:
            result.up += 1
            result.up_ids.append(latest)
        elif score < before:
            result.down += 1
            result.down_ids.append(latest)
        else:
            result.same += 1
            result.same_ids.append(latest)
    return result


def waiting_longest(partnership, filters, limit=10):
    return (
        scoped_audits(partnership, filters)
        .filter(status=SUBMITTED)
        .select_related("project__service__organisation")
        .order_by("submitted_at", "pk")[:limit]
    )


def overdue_action_ids(partnership, filters, today=None):
    """The ids of every overdue action of the portfolio, soonest due first: one query for
    both the count and the list, shared by the request."""
    return _cached(
        filters,
        ("overdue-actions", partnership.pk, today),
        lambda: list(
            actions_overdue(partnership, filters, today)
            .order_by("due_date", "pk")
            .values_list("pk", flat=True)
        ),
    )


def overdue_action_list(partnership, filters, limit=20, today=None):
    # Pick the ids first without joins, then load just those rows with their audit.
    ids = overdue_action_ids(partnership, filters, today)[:limit]
    return (
        Action.objects.filter(pk__in=ids)
        .select_related("audit__project__service")
        .order_by("due_date", "pk")
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
        .filter(~Exists(recent))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def drill_down(partnership, filters, params, today=None):
    """The audits behind one figure of the dashboard, named by `params`.

    Returns (queryset, description). Unknown figures show the whole portfolio.
    """
    today = today or timezone.localdate()
    figure = params.get("figure", "portfolio")
    base = Audit.objects.filter(partnership=partnership, pk__in=portfolio_ids(partnership, filters))
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
        and small_number(params.get("principle", ""), 1, 99)
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
