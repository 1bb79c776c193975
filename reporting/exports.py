"""CSV and XLSX exports of the filtered portfolio.

Rows are read as plain tuples (values_list, never model instances) with iterator() in
chunks and written as they come: the CSV streams to the
client, the XLSX is written in openpyxl's write-only mode to a temporary file, so a very
large portfolio never sits in memory whole.

A finished export is also kept in the cache under the dashboard's own keys (reporting/
cache.py): board members download the same filters again and again before a meeting.
Any change the figures would see makes a new key, so a kept file is never out of date.
"""

import csv
import io
import tempfile
from collections import defaultdict

from django.core.cache import cache
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from audits.models import Action, Audit, PrincipleAssessment
from partnership.models import Sector
from partnership.participation import FAMILY_STAGE_FIELDS, CycleStage, LadderLevel
from partnership.spreadsheets import safe_row

from . import selectors

AUDIT_COLUMNS = [
    "Audit id",
    "Project",
    "Service",
    "Organisation",
    "Sector",
    "Date of audit",
    "Status",
    "Principle 1",
    "Principle 2",
    "Principle 3",
    "Principle 4",
    "Principle 5",
    "Principle 6",
    "Overall outcome",
    "Review date",
    "Level of participation aimed for",
    "Level of participation reached",
    "Stage of the joint commissioning cycle",
    "Families involved at",
]
ACTION_COLUMNS = ["Audit id", "Project", "Service", "Action", "Who", "By when", "Done"]
CHUNK = 2000
DONE = Action.Status.DONE
# An export bigger than this is written afresh each time rather than kept in the cache.
EXPORT_KEEP_MAX_BYTES = 8 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audits(partnership, filters):
    return selectors.portfolio(partnership, filters).order_by(
        "project__service__organisation__name", "project__service__name", "project__title"
    )


AUDIT_FIELDS = (
    "pk",
    "project__title",
    "project__service__name",
    "project__service__organisation__name",
    "project__service__organisation__sector",
    "audit_date",
    "status",
    "outcome__name",
    "review_date",
    "project__ladder_aim",
    "ladder_reached",
    "project__cycle_stage",
    *(f"project__{name}" for name in FAMILY_STAGE_FIELDS.values()),
)


def _chunks(rows):
    """Rows in chunks, each with its six levels fetched in one query."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch, _levels(batch)
            batch = []
    if batch:
        yield batch, _levels(batch)


def _levels(batch):
    levels = defaultdict(dict)
    for audit_id, number, name in (
        PrincipleAssessment.objects.filter(audit_id__in=[row[0] for row in batch])
        .order_by()
        .values_list("audit_id", "principle__number", "level__name")
    ):
        levels[audit_id][number] = name or ""
    return levels


def audit_rows(partnership, filters):
    """One list per portfolio audit, read as plain rows (no model instances), a chunk at a
    time, so memory stays the same however many audits there are."""
    sectors = dict(Sector.choices)
    statuses = dict(Audit.Status.choices)
    rungs = dict(LadderLevel.choices)
    stages = dict(CycleStage.choices)
    rows = _audits(partnership, filters).values_list(*AUDIT_FIELDS).iterator(chunk_size=CHUNK)
    for batch, levels in _chunks(rows):
        for row in batch:
            pk, title, service, organisation, sector, date, status, outcome, review = row[:9]
            aim, reached, cycle = row[9:12]
            involved = [s for s, flag in zip(FAMILY_STAGE_FIELDS, row[12:], strict=True) if flag]
            by_number = levels[pk]
            yield [
                pk,
                title,
                service,
                organisation,
                sectors.get(sector, sector),
                date,
                statuses.get(status, status),
                *[by_number.get(n, "") for n in range(1, 7)],
                outcome or "",
                review,
                rungs.get(aim, ""),
                rungs.get(reached, ""),
                stages.get(cycle, ""),
                "; ".join(s.label for s in involved),
            ]


def action_rows(partnership, filters):
    actions = (
        # The partnership again, though the portfolio implies it, so PostgreSQL starts
        # from this partnership's actions.
        Action.objects.filter(
            audit__partnership=partnership, audit__in=_audits(partnership, filters).values("pk")
        )
        .order_by("audit__project__title", "audit_id", "position", "pk")
        .values_list(
            "audit_id",
            "audit__project__title",
            "audit__project__service__name",
            "what",
            "who",
            "due_date",
            "status",
        )
    )
    for audit_id, title, service, what, who, due, status in actions.iterator(chunk_size=CHUNK):
        yield [audit_id, title, service, what, who, due, "Yes" if status == DONE else "No"]


class _Echo:
    def write(self, value):
        return value


def _filename(partnership, extension):
    return f"{partnership.slug}-portfolio-{timezone.localdate():%Y-%m-%d}.{extension}"


def _kept_while_streamed(chunks, keep_key, keep_seconds):
    """Yield `chunks`, and keep what was sent under `keep_key` once all of it has been,
    unless it grew past the size worth keeping (then stop collecting: memory stays flat)."""
    kept, size = [], 0
    for chunk in chunks:
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        if kept is not None:
            size += len(data)
            if size <= EXPORT_KEEP_MAX_BYTES:
                kept.append(data)
            else:
                kept = None
        yield data
    if kept is not None:
        cache.set(keep_key, b"".join(kept), keep_seconds)


def csv_response(partnership, filters, keep_key=None, keep_seconds=0):
    """The filtered portfolio as CSV, streamed as it is read; with `keep_key`, the copy
    kept under that key if there is one, and the new one kept there otherwise."""
    kept = cache.get(keep_key) if keep_key else None
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(AUDIT_COLUMNS)
        for row in audit_rows(partnership, filters):
            yield writer.writerow(safe_row(row))

    if kept is not None:
        content = iter([kept])
    elif keep_key and keep_seconds:
        content = _kept_while_streamed(lines(), keep_key, keep_seconds)
    else:
        content = lines()
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(partnership, "csv")}"'
    return response


def _write_xlsx(partnership, filters, handle):
    workbook = Workbook(write_only=True)
    audits_sheet = workbook.create_sheet("Audits")
    audits_sheet.append(AUDIT_COLUMNS)
    for row in audit_rows(partnership, filters):
        audits_sheet.append(safe_row(row))
    actions_sheet = workbook.create_sheet("Actions")
    actions_sheet.append(ACTION_COLUMNS)
    for row in action_rows(partnership, filters):
        actions_sheet.append(safe_row(row))
    workbook.save(handle)


def xlsx_response(partnership, filters, keep_key=None, keep_seconds=0):
    """The workbook of the filtered portfolio; with `keep_key`, the one kept under that
    key if there is one, and the new one kept there for `keep_seconds` otherwise."""
    content = cache.get(keep_key) if keep_key else None
    if content is not None:
        handle = io.BytesIO(content)
    else:
        handle = tempfile.TemporaryFile()
        _write_xlsx(partnership, filters, handle)
        if keep_key and keep_seconds and handle.tell() <= EXPORT_KEEP_MAX_BYTES:
            handle.seek(0)
            cache.set(keep_key, handle.read(), keep_seconds)
        handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(partnership, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
