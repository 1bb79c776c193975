"""Loading a partnership's directory (organisations, services, projects) from a spreadsheet.

Every row is checked before anything is written: `directory_plan` reads the file and
returns what would be created, what would change and every problem, each with its sheet,
row and column. `directory_import` writes the whole plan in one transaction through the
directory services, or nothing when there is any problem.

Cells are read as stored: openpyxl in read-only mode never evaluates a formula, and a
cell holding one is refused (a sheet's cached result could be anything the sender typed).
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from . import services
from .models import Organisation, Project, Sector, Service
from .spreadsheets import safe_row

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = True
    max_length: int | None = None
    example: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple


ORGANISATIONS = Sheet(
    "Organisations",
    (
        Column("Name", "name", max_length=150, example="City of York Council"),
        Column("Sector", "sector", example="Local authority"),
    ),
)
SERVICES = Sheet(
    "Services",
    (
        Column("Organisation", "organisation", max_length=150, example="City of York Council"),
        Column("Name", "name", max_length=150, example="Short Breaks"),
        Column("Description", "description", required=False, example="Breaks for families"),
    ),
)
PROJECTS = Sheet(
    "Projects",
    (
        Column("Organisation", "organisation", max_length=150, example="City of York Council"),
        Column("Service", "service", max_length=150, example="Short Breaks"),
        Column("Title", "title", max_length=200, example="Short breaks statement review"),
        Column("Description", "description", example="Reviewing the statement with families"),
        Column("Status", "status", example="Active"),
        Column("Start date", "start_date", example="2026-04-01"),
        Column("End date", "end_date", required=False, example=""),
    ),
)
SHEETS = (ORGANISATIONS, SERVICES, PROJECTS)


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [self.sheet]
        if self.row:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Change:
    """One row's effect: `obj` is None for a creation; `fields` are the new values."""

    sheet: str
    row: int
    label: str
    fields: dict
    obj: object = None
    changed: list = field(default_factory=list)


@dataclass
class Plan:
    creates: dict = field(default_factory=lambda: {s.name: [] for s in SHEETS})
    changes: dict = field(default_factory=lambda: {s.name: [] for s in SHEETS})
    unchanged: dict = field(default_factory=lambda: {s.name: 0 for s in SHEETS})
    problems: list = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self):
        return not self.problems

    @property
    def nothing_to_do(self):
        return not any(self.creates.values()) and not any(self.changes.values())

    def counts(self):
        return {
            name: (len(self.creates[name]), len(self.changes[name]), self.unchanged[name])
            for name in self.creates
        }


# --- templates ---------------------------------------------------------------------


