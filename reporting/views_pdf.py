"""One audit as a PDF laid out like York's Appendix 1 form, and the same page for printing.

Both come from templates/pdf/audit.html: the browser shows it as a printable page at once,
and the worker lays the same HTML out as a tagged PDF (a second or two a page, so never in
the request). "Download PDF" asks for the PDF of the audit as it is now (or finds the one
made already), the PDF's page shows it queued, preparing, ready or failed, and the file
is streamed through an access-checked view. Anyone who can open the audit (in any state
they may see) may have it; another partnership's audit is a 404.
"""

from datetime import timedelta

from django.conf import settings
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from partnership.access import ALL_ROLES, partnership_view

from . import audit_pdfs, services
from .models import AuditPdf


def _audit(request, pk):
    return get_object_or_404(
        Audit.objects.visible_to(request.membership).select_related("project", "partnership"),
        pk=pk,
    )


def _page_url(request, audit):
    return reverse("reporting:audit_pdf", args=[request.partnership.slug, audit.pk])


def _fresh(record):
    """A PDF whose worker stopped is shown failed as soon as anyone looks."""
    if record and record.status == AuditPdf.Status.PREPARING:
        limit = timezone.now() - timedelta(minutes=settings.BOARD_PACK_STUCK_MINUTES)
        if record.heartbeat_at and record.heartbeat_at < limit:
            audit_pdfs.fail(
                record,
                "The PDF stopped before it was finished (the service making it was "
                "interrupted). Try again.",
            )
            record.refresh_from_db()
    return record


@partnership_view(ALL_ROLES)
def audit_print(request, pk):
    """Everyone who can read the audit: the York form as a printable page, at once."""
    return render(request, "pdf/audit.html", audit_pdfs.audit_context(_audit(request, pk)))


@partnership_view(ALL_ROLES)
def audit_pdf(request, pk):
    """The PDF of the audit as it is now: GET shows where it is; POST asks for it."""
    audit = _audit(request, pk)
    if request.method == "POST":
        record, _ = services.audit_pdf_request(audit=audit, by=request.user)
        if record.status == AuditPdf.Status.READY:
            return redirect("reporting:audit_pdf_download", slug=request.partnership.slug, pk=pk)
        return redirect(_page_url(request, audit))
    record = _fresh(audit_pdfs.latest(audit, audit_pdfs.fingerprint(audit)))
    older = None
    if record is None:
        older = AuditPdf.objects.filter(audit=audit, status=AuditPdf.Status.READY).first()
    return render(
        request,
        "reporting/audit_pdf.html",
        {"audit": audit, "record": record, "changed_since": older},
    )


@partnership_view(ALL_ROLES)
def audit_pdf_status(request, pk):
    """Where the audit's newest PDF is, for the page's own script."""
    audit = _audit(request, pk)
    record = _fresh(AuditPdf.objects.filter(audit=audit).first())
    response = JsonResponse(
        {
            "status": record.status if record else "none",
            "done": record.pages_done if record else 0,
            "message": _message(record),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _message(record):
    if record is None:
        return ""
    if record.status == AuditPdf.Status.QUEUED:
        return "Queued: the PDF will be made as soon as the service that makes PDFs is free."
    if record.status == AuditPdf.Status.PREPARING:
        if record.pages_done:
            plural = "s" if record.pages_done != 1 else ""
            return f"Preparing: {record.pages_done} page{plural} laid out"
        return "Preparing: reading the audit"
    if record.status == AuditPdf.Status.READY:
        return "Ready"
    return f"Failed: {record.failure_reason}"


@partnership_view(ALL_ROLES)
def audit_pdf_download(request, pk):
    """The PDF of the audit as it is now, streamed after the access check."""
    audit = _audit(request, pk)
    record = audit_pdfs.current(audit, audit_pdfs.fingerprint(audit))
    if record is None or record.status != AuditPdf.Status.READY:
        # Not made yet, or the audit has changed since: its page offers to make it.
        return redirect(_page_url(request, audit))
    try:
        handle = record.file.open("rb") if record.file else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        return render(
            request,
            "reporting/audit_pdf_missing.html",
            {"audit": audit, "record": record},
            status=404,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=audit_pdfs.file_name(audit),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
