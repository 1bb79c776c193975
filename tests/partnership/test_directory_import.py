"""Loading the directory from a spreadsheet: preview, problems by place, all or nothing."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from partnership import directory_import as di
from partnership.models import Organisation, Project, Role, Service


def workbook(organisations=(), services=(), projects=()):
    book = Workbook()
    book.remove(book.active)
    for sheet, rows in zip(di.SHEETS, (organisations, services, projects), strict=True):
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(sheet, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in sheet.columns])
    writer.writerows(rows)
    return out.getvalue().encode()


def plan_for(area, content, name="directory.xlsx"):
    return di.directory_plan(area.partnership, di.read_rows(name, content))


def counts():
    return (Organisation.objects.count(), Service.objects.count(), Project.objects.count())


GOOD = {
    "organisations": [
        ("York Carers Centre", "Voluntary and community"),
        ("YORK hospital", "health"),
    ],
    "services": [
        ("York Carers Centre", "Young carers", "Support for young carers"),
        ("York Hospital", "Paediatrics", ""),
    ],
    "projects": [
        (
            "York Carers Centre",
            "Young carers",
            "Young carers' voice",
            "Their say",
            "Active",
            "2026-04-01",
            "",
        ),
        (
            "York Hospital",
            "Paediatrics",
            "Clinic letters",
            "Letters",
            "planned",
            date(2026, 5, 1),
            "2027-01-31",
        ),
    ],
}


def test_template_has_a_sheet_per_kind_and_safe_cells():
    book = load_workbook(io.BytesIO(di.template_xlsx()), read_only=True)
    assert book.sheetnames[:3] == ["Organisations", "Services", "Projects"]
    headers = [c.value for c in next(book["Projects"].iter_rows())]
    assert headers == [c.header for c in di.PROJECTS.columns]
    assert di.template_csv(di.SERVICES).splitlines()[0] == "Organisation,Name,Description"


def test_preview_then_all_written(area):
    content = workbook(**GOOD)
    plan = plan_for(area, content)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.counts() == {
        "Organisations": (2, 0, 0),
        "Services": (2, 0, 0),
        "Projects": (2, 0, 0),
    }
    before = counts()
    assert counts() == before  # the preview writes nothing
    di.directory_import(partnership=area.partnership, sheets=di.read_rows("d.xlsx", content))
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    project = Project.objects.get(title="Clinic letters")
    assert project.service.organisation.name == "YORK hospital"
    assert (project.start_date, project.end_date) == (date(2026, 5, 1), date(2027, 1, 31))
    assert project.partnership == area.partnership
    # The same file again: everything matches (names ignoring capitals), nothing to do.
    again = plan_for(area, content)
    assert again.ok and again.nothing_to_do
    assert again.counts()["Projects"] == (0, 0, 2)


def test_a_matched_row_is_a_change(area):
    content = workbook(organisations=[(area.organisation.name.upper(), "Health")])
    plan = plan_for(area, content)
    assert plan.counts()["Organisations"] == (0, 1, 0)
    di.directory_import(partnership=area.partnership, sheets=di.read_rows("d.xlsx", content))
    area.organisation.refresh_from_db()
    assert area.organisation.sector == "health"


def test_every_problem_is_named_by_sheet_row_and_column(area):
    content = workbook(
        organisations=[("Good org", "Health"), ("Bad sector", "NHS"), ("good ORG", "Health")],
        services=[("Nowhere Council", "Lost service", ""), ("Good org", "", "")],
        projects=[
            ("Good org", "Missing", "P1", "d", "Active", "2026-01-01", ""),
            (area.organisation.name, area.service.name, "P2", "d", "Sleeping", "31/02/2026", ""),
            (
                area.organisation.name,
                area.service.name,
                "P3",
                "d",
                "Active",
                "2026-05-01",
                "2026-04-01",
            ),
        ],
    )
    problems = {str(p) for p in plan_for(area, content).problems}
    sectors = "Local authority, Health, Education setting"
    assert any(
        p.startswith(f"Organisations, Row 3, Sector: “NHS” is not one of {sectors}")
        for p in problems
    )
    assert "Organisations, Row 4, Name: “good ORG” is also on row 2" in problems
    assert any(
        p.startswith("Services, Row 2, Organisation: “Nowhere Council” is not an") for p in problems
    )
    assert "Services, Row 3, Name: is empty; it must be filled in" in problems
    assert any(p.startswith("Projects, Row 2, Service: “Missing”") for p in problems)
    assert any(p.startswith("Projects, Row 3, Status: “Sleeping”") for p in problems)
    assert any(p.startswith("Projects, Row 3, Start date: “31/02/2026”") for p in problems)
    assert "Projects, Row 4, End date: is before the start date" in problems
    before = counts()
    with pytest.raises(di.ImportHasProblems):
        di.directory_import(partnership=area.partnership, sheets=di.read_rows("d.xlsx", content))
    assert counts() == before


def test_a_formula_is_refused_never_evaluated(area):
    book = Workbook()
    ws = book.active
    ws.title = "Organisations"
    ws.append(["Name", "Sector"])
    ws.append(['=HYPERLINK("http://evil.example","x")', "Health"])
    ws.append(["Fine", "=A1"])
    out = io.BytesIO()
    book.save(out)
    problems = [str(p) for p in plan_for(area, out.getvalue()).problems]
    assert problems == [
        "Organisations, Row 2, Name: holds a formula; type the value itself instead",
        "Organisations, Row 3, Sector: holds a formula; type the value itself instead",
    ]


def test_formula_text_in_a_csv_is_kept_as_text(area):
    content = csv_file(di.ORGANISATIONS, [("=1+1 Partners", "Health")])
    plan = plan_for(area, content, "orgs.csv")
    assert plan.ok
    di.directory_import(partnership=area.partnership, sheets=di.read_rows("orgs.csv", content))
    assert Organisation.objects.filter(name="=1+1 Partners").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a readable XLSX"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a CSV or XLSX"),
        ("broken.xlsx", b"PK\x03\x04 this is no zip", "not a readable XLSX"),
        ("empty.csv", b"", "empty"),
        ("other.csv", b"Colour,Size\nred,3\n", "does not match a template"),
    ],
)
def test_files_that_are_not_templates_are_refused(name, content, message):
    with pytest.raises(di.ImportRefused, match=message):
        di.read_rows(name, content)


def test_a_file_with_too_many_rows_is_refused(settings, monkeypatch):
    monkeypatch.setattr(di, "MAX_ROWS", 100)
    content = csv_file(di.ORGANISATIONS, [(f"Org {n}", "Health") for n in range(101)])
    with pytest.raises(di.ImportRefused, match="more than 100 rows"):
        di.read_rows("big.csv", content)
    # The real limit: 100,000 rows are refused.
    monkeypatch.setattr(di, "MAX_ROWS", 10_000)
    big = b"Name,Sector\n" + b"x,Health\n" * 100_000
    with pytest.raises(di.ImportRefused):
        di.read_rows("big.csv", big)


def test_a_failure_while_writing_leaves_nothing(area, monkeypatch):
    content = workbook(**GOOD)
    before = counts()

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(di.services, "project_create", fail)
    with pytest.raises(RuntimeError):
        di.directory_import(partnership=area.partnership, sheets=di.read_rows("d.xlsx", content))
    assert counts() == before


def test_admin_uploads_sees_preview_and_confirms(area, client, django_capture_on_commit_callbacks):
    client.force_login(area.members[Role.ADMIN].user)
    address = reverse("partnership:directory_import", kwargs={"slug": area.partnership.slug})
    assert client.get(address).status_code == 200
    upload = SimpleUploadedFile("directory.xlsx", workbook(**GOOD))
    preview = client.post(address, {"file": upload})
    page = preview.content.decode()
    assert "Check the import from directory.xlsx" in page
    assert "Row 2: York Carers Centre: Young carers" in page
    token = preview.context["token"]
    before = counts()
    confirm = reverse(
        "partnership:directory_import_confirm", kwargs={"slug": area.partnership.slug}
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(confirm, {"token": token})
    assert queued.status_code == 302
    done = client.get(queued["Location"])
    assert "Directory loaded" in done.content.decode()
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    # The same preview confirmed again (a double click) is the same job: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(confirm, {"token": token})
    assert again["Location"] == queued["Location"]
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    # Without a checked file waiting there is nothing to confirm.
    assert client.post(confirm, {"token": "unknown"})["Location"] == address


def test_page_shows_problems_and_offers_no_save(area, client):
    client.force_login(area.members[Role.ADMIN].user)
    address = reverse("partnership:directory_import", kwargs={"slug": area.partnership.slug})
    upload = SimpleUploadedFile("orgs.csv", csv_file(di.ORGANISATIONS, [("A", "NHS")]))
    page = client.post(address, {"file": upload}).content.decode()
    assert "There is 1 problem in orgs.csv" in page
    assert "is not one of" in page
    assert "Save all of these" not in page
    refused = client.post(address, {"file": SimpleUploadedFile("x.png", b"\x89PNG\x00\x00")})
    assert "not a CSV or XLSX" in refused.content.decode()


def test_another_partnerships_preview_cannot_be_confirmed(area, other_area, client):
    admin = area.members[Role.ADMIN].user
    client.force_login(admin)
    address = reverse("partnership:directory_import", kwargs={"slug": area.partnership.slug})
    client.post(address, {"file": SimpleUploadedFile("d.xlsx", workbook(**GOOD))})
    # The same person, were they admin of another partnership, confirms there: nothing.
    from tests.factories import MembershipFactory

    MembershipFactory(partnership=other_area.partnership, user=admin, role=Role.ADMIN)
    before = counts()
    token = client.session["directory_import"]["token"]
    response = client.post(
        reverse(
            "partnership:directory_import_confirm", kwargs={"slug": other_area.partnership.slug}
        ),
        {"token": token},
    )
    assert response.status_code == 302
    assert counts() == before


def test_command_dry_run_then_import(area, tmp_path, capsys):
    path = tmp_path / "directory.xlsx"
    path.write_bytes(workbook(**GOOD))
    before = counts()
    call_command("import_directory", str(path), "--partnership", area.partnership.slug, "--dry-run")
    assert "Projects: 2 to add, 0 to change, 0 the same" in capsys.readouterr().out
    assert counts() == before
    call_command("import_directory", str(path), "--partnership", area.partnership.slug)
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_command_lists_problems_and_writes_nothing(area, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_file(di.ORGANISATIONS, [("A", "NHS"), ("a", "Health")]))
    before = counts()
    with pytest.raises(CommandError, match="2 problems"):
        call_command("import_directory", str(path), "--partnership", area.partnership.slug)
    err = capsys.readouterr().err
    assert "Organisations, Row 2, Sector" in err and "Row 3, Name" in err
    assert counts() == before
    with pytest.raises(CommandError, match="no partnership"):
        call_command("import_directory", str(path), "--partnership", "nowhere")