def template_xlsx():
    """The workbook to fill in: one sheet per kind, a header row and an example row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        ws.append(safe_row([c.header for c in sheet.columns]))
        ws.append(safe_row([c.example for c in sheet.columns]))
    guide = workbook.create_sheet("How to fill this in")
    for line in _guide_lines():
        guide.append(safe_row([line]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(sheet):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([c.header for c in sheet.columns]))
    writer.writerow(safe_row([c.example for c in sheet.columns]))
    return out.getvalue()


def _guide_lines():
    return [
        "One row per organisation, service or project; delete the example rows.",
        "Sector: " + ", ".join(Sector.labels) + ".",
        "Status: " + ", ".join(Project.Status.labels) + ".",
        "Dates as 2026-04-01 (or 01/04/2026).",
        "A service names its organisation; a project names its organisation and service.",
        "A row whose name matches an existing one (ignoring capitals) changes it.",
        "Type values, not formulas: a cell holding a formula is refused.",
    ]


# --- reading -----------------------------------------------------------------------


def read_rows(name, content):
    """{sheet name: [(row number, {header: value})]} from an XLSX or CSV file's bytes.

    A CSV holds one kind, recognised by its header row.
    """
    if len(content) > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRefused("The file is not a readable XLSX workbook.")
    return _read_csv(content)


class _Counter:
    def __init__(self):
        self.rows = 0

    def add(self):
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise ImportRefused(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )


def _read_xlsx(content):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused("The file is not a readable XLSX workbook.") from error
    counter = _Counter()
    found = {}
    try:
        by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        for sheet in SHEETS:
            ws = by_name.get(sheet.name.lower())
            if ws is None:
                continue
            rows = ws.iter_rows()
            header = next(rows, None)
            if header is None:
                continue
            headers = [_text(cell.value) for cell in header]
            found[sheet.name] = (headers, [])
            for cells in rows:
                values = [_cell(cell) for cell in cells]
                if all(v in (None, "") for v in values):
                    continue
                counter.add()
                found[sheet.name][1].append((cells[0].row, values))
    finally:
        workbook.close()
    if not found:
        raise ImportRefused(
            "The workbook has none of the sheets Organisations, Services or Projects."
        )
    return found


class Formula(str):
    """A cell that holds a formula: kept as its text, never evaluated, and refused."""


def _cell(cell):
    if getattr(cell, "data_type", None) == "f":
        return Formula(cell.value)
    return cell.value


def _text(value):
    return "" if value is None else str(value).strip()


def _read_csv(content):
    if b"\x00" in content[:4096]:
        raise ImportRefused("The file is not a CSV or XLSX spreadsheet.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportRefused("The file is not a CSV or XLSX spreadsheet.") from error
    try:
        rows = csv.reader(io.StringIO(text))
        header = next(rows, None)
        if not header:
            raise ImportRefused("The file is empty.")
        headers = [_text(h) for h in header]
        sheet = _sheet_for_headers(headers)
        counter = _Counter()
        body = []
        for number, values in enumerate(rows, start=2):
            if all(not v.strip() for v in values):
                continue
            counter.add()
            body.append((number, values))
    except csv.Error as error:
        raise ImportRefused(f"The file is not a readable CSV file ({error}).") from error
    return {sheet.name: (headers, body)}


def _sheet_for_headers(headers):
    lowered = {h.lower() for h in headers}
    # Most specific first: a projects file also has Organisation and Description columns.
    for sheet in (PROJECTS, SERVICES, ORGANISATIONS):
        if {c.header.lower() for c in sheet.columns if c.required} <= lowered:
            return sheet
    raise ImportRefused(
        "The CSV's first row does not match a template: use the headers of the "
        "organisations, services or projects template."
    )


# --- checking ----------------------------------------------------------------------


def _choice(value, choices):
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (stored.lower(), str(label).lower()):
            return stored
    return None


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class _Rows:
    """Reads one sheet's rows into checked values, recording each problem."""

    def __init__(self, sheet, headers, plan):
        self.sheet, self.plan = sheet, plan
        index = {h.lower(): i for i, h in enumerate(headers) if h}
        self.index = {}
        for column in sheet.columns:
            if column.header.lower() in index:
                self.index[column.field] = index[column.header.lower()]
            elif column.required:
                self.problem(None, column.header, "this column is missing from the header row")
        self.usable = all(c.field in self.index for c in sheet.columns if c.required)

    def problem(self, row, column, message):
        self.plan.problems.append(Problem(self.sheet.name, row, column, message))

    def values(self, number, cells):
        """{field: text} for one row, or None when a cell is unusable."""
        out, good = {}, True
        for column in self.sheet.columns:
            i = self.index.get(column.field)
            raw = cells[i] if i is not None and i < len(cells) else None
            if isinstance(raw, Formula):
                self.problem(
                    number, column.header, "holds a formula; type the value itself instead"
                )
                good = False
                continue
            value = raw if isinstance(raw, date | datetime) else _text(raw)
            if column.required and value in ("", None):
                self.problem(number, column.header, "is empty; it must be filled in")
                good = False
            elif column.max_length and len(str(value)) > column.max_length:
                self.problem(
                    number, column.header, f"is longer than {column.max_length} characters"
                )
                good = False
            out[column.field] = value
        return out if good else None


def _key(*names):
    return tuple(name.strip().lower() for name in names)


