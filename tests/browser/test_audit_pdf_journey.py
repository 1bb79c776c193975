"""A service lead presses "Download PDF" on an audit, watches the worker make it, and
downloads it; a PDF that fails says so with "Try again". axe-core runs on every state."""

import os
import re
import threading
import time

import pytest
from playwright.sync_api import expect

from reporting import audit_pdfs, services
from reporting.models import AuditPdf
from tests.conftest import make_area
from tests.factories.audits import accepted_audit

from .conftest import ARTIFACTS
from .test_portfolio_dashboard import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def look(page, name):
    """With BROWSER_SCREENSHOTS set, keep a picture of each state for people to look at."""
    if os.environ.get("BROWSER_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"audit-pdf-{name}.png"), full_page=True)


@pytest.fixture
def york(db):
    return make_area("york")


def test_service_lead_downloads_an_audit_made_in_the_background(
    new_page, axe, york, monkeypatch, tmp_path
):
    audit = accepted_audit(york)
    queued = []
    # The worker is played by a thread the test starts, so the page can be seen while queued.
    monkeypatch.setattr(services, "_queue_audit_pdf", lambda record: queued.append(record.pk))
    original_on_page = audit_pdfs._on_page

    def slow_on_page(record):
        heard = original_on_page(record)

        def on_page(page):
            heard(page)
            time.sleep(0.7)  # long enough for the page to show each step

        return on_page

    monkeypatch.setattr(audit_pdfs, "_on_page", slow_on_page)

    page = new_page()
    sign_in(page, "service_lead@york.example")
    page.goto(f"/york/audits/{audit.pk}/")
    axe(page, "audit with the Download PDF button")
    look(page, "audit")

    page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_role("heading", name="PDF of the audit", level=1)).to_be_visible()
    expect(page.get_by_text("Queued: the PDF will be made")).to_be_visible()
    expect(page.get_by_text("This page updates itself as the PDF is made.")).to_be_visible()
    axe(page, "audit PDF queued")
    look(page, "queued")
    record = AuditPdf.objects.get()
    assert queued == [record.pk]

    worker = threading.Thread(target=audit_pdfs.make, args=(york.partnership.pk, record.pk))
    worker.start()
    try:
        # The page moves on by itself, without a reload.
        expect(page.get_by_text(re.compile(r"Preparing: \d+ pages? laid out"))).to_be_visible(
            timeout=30_000
        )
        axe(page, "audit PDF preparing")
        look(page, "preparing")
        expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible(timeout=60_000)
    finally:
        worker.join(90)
    axe(page, "audit PDF ready")
    look(page, "ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the audit")).click()
    path = tmp_path / "audit.pdf"
    download_info.value.save_as(path)
    from tests.reporting.pdf_helpers import text_of

    text = text_of(path.read_bytes())
    assert f"Audit of {audit.project.title}" in text and "Chosen:" in text

    # Pressed again on the unchanged audit: the same file, straight away.
    page.goto(f"/york/audits/{audit.pk}/")
    with page.expect_download() as again:
        page.get_by_role("button", name="Download PDF").click()
    assert again.value.suggested_filename.endswith(".pdf")
    assert AuditPdf.objects.count() == 1 and len(queued) == 1


def test_a_failed_pdf_says_so_and_offers_try_again(new_page, axe, york, monkeypatch):
    audit = accepted_audit(york)
    monkeypatch.setattr(services, "_queue_audit_pdf", lambda record: None)

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(audit_pdfs.pdf, "html_to_pdf", broken)
    page = new_page()
    sign_in(page, "board_member@york.example")
    page.goto(f"/york/audits/{audit.pk}/")
    page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_text("Queued: the PDF will be made")).to_be_visible()
    audit_pdfs.make(york.partnership.pk, AuditPdf.objects.get().pk)
    # The script sees the failure and shows it without the person reloading.
    expect(page.get_by_role("heading", name="The PDF could not be made")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text("layout exploded")).to_have_count(0)
    axe(page, "audit PDF failed")
    look(page, "failed")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Queued: the PDF will be made")).to_be_visible()
    assert AuditPdf.objects.filter(status=AuditPdf.Status.QUEUED).count() == 1

    page.goto(f"/york/audits/{audit.pk}/print/")
    expect(page.get_by_role("heading", name=f"Audit of {audit.project.title}")).to_be_visible()
    axe(page, "printable page")
    look(page, "printable")
