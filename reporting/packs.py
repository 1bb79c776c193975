"""Making a board pack: the dashboard's figures for the pack's filters, one summary page per
audit in the portfolio, laid out by WeasyPrint and stored under the partnership's path.

Called by the Celery task in tasks.py; never in a web request. The number of queries is
fixed whatever the number of audits: the figures come from selectors.py, the audits and
their parts are read in bulk, and progress is written at most once per twentieth.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count, Max, Prefetch
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, PrincipleAssessment
from partnership.models import Membership, Role, Sector, Service

from . import pdf, selectors
from .figures import portfolio_figures
from .filters import parse_filters
from .models import BoardPack

logger = logging.getLogger(__name__)

# Filters a pack keeps, as the dashboard's URL carries them.
FILTER_KEYS = ("period", "from", "to", "organisation", "sector", "service", "outcome")
PROGRESS_STEPS = 20
OUTCOMES = {"1": "Requires Improvement", "2": "Good", "3": "Outstanding"}


class PackError(Exception):
    """A pack that cannot be made; the message is for the person who asked."""


def filters_for(partnership, raw, today=None):
    """The dashboard's filters from a stored query, as a board member sees the portfolio."""
    params = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        if raw.get(key):
            params[key] = str(raw[key])
    # Packs are for the whole partnership: the scope of a board member, never a service lead's.
    viewer = SimpleNamespace(role=Role.BOARD_MEMBER)
    return parse_filters(params, partnership, viewer, today=today)


def kept_filters(filters):
    return {k: v for k, v in filters.raw.items() if k in FILTER_KEYS and v not in ("", None)}


def filters_in_words(filters):
    parts = [f"Period: {filters.period.label}"]
    if filters.organisation:
        parts.append(f"Organisation: {filters.organisation.name}")
    if filters.sector:
        parts.append(f"Sector: {Sector(filters.sector).label}")
    if filters.service:
        parts.append(f"Service: {filters.service.name}")
    if filters.outcome_rank:
        parts.append(f"Overall outcome: {OUTCOMES[str(filters.outcome_rank)]}")
    if len(parts) == 1:
        parts.append("All organisations, sectors, services and outcomes")
    return "; ".join(parts)


def data_stamp(partnership):
    """Changes whenever an audit of the partnership changes (two queries, any size)."""
    audits = Audit.objects.filter(partnership=partnership).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    directory = Service.objects.filter(partnership=partnership).aggregate(n=Count("pk"))
    return f"{audits['n']}:{audits['last']}:{directory['n']}"


def dedupe_key(partnership, raw, today):
    query = "&".join(f"{k}={raw[k]}" for k in sorted(raw))
    text = f"{partnership.pk}|{query}|{data_stamp(partnership)}|{today.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def _summaries(partnership, ids):
    """The portfolio's audits with their levels and actions: four queries, any number."""
    return list(
        Audit.objects.filter(partnership=partnership, pk__in=ids)
        .select_related("project__service__organisation", "outcome", "framework")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=PrincipleAssessment.objects.select_related("principle", "level").order_by(
                    "principle__number"
                ),
            ),
            "actions",
        )
        .order_by(
            "project__service__organisation__name", "project__service__name", "project__title"
        )
    )


def _worst_first(audit):
    """The weakest audit first: lowest overall outcome, then lowest total of its levels."""
    outcome = audit.outcome.rank if audit.outcome else 0
    levels = sum(a.level.rank for a in audit.assessments.all() if a.level)
    return (outcome, levels, audit.project.title)


# Spoken as letters by screen readers, where a dash is often passed over in silence.
NOT_SCORED = "NS"


def level_key(levels):
    """Short names for the levels in the compact rows, with the key that explains them.

    The initials of each level's name (Room for Improvement is "RI"); where two levels would
    share initials, their whole names. The six levels fit in one cell of a row: six cells of
    whole names made every row several lines tall and the table slow to lay out. Keyed by
    name, so that audits of another version of the framework (a re-audit keeps its
    predecessor's version) read the same way.
    """
    names = list(dict.fromkeys(level.name for level in levels))
    initials = {
        name: "".join(w[0] for w in name.split() if w[0].isupper()) or name for name in names
    }
    taken = list(initials.values())
    short = {name: initials[name] if taken.count(initials[name]) == 1 else name for name in names}
    key = [(short[name], name) for name in names] + [(NOT_SCORED, "not scored")]
    return short, key