def directory_plan(partnership, sheets):
    """Check every row against the file and the stored directory; write nothing."""
    plan = Plan()
    plan.rows_read = sum(len(rows) for _, rows in sheets.values())
    organisations = {_key(o.name): o for o in Organisation.objects.filter(partnership=partnership)}
    existing_services = {
        _key(s.organisation.name, s.name): s
        for s in Service.objects.filter(partnership=partnership).select_related("organisation")
    }
    existing_projects = {
        _key(p.service.organisation.name, p.service.name, p.title): p
        for p in Project.objects.filter(partnership=partnership).select_related(
            "service__organisation"
        )
    }
    org_names = set(organisations)
    service_names = set(existing_services)

    if ORGANISATIONS.name in sheets:
        reader = _Rows(ORGANISATIONS, sheets[ORGANISATIONS.name][0], plan)
        seen = {}
        for number, cells in sheets[ORGANISATIONS.name][1] if reader.usable else []:
            row = reader.values(number, cells)
            if row is None:
                continue
            sector = _choice(row["sector"], Sector.choices)
            if sector is None:
                reader.problem(
                    number,
                    "Sector",
                    f"“{row['sector']}” is not one of {', '.join(Sector.labels)}",
                )
            key = _key(row["name"])
            if key in seen:
                reader.problem(number, "Name", f"“{row['name']}” is also on row {seen[key]}")
                continue
            seen[key] = number
            org_names.add(key)
            if sector is None:
                continue
            fields = {"name": row["name"], "sector": sector}
            _add(plan, ORGANISATIONS, number, row["name"], fields, organisations.get(key))

    if SERVICES.name in sheets:
        reader = _Rows(SERVICES, sheets[SERVICES.name][0], plan)
        seen = {}
        for number, cells in sheets[SERVICES.name][1] if reader.usable else []:
            row = reader.values(number, cells)
            if row is None:
                continue
            if _key(row["organisation"]) not in org_names:
                reader.problem(
                    number,
                    "Organisation",
                    f"“{row['organisation']}” is not an organisation of the partnership "
                    "or of this file",
                )
                continue
            key = _key(row["organisation"], row["name"])
            if key in seen:
                reader.problem(
                    number,
                    "Name",
                    f"“{row['name']}” of this organisation is also on row {seen[key]}",
                )
                continue
            seen[key] = number
            service_names.add(key)
            fields = {
                "organisation": row["organisation"],
                "name": row["name"],
                "description": row.get("description", ""),
            }
            label = f"{row['organisation']}: {row['name']}"
            _add(plan, SERVICES, number, label, fields, existing_services.get(key))

    if PROJECTS.name in sheets:
        reader = _Rows(PROJECTS, sheets[PROJECTS.name][0], plan)
        seen = {}
        for number, cells in sheets[PROJECTS.name][1] if reader.usable else []:
            row = reader.values(number, cells)
            if row is None:
                continue
            good = True
            status = _choice(row["status"], Project.Status.choices)
            if status is None:
                reader.problem(
                    number,
                    "Status",
                    f"“{row['status']}” is not one of {', '.join(Project.Status.labels)}",
                )
                good = False
            start = _date(row["start_date"])
            if start is None:
                reader.problem(
                    number, "Start date", f"“{row['start_date']}” is not a date like 2026-04-01"
                )
                good = False
            end = None
            if row.get("end_date") not in ("", None):
                end = _date(row["end_date"])
                if end is None:
                    reader.problem(
                        number, "End date", f"“{row['end_date']}” is not a date like 2026-04-01"
                    )
                    good = False
                elif start and end < start:
                    reader.problem(number, "End date", "is before the start date")
                    good = False
            service_key = _key(row["organisation"], row["service"])
            if service_key not in service_names:
                reader.problem(
                    number,
                    "Service",
                    f"“{row['service']}” is not a service of “{row['organisation']}” "
                    "in the partnership or in this file",
                )
                good = False
            key = _key(row["organisation"], row["service"], row["title"])
            if key in seen:
                reader.problem(
                    number, "Title", f"“{row['title']}” of this service is also on row {seen[key]}"
                )
                continue
            seen[key] = number
            if not good:
                continue
            fields = {
                "organisation": row["organisation"],
                "service": row["service"],
                "title": row["title"],
                "description": row["description"],
                "status": status,
                "start_date": start,
                "end_date": end,
            }
            label = f"{row['service']}: {row['title']}"
            _add(plan, PROJECTS, number, label, fields, existing_projects.get(key))
    return plan


