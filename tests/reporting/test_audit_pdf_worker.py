"""An audit's PDF is made by the worker, never in the request, and reused while unchanged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import PrincipleAssessment
from partnership.models import Role
from reporting import audit_pdfs, services
from reporting.models import AuditPdf
from tests.factories.audits import accepted_audit, fill_audit, start_audit


@pytest.fixture
def queued(monkeypatch):
    """The broker is played by a list: nothing is made until the test runs the worker."""
    sent = []
    monkeypatch.setattr(services, "_queue_audit_pdf", lambda record: sent.append(record.pk))
    return sent


def urls(audit):
    args = [audit.partnership.slug, audit.pk]
    return {
        name: reverse(f"reporting:{name}", args=args)
        for name in ("audit_pdf", "audit_pdf_status", "audit_pdf_download")
    }


def test_download_pdf_queues_it_and_the_page_follows_it_to_ready(client_for, area, queued):
    audit = accepted_audit(area)
    client = client_for(area, Role.SERVICE_LEAD)
    url = urls(audit)
    response = client.post(url["audit_pdf"])
    assert response.status_code == 302 and response.url == url["audit_pdf"]
    record = AuditPdf.objects.get()
    assert queued == [record.pk] and record.status == AuditPdf.Status.QUEUED
    assert record.partnership == area.partnership
    page = client.get(url["audit_pdf"]).content.decode()
    assert "Queued: the PDF will be made" in page and "pack_progress.js" in page
    assert client.get(url["audit_pdf_status"]).json()["status"] == "queued"
    # Asked for before it is made: the download waits on the PDF's page.
    assert client.get(url["audit_pdf_download"]).url == url["audit_pdf"]

    pages_heard = []
    original = audit_pdfs._on_page

    def listening(record):
        heard = original(record)

        def on_page(page):
            heard(page)
            pages_heard.append(AuditPdf.objects.get(pk=record.pk).pages_done)

        return on_page

    audit_pdfs._on_page = listening
    try:
        made = audit_pdfs.make(area.partnership.pk, record.pk)
    finally:
        audit_pdfs._on_page = original
    assert made.status == AuditPdf.Status.READY
    assert pages_heard and pages_heard[0] == 1 and pages_heard == sorted(pages_heard)
    assert made.file.name.startswith(f"audit-pdfs/{area.partnership.pk}/")
    state = client.get(url["audit_pdf_status"]).json()
    assert state["status"] == "ready" and state["done"] == made.page_count
    page = client.get(url["audit_pdf"]).content.decode()
    assert "The PDF is ready" in page and "pack_progress.js" not in page
    response = client.get(url["audit_pdf_download"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # Asked for again, unchanged: straight to the file, nothing new queued.
    response = client.post(url["audit_pdf"])
    assert response.url == url["audit_pdf_download"]
    assert AuditPdf.objects.count() == 1 and len(queued) == 1


def test_the_task_run_twice_and_asked_twice_does_the_work_once(area, queued, monkeypatch):
    audit = accepted_audit(area)
    user = area.members[Role.ADMIN].user
    assert audit_pdfs.fingerprint(audit) == audit_pdfs.fingerprint(audit)
    first, created = services.audit_pdf_request(audit=audit, by=user)
    second, created_again = services.audit_pdf_request(audit=audit, by=user)
    assert created and not created_again and first == second and len(queued) == 1
    renders = []
    original = audit_pdfs.pdf.html_to_pdf
    monkeypatch.setattr(
        audit_pdfs.pdf, "html_to_pdf", lambda *a, **k: renders.append(1) or original(*a, **k)
    )
    from reporting.tasks import make_audit_pdf

    make_audit_pdf(area.partnership.pk, first.pk)
    make_audit_pdf(area.partnership.pk, first.pk)
    assert len(renders) == 1
    assert AuditPdf.objects.get().status == AuditPdf.Status.READY


def test_a_failure_is_recorded_with_the_reason_in_the_log(
    client_for, area, queued, monkeypatch, caplog
):
    audit = accepted_audit(area)
    client = client_for(area, Role.COMMISSIONER)
    client.post(urls(audit)["audit_pdf"])

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(audit_pdfs.pdf, "html_to_pdf", broken)
    record = AuditPdf.objects.get()
    assert audit_pdfs.make(area.partnership.pk, record.pk) is None
    record.refresh_from_db()
    assert record.status == AuditPdf.Status.FAILED
    assert "could not be laid out" in record.failure_reason
    assert "layout exploded" in caplog.text
    page = client.get(urls(audit)["audit_pdf"]).content.decode()
    assert "The PDF could not be made" in page and "Try again" in page
    assert "layout exploded" not in page
    # Trying again asks for a new one.
    client.post(urls(audit)["audit_pdf"])
    assert AuditPdf.objects.filter(status=AuditPdf.Status.QUEUED).count() == 1


def test_a_stale_file_is_made_again_after_the_audit_changes(client_for, area, queued):
    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area), admin)
    client = client_for(area, Role.ADMIN)
    url = urls(audit)
    client.post(url["audit_pdf"])
    old = audit_pdfs.make(area.partnership.pk, AuditPdf.objects.get().pk)
    old_name = old.file.name
    assert old.file.storage.exists(old_name)

    assessment = audit.assessments.get(principle__number=3)
    PrincipleAssessment.objects.filter(pk=assessment.pk).update(notes="A new note from today.")
    # The old file no longer matches the audit: not offered.
    response = client.get(url["audit_pdf_download"])
    assert response.status_code == 302 and response.url == url["audit_pdf"]
    page = client.get(url["audit_pdf"]).content.decode()
    assert "The audit has changed since its last PDF was made" in page
    assert client.post(url["audit_pdf"]).url == url["audit_pdf"]
    new = AuditPdf.objects.get(status=AuditPdf.Status.QUEUED)
    assert new.fingerprint != old.fingerprint
    audit_pdfs.make(area.partnership.pk, new.pk)
    assert not old.file.storage.exists(old_name)
    assert list(AuditPdf.objects.values_list("pk", flat=True)) == [new.pk]
    from .pdf_helpers import text_of

    response = client.get(url["audit_pdf_download"])
    assert "A new note from today." in text_of(b"".join(response.streaming_content))


def test_a_missing_stored_file_is_a_clear_page_and_can_be_made_again(client_for, area, queued):
    audit = accepted_audit(area)
    client = client_for(area, Role.BOARD_MEMBER)
    url = urls(audit)
    client.post(url["audit_pdf"])
    record = audit_pdfs.make(area.partnership.pk, AuditPdf.objects.get().pk)
    record.file.storage.delete(record.file.name)
    response = client.get(url["audit_pdf_download"])
    assert response.status_code == 404
    assert "The PDF’s file is not available" in response.content.decode()
    assert client.post(url["audit_pdf"]).url == url["audit_pdf"]
    assert AuditPdf.objects.filter(status=AuditPdf.Status.QUEUED).count() == 1
    record.refresh_from_db()
    assert record.status == AuditPdf.Status.FAILED


def test_a_stuck_pdf_is_shown_failed(client_for, area, queued, settings):
    audit = accepted_audit(area)
    client = client_for(area, Role.ADMIN)
    client.post(urls(audit)["audit_pdf"])
    long_ago = timezone.now() - timedelta(minutes=settings.BOARD_PACK_STUCK_MINUTES + 1)
    AuditPdf.objects.update(status=AuditPdf.Status.PREPARING, heartbeat_at=long_ago)
    state = client.get(urls(audit)["audit_pdf_status"]).json()
    assert state["status"] == "failed" and "stopped before it was finished" in state["message"]


def test_queued_while_the_broker_is_down_is_sent_again(area, monkeypatch):
    from reporting import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.make_audit_pdf, "delay", down)
    audit = accepted_audit(area)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        record, _ = services.audit_pdf_request(audit=audit, by=None)
    record.refresh_from_db()
    assert record.status == AuditPdf.Status.QUEUED
    sent = []
    monkeypatch.setattr(tasks.make_audit_pdf, "delay", lambda *a: sent.append(a))
    AuditPdf.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    services.audit_pdfs_fail_stuck()
    assert sent == [(area.partnership.pk, record.pk)]


def test_someone_who_may_not_read_the_audit_gets_404(client_for, area, queued):
    admin = area.members[Role.ADMIN]
    draft = fill_audit(start_audit(area), admin)
    client = client_for(area, Role.FAMILY_PARTNER)
    for url in urls(draft).values():
        assert client.get(url).status_code == 404
    assert client.post(urls(draft)["audit_pdf"]).status_code == 404
    assert not AuditPdf.objects.exists()


def test_the_pdf_pages_take_a_bounded_number_of_queries(
    client_for, area, queued, django_assert_max_num_queries
):
    audit = accepted_audit(area)
    client = client_for(area, Role.ADMIN)
    url = urls(audit)
    client.post(url["audit_pdf"])
    for name in ("audit_pdf", "audit_pdf_status", "audit_pdf_download"):
        with django_assert_max_num_queries(30):
            client.get(url[name])