def _levels_of(framework, audits):
    """The framework's levels, then those of any other version the audits were made with."""
    levels = list(framework.levels.all()) if framework else []
    others = {
        a.level
        for audit in audits
        for a in audit.assessments.all()
        if a.level and (framework is None or a.level.framework_id != framework.pk)
    }
    return levels + sorted(others, key=lambda level: (level.rank, level.name))


def compact_groups(audits, today, short):
    """The audits by organisation and service (as the pack lists them), weakest first.

    For a portfolio too large for a page per audit: each audit becomes one row of its
    service's table, its levels (short names, numbered by principle), outcome, review date,
    open and overdue actions and a line of its summary.
    """
    organisations = {}
    for audit in audits:
        service = audit.project.service
        by_service = organisations.setdefault(service.organisation.name, {})
        rows = by_service.setdefault(service.pk, SimpleNamespace(name=service.name, rows=[]))
        actions = audit.actions.all()
        levels = " · ".join(
            f"{a.principle.number}\u00a0{short[a.level.name] if a.level else NOT_SCORED}"
            for a in audit.assessments.all()
        )
        rows.rows.append(
            SimpleNamespace(
                audit=audit,
                levels=levels,
                open=sum(1 for action in actions if not action.done),
                overdue=sum(1 for action in actions if not action.done and action.due_date < today),
            )
        )
    groups = []
    for name, by_service in organisations.items():
        services = list(by_service.values())
        for service in services:
            service.rows.sort(key=lambda row: _worst_first(row.audit))
        groups.append(SimpleNamespace(name=name, services=services))
    return groups


@dataclass
class PackDocument:
    html: str
    audit_count: int
    estimated_pages: int


def pack_html(pack, *, today=None, made_at=None, requested_by_name=""):
    """The whole pack as one HTML document: the printable page and the PDF's source."""
    partnership = pack.partnership
    today = today or timezone.localdate()
    made_at = made_at or timezone.now()
    filters = filters_for(partnership, pack.filters, today=today)
    if filters.problems:
        # Dropping the filter would quietly make a pack of more than was asked for.
        names = ", ".join(f"“{label}”" for label in filters.problems)
        raise PackError(
            f"The filter {names} no longer matches anything in the partnership (it may have "
            "been removed). Choose the filters again on the portfolio."
        )
    pattern = reverse("audits:audit_view", args=[partnership.slug, 0]).replace("/0/", "/{}/")
    figures = portfolio_figures(partnership, filters, today, pattern.format)
    audits = _summaries(partnership, selectors.portfolio_ids(partnership, filters))
    framework = audits[0].framework if audits else None
    if framework is None:
        from principles.models import current_framework

        framework = current_framework(partnership)
    levels = list(framework.levels.all()) if framework else []
    # Past this many audits a page each would make the pack too long to read or to make in
    # a minute: each audit becomes a row of its service's table, with a link to its PDF.
    compact = len(audits) > settings.BOARD_PACK_PAGE_PER_AUDIT_UP_TO
    outcomes = list(framework.outcomes.all()) if framework else []
    short, key = level_key(_levels_of(framework, audits) if compact else levels)
    context = {
        **figures,
        "partnership": partnership,
        "pack": pack,
        "filters_text": filters_in_words(filters),
        "made_at": made_at,
        "made_label": f"{timezone.localtime(made_at):%-d %B %Y, %H:%M}",
        "requested_by_name": requested_by_name,
        "audits": audits,
        "compact": compact,
        "groups": compact_groups(audits, today, short) if compact else [],
        "level_key": key,
        "framework": framework,
        "levels": levels,
        "outcomes": outcomes,
        "outcome_rule": {"top_for_best": 4, "bottom_for_worst": 2, **(framework.outcome_rule or {})}
        if framework
        else {},
        "title": f"{partnership.board_name} board pack: {filters.period.label}",
    }
    html = render_to_string("pdf/board_pack.html", context)
    sectors = len(figures.get("by_sector", []))
    services = len(figures.get("heat_map", []))
    front = 7 + math.ceil(services / 22) + math.ceil(sectors / 2)
    if compact:
        # A landscape page holds about 21 one-line rows with their tables' captions and
        # headers; a summary longer than a line (about 75 characters) makes two.
        rows = sum(1.5 if len(audit.summary) > 75 else 1 for audit in audits)
        summary_pages = math.ceil(rows / 21)
    else:
        summary_pages = len(audits)
    return PackDocument(html, len(audits), front + summary_pages)


