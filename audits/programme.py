"""When each service and project is next due for audit, and the year's audit programme.

A project is next due on the review date of its latest accepted audit. A service with
no audited project is due 12 months after it was added. Each function reads one
partnership in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from partnership.models import Project, Role, Service

from .models import Audit

IN_PROGRESS = (Audit.Status.DRAFT, Audit.Status.SUBMITTED, Audit.Status.CHANGES_REQUESTED)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class Entry:
    when: date
    status: str  # due, overdue, in_progress, done
    service: object
    project: object = None  # None for a service with no audited project
    audit_id: int | None = None

    @property
    def status_label(self):
        return {
            "due": "Due",
            "overdue": "Overdue",
            "in_progress": "In progress",
            "done": "Done",
        }[self.status]


@dataclass
class Programme:
    year: int
    groups: list = field(default_factory=list)  # (label, [Entry])
    counts: dict = field(default_factory=dict)
    unaudited: list = field(default_factory=list)  # (service, next due date)


def add_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def _services(partnership, membership):
    services = Service.objects.filter(partnership=partnership, active=True)
    if membership.role == Role.SERVICE_LEAD:
        services = services.filter(pk__in=membership.services.values("pk"))
    return services


def programme(partnership, membership, year, today=None):
    today = today or timezone.localdate()
    services = {
        s.pk: s
        for s in _services(partnership, membership)
        .select_related("organisation")
        .annotate(
            audited=Exists(
                Audit.objects.filter(project__service=OuterRef("pk"), status=Audit.Status.ACCEPTED)
            )
        )
    }
    projects = {
        p.pk: p
        for p in Project.objects.filter(
            partnership=partnership, active=True, service_id__in=list(services)
        )
    }
    latest = (
        Audit.objects.filter(partnership=partnership, project_id__in=list(projects))
        .latest_accepted()
        .values_list("pk", "project_id", "review_date")
    )
    busy = defaultdict(set)
    for project_id, service_id, audit_id in Audit.objects.filter(
        partnership=partnership, status__in=IN_PROGRESS, project__service_id__in=list(services)
    ).values_list("project_id", "project__service_id", "pk"):
        busy[service_id].add((project_id, audit_id))
    busy_projects = {p: a for pairs in busy.values() for p, a in pairs}
    entries = []
    for _audit_id, project_id, review_date in latest:
        project = projects[project_id]
        if review_date is None:
            continue
        in_progress = busy_projects.get(project_id)
        status = "in_progress" if in_progress else "overdue" if review_date < today else "due"
        entries.append(
            Entry(review_date, status, services[project.service_id], project, in_progress or None)
        )
    for audit_id, project_id, audit_date in Audit.objects.filter(
        partnership=partnership,
        status=Audit.Status.ACCEPTED,
        project_id__in=list(projects),
        audit_date__year=year,
    ).values_list("pk", "project_id", "audit_date"):
        project = projects[project_id]
        entries.append(Entry(audit_date, "done", services[project.service_id], project, audit_id))
    for service in services.values():
        if service.audited:
            continue
        due = add_year(timezone.localtime(service.created_at).date())
        started = next(iter(busy.get(service.pk, ())), None)
        status = "in_progress" if started else "overdue" if due < today else "due"
        entries.append(Entry(due, status, service, None, started[1] if started else None))
    start, end = date(year, 1, 1), date(year, 12, 31)
    result = Programme(year=year)
    earlier = [e for e in entries if e.when < start and e.status != "done" and year == today.year]
    if earlier:
        result.groups.append((f"Before {year}, still to do", sorted(earlier, key=_order)))
    by_month = defaultdict(list)
    for entry in entries:
        if start <= entry.when <= end:
            by_month[entry.when.month].append(entry)
    for month in range(1, 13):
        result.groups.append((f"{MONTHS[month - 1]} {year}", sorted(by_month[month], key=_order)))
    shown = earlier + [e for month in by_month.values() for e in month]
    result.counts = {
        key: sum(1 for e in shown if e.status == key)
        for key in ("due", "overdue", "in_progress", "done")
    }
    recent = set(
        Audit.objects.filter(
            partnership=partnership,
            status=Audit.Status.ACCEPTED,
            audit_date__gte=today - timedelta(days=365),
            project__service_id__in=list(services),
        ).values_list("project__service_id", flat=True)
    )
    next_due = {}
    for entry in entries:
        if entry.status != "done":
            key = entry.service.pk
            next_due[key] = min(next_due.get(key, entry.when), entry.when)
    result.unaudited = sorted(
        ((s, next_due.get(s.pk)) for s in services.values() if s.pk not in recent),
        key=lambda pair: (pair[0].organisation.name, pair[0].name),
    )
    return result


def _order(entry):
    return (entry.when, entry.service.name, entry.project.title if entry.project else "")
