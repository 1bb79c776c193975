"""One audit as a PDF laid out like York's Appendix 1 form, and the same page for printing."""

import pytest
from django.urls import reverse

from audits.models import Evidence
from partnership.models import Role
from tests.factories.audits import accepted_audit, fill_audit, start_audit

from .pdf_helpers import fonts_of, headings_in, outline_titles, squash, structure_elements, text_of


def pdf_of(client, audit):
    """Press "Download PDF" on the audit: the worker makes it, and it is downloaded."""
    slug = audit.partnership.slug
    with django_capture_on_commit_callbacks_now():
        response = client.post(reverse("reporting:audit_pdf", args=[slug, audit.pk]))
    assert response.status_code == 302
    if response.url == reverse("reporting:audit_pdf", args=[slug, audit.pk]):
        # Queued a moment ago and made by the worker since: the page offers the file.
        page = client.get(response.url)
        assert "The PDF is ready" in page.content.decode()
    response = client.get(reverse("reporting:audit_pdf_download", args=[slug, audit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def django_capture_on_commit_callbacks_now():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def accepted(area):
    audit = accepted_audit(area)
    Evidence.objects.create(
        audit=audit,
        assessment=audit.assessments.get(principle__number=2),
        kind=Evidence.Kind.LINK,
        title="Minutes of the parents' workshop",
        url="https://example.org/minutes",
    )
    return audit


def test_pdf_holds_the_york_form(client_for, area, accepted):
    data = pdf_of(client_for(area, Role.BOARD_MEMBER), accepted)
    text = text_of(data)
    audit = accepted
    for a in audit.assessments.select_related("principle", "level"):
        assert squash(f"Principle {a.principle.number}: {a.principle.title}") in text
        assert f"Chosen: {a.level.name}" in text
        assert squash(a.notes) in text
        chosen = a.principle.descriptors.get(level=a.level).text
        # The chosen descriptor's words are all there (lines wrap inside the table cell).
        assert squash(chosen)[:60] in text
    assert "Chosen" in text and audit.outcome.name in text
    assert audit.review_date.strftime("%-d %B %Y") in text
    assert "Sam Lead" in text and "Service manager" in text
    assert "Minutes of the parents' workshop" in text and "https://example.org/minutes" in text
    assert f"{audit.framework.title}, version {audit.framework.version}" in text
    assert area.partnership.name in text
    assert "Page 1 of" in text
    assert "Draft: not yet accepted" not in text


def test_draft_says_so_on_every_page(client_for, area):
    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area), admin)
    data = pdf_of(client_for(area, Role.ADMIN), audit)
    from .pdf_helpers import reader

    pages = reader(data).pages
    assert len(pages) > 1
    for page in pages:
        assert "Draft: not yet accepted" in squash(page.extract_text())


def test_pdf_is_tagged_with_language_title_and_outline(client_for, area, accepted, caplog):
    client = client_for(area, Role.COMMISSIONER)
    data = pdf_of(client, accepted)
    # WeasyPrint logs an error for anything PDF/UA needs and the document lacks.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= 40]
    from .pdf_helpers import reader

    pdf = reader(data)
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert str(root["/Lang"]).lower() == "en-gb"
    project = accepted.project
    assert pdf.metadata.title == f"Audit of {project.title}: {project.service.name}"
    # Free fonts, embedded; never GOV.UK Transport.
    fonts = fonts_of(data)
    assert fonts and all(name.startswith("DejaVu") for name in fonts), fonts
    assert all(fonts.values())
    tags = [tag for tag, _ in structure_elements(data)]
    assert "/Table" in tags and "/TH" in tags and "/H1" in tags and "/H2" in tags
    html = client.get(
        reverse("reporting:audit_print", args=[area.partnership.slug, accepted.pk])
    ).content.decode()
    assert len(outline_titles(data)) == len(headings_in(html))


def test_printable_page_is_the_same_template(client_for, area, accepted):
    client = client_for(area, Role.SERVICE_LEAD)
    url = reverse("reporting:audit_print", args=[area.partnership.slug, accepted.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pdf/audit.html"
    page = response.content.decode()
    assert "Download PDF" in page and "Chosen:" in page


def test_family_partner_cannot_have_an_audit_they_may_not_read(client_for, area, accepted):
    client = client_for(area, Role.FAMILY_PARTNER)
    url = reverse("reporting:audit_pdf", args=[area.partnership.slug, accepted.pk])
    assert client.get(url).status_code == 404