class _Progress:
    """Writes "Preparing: n of N audits" as pages are laid out, at most PROGRESS_STEPS times."""

    def __init__(self, pack, total, estimated_pages):
        self.pack, self.total, self.estimated = pack, total, max(estimated_pages, 1)
        self.step = -1

    def __call__(self, page):
        done = min(self.total, round(self.total * page / self.estimated))
        step = (done * PROGRESS_STEPS) // self.total if self.total else PROGRESS_STEPS
        if step > self.step:
            self.step = step
            self.save(done)

    def save(self, done, stage="Preparing"):
        BoardPack.objects.filter(pk=self.pack.pk).update(
            progress_done=done, stage=stage, heartbeat_at=timezone.now()
        )


def claim(partnership_id, pack_id):
    """Take a queued pack for this worker; None when it was taken already (a task run twice)."""
    now = timezone.now()
    taken = BoardPack.objects.filter(
        partnership_id=partnership_id, pk=pack_id, status=BoardPack.Status.QUEUED
    ).update(status=BoardPack.Status.PREPARING, started_at=now, heartbeat_at=now, stage="Reading")
    if not taken:
        return None
    return BoardPack.objects.select_related("partnership", "requested_by").get(pk=pack_id)


def make(partnership_id, pack_id):
    """Make the pack's files; returns the pack, or None when there was nothing to do."""
    pack = claim(partnership_id, pack_id)
    if pack is None:
        return None
    try:
        made_at = timezone.now()
        document = pack_html(
            pack,
            today=timezone.localdate(made_at),
            made_at=made_at,
            requested_by_name=str(pack.requested_by) if pack.requested_by else "",
        )
        BoardPack.objects.filter(pk=pack.pk).update(
            progress_total=document.audit_count,
            audit_count=document.audit_count,
            data_read_at=made_at,
            stage="Preparing",
            heartbeat_at=timezone.now(),
        )
        progress = _Progress(pack, document.audit_count, document.estimated_pages)
        data, pages, _ = pdf.html_to_pdf(document.html, on_page=progress)
        progress.save(document.audit_count, stage="Saving")
    except PackError as error:
        fail(pack, str(error))
        return None
    except Exception:
        # The reason goes to the log for the support team; the page says what to do.
        logger.exception("Board pack %s of partnership %s failed", pack_id, partnership_id)
        fail(pack, "The pack could not be laid out. The error has been logged; try again.")
        return None
    pack.refresh_from_db()
    if pack.status != BoardPack.Status.PREPARING:
        return None  # marked failed as stuck meanwhile; its worker's work is not wanted
    stamp = made_at.strftime("%Y-%m-%d")
    pack.file.save(f"board-pack-{stamp}.pdf", ContentFile(data), save=False)
    pack.html_file.save(
        f"board-pack-{stamp}.html", ContentFile(document.html.encode("utf-8")), save=False
    )
    pack.size = len(data)
    pack.page_count = pages
    pack.status = BoardPack.Status.READY
    pack.stage = ""
    pack.finished_at = timezone.now()
    pack.save()
    return pack


def fail(pack, reason):
    BoardPack.objects.filter(pk=pack.pk, status__in=BoardPack.ACTIVE).update(
        status=BoardPack.Status.FAILED,
        failure_reason=reason[:300],
        finished_at=timezone.now(),
        stage="",
    )


def board_recipients(partnership):
    """Active board members of the partnership, for the automatic meeting packs."""
    return list(
        Membership.objects.filter(
            partnership=partnership, role=Role.BOARD_MEMBER, active=True
        ).values_list("user__email", flat=True)
    )