# Fields compared to decide whether a matched row changes anything (parents match by name).
COMPARED = {
    ORGANISATIONS.name: ("sector",),
    SERVICES.name: ("description",),
    PROJECTS.name: ("description", "status", "start_date", "end_date"),
}


def _add(plan, sheet, number, label, fields, existing):
    if existing is None:
        plan.creates[sheet.name].append(Change(sheet.name, number, label, fields))
        return
    changed = [name for name in COMPARED[sheet.name] if getattr(existing, name) != fields[name]]
    if changed:
        plan.changes[sheet.name].append(
            Change(sheet.name, number, label, fields, obj=existing, changed=changed)
        )
    else:
        plan.unchanged[sheet.name] += 1


# --- writing -----------------------------------------------------------------------


class ImportHasProblems(Exception):
    def __init__(self, plan):
        super().__init__(f"{len(plan.problems)} problems; nothing was written")
        self.plan = plan


def rows_to_write(plan):
    return sum(len(c) for c in plan.creates.values()) + sum(len(c) for c in plan.changes.values())


@transaction.atomic
def directory_import(*, partnership, sheets, on_progress=None):
    """Check the rows again against the directory as it is now, then write all of them
    through the directory services, or none: any problem raises before a write, and any
    failure while writing rolls the whole import back.

    `on_progress(done, total)` is called after each row written; each created row's
    `obj` is set to what was made, so the caller can link to it.
    """
    plan = directory_plan(partnership, sheets)
    if not plan.ok:
        raise ImportHasProblems(plan)
    total = rows_to_write(plan)
    done = 0

    def written(change, obj):
        nonlocal done
        change.obj = obj
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    if on_progress is not None:
        on_progress(0, total)
    organisations = {_key(o.name): o for o in Organisation.objects.filter(partnership=partnership)}
    for change in plan.creates[ORGANISATIONS.name]:
        organisation = services.organisation_create(
            partnership=partnership, name=change.fields["name"], sector=change.fields["sector"]
        )
        organisations[_key(organisation.name)] = organisation
        written(change, organisation)
    for change in plan.changes[ORGANISATIONS.name]:
        written(
            change,
            services.organisation_update(
                organisation=change.obj,
                name=change.obj.name,
                sector=change.fields["sector"],
                active=change.obj.active,
            ),
        )
    service_by_key = {
        _key(s.organisation.name, s.name): s
        for s in Service.objects.filter(partnership=partnership).select_related("organisation")
    }
    for change in plan.creates[SERVICES.name]:
        organisation = organisations[_key(change.fields["organisation"])]
        service = services.service_create(
            organisation=organisation,
            name=change.fields["name"],
            description=change.fields["description"],
        )
        service_by_key[_key(organisation.name, service.name)] = service
        written(change, service)
    for change in plan.changes[SERVICES.name]:
        written(
            change,
            services.service_update(
                service=change.obj,
                organisation=change.obj.organisation,
                name=change.obj.name,
                description=change.fields["description"],
                active=change.obj.active,
            ),
        )
    for change in plan.creates[PROJECTS.name]:
        fields = change.fields
        project = services.project_create(
            service=service_by_key[_key(fields["organisation"], fields["service"])],
            title=fields["title"],
            description=fields["description"],
            status=fields["status"],
            start_date=fields["start_date"],
            end_date=fields["end_date"],
        )
        written(change, project)
    for change in plan.changes[PROJECTS.name]:
        fields = change.fields
        written(
            change,
            services.project_update(
                project=change.obj,
                service=change.obj.service,
                title=change.obj.title,
                description=fields["description"],
                status=fields["status"],
                start_date=fields["start_date"],
                end_date=fields["end_date"],
                active=change.obj.active,
            ),
        )
    return plan
