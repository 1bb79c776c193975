"""CSV and XLSX exports of the filtered portfolio.

Rows are read with iterator() in chunks and written as they come: the CSV streams to the
client, the XLSX is written in openpyxl's write-only mode to a temporary file, so a very
large portfolio never sits in memory whole.
"""

import csv
import tempfile
from collections import defaultdict

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from audits.models import Action, PrincipleAssessment
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


def _audits(partnership, filters):
    return (
        selectors.portfolio(partnership, filters)
        .select_related("project__service__organisation", "outcome")
        .order_by(
            "project__service__organisation__name", "project__service__name", "project__title"
        )
    )


def _chunks(queryset):
    """Audits in chunks, each with its six levels fetched in one query."""
    batch = []
    for audit in queryset.iterator(chunk_size=CHUNK):
        batch.append(audit)
        if len(batch) == CHUNK:
            yield batch, _levels(batch)
            batch = []
    if batch:
        yield batch, _levels(batch)


def _levels(batch):
    levels = defaultdict(dict)
    for audit_id, number, name in PrincipleAssessment.objects.filter(
        audit_id__in=[a.pk for a in batch]
    ).values_list("audit_id", "principle__number", "level__name"):
        levels[audit_id][number] = name or ""
    return levels


def audit_rows(partnership, filters):
    for batch, levels in _chunks(_audits(partnership, filters)):
        for audit in batch:
            service = audit.project.service
            yield [
                audit.pk,
                audit.project.title,
                service.name,
                service.organisation.name,
                service.organisation.get_sector_display(),
                audit.audit_date,
                audit.get_status_display(),
                *[levels[audit.pk].get(n, "") for n in range(1, 7)],
                audit.outcome.name if audit.outcome else "",
                audit.review_date,
                audit.project.get_ladder_aim_display(),
                audit.get_ladder_reached_display(),
                audit.project.get_cycle_stage_display(),
                "; ".join(stage.label for stage in audit.project.family_stages),
            ]


def action_rows(partnership, filters):
    actions = (
        Action.objects.filter(audit__in=_audits(partnership, filters).values("pk"))
        .select_related("audit__project__service")
        .order_by("audit__project__title", "audit_id", "position", "pk")
    )
    for action in actions.iterator(chunk_size=CHUNK):
        yield [
            action.audit_id,
            action.audit.project.title,
            action.audit.project.service.name,
            action.what,
            action.who,
            action.due_date,
            "Yes" if action.done else "No",
        ]


class _Echo:
    def write(self, value):
        return value


def _filename(partnership, extension):
    return f"{partnership.slug}-portfolio-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(partnership, filters):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(AUDIT_COLUMNS)
        for row in audit_rows(partnership, filters):
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(partnership, "csv")}"'
    return response


def xlsx_response(partnership, filters):
    workbook = Workbook(write_only=True)
    audits_sheet = workbook.create_sheet("Audits")
    audits_sheet.append(AUDIT_COLUMNS)
    for row in audit_rows(partnership, filters):
        audits_sheet.append(safe_row(row))
    actions_sheet = workbook.create_sheet("Actions")
    actions_sheet.append(ACTION_COLUMNS)
    for row in action_rows(partnership, filters):
        actions_sheet.append(safe_row(row))
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(partnership, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
