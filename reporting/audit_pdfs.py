"""One audit as a PDF, laid out by the worker (WeasyPrint takes a second or two a page).

The printable page and the PDF come from the same template, templates/pdf/audit.html. The
fingerprint of an audit is the hash of that page with the moment of making left out, so
asking again for an audit that has not changed reuses the file already made, and any
change to what the page shows (a level, a note, evidence, an action, the status) asks
for a new one. Called by the task in tasks.py and by services.py; never lays out a PDF
in a web request.
"""

import hashlib
import logging
from datetime import datetime

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from audits.models import Audit
from audits.selectors import load_audit

from . import pdf
from .models import AuditPdf

logger = logging.getLogger(__name__)

WATERMARKS = {
    Audit.Status.DRAFT: "Draft: not yet accepted",
    Audit.Status.CHANGES_REQUESTED: "Draft: not yet accepted (returned for changes)",
    Audit.Status.SUBMITTED: "Submitted: not yet accepted",
}
# Stands in for the moment of making when the page is hashed.
_FIXED_MOMENT = timezone.make_aware(datetime(2000, 1, 1))


def audit_context(audit, *, made_at=None):
    """What templates/pdf/audit.html shows of `audit` (already checked as visible)."""
    audit, assessments = load_audit(audit)
    made_at = timezone.localtime(made_at or timezone.now())
    partnership = audit.partnership
    return {
        "audit": audit,
        "assessments": assessments,
        "levels": list(audit.framework.levels.all()),
        "outcomes": list(audit.framework.outcomes.all()),
        "partnership": partnership,
        "made_at": made_at,
        "watermark": WATERMARKS.get(audit.status, ""),
        "title": f"Audit of {audit.project.title}: {audit.project.service.name}",
        "footer": f"{partnership.name} · made {made_at:%-d %B %Y, %H:%M}",
    }


def audit_html(audit, *, made_at=None):
    return render_to_string("pdf/audit.html", audit_context(audit, made_at=made_at))


def fingerprint(audit):
    """Changes whenever anything the audit's PDF shows changes."""
    html = audit_html(audit, made_at=_FIXED_MOMENT)
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def file_name(audit):
    name = slugify(f"audit {audit.project.title} {audit.audit_date or audit.status}")[:80]
    return f"{name or 'audit'}.pdf"


def current(audit, key):
    """The live (queued, preparing or ready) PDF of the audit as it is now, if any."""
    return (
        AuditPdf.objects.filter(partnership_id=audit.partnership_id, audit=audit, fingerprint=key)
        .exclude(status=AuditPdf.Status.FAILED)
        .first()
    )


def latest(audit, key):
    """What the audit's PDF page shows: the live PDF of this version, else its last failure."""
    live = current(audit, key)
    if live:
        return live
    return AuditPdf.objects.filter(
        partnership_id=audit.partnership_id,
        audit=audit,
        fingerprint=key,
        status=AuditPdf.Status.FAILED,
    ).first()


def claim(partnership_id, pdf_id):
    """Take a queued PDF for this worker; None when it was taken already (a task run twice)."""
    now = timezone.now()
    taken = AuditPdf.objects.filter(
        partnership_id=partnership_id, pk=pdf_id, status=AuditPdf.Status.QUEUED
    ).update(status=AuditPdf.Status.PREPARING, started_at=now, heartbeat_at=now)
    if not taken:
        return None
    return AuditPdf.objects.select_related("audit__project").get(pk=pdf_id)


def _on_page(record):
    def heard(page):
        AuditPdf.objects.filter(pk=record.pk).update(pages_done=page, heartbeat_at=timezone.now())

    return heard


def make(partnership_id, pdf_id):
    """Lay out the audit's PDF and store it; returns the record, or None if nothing was done."""
    record = claim(partnership_id, pdf_id)
    if record is None:
        return None
    try:
        html = audit_html(record.audit)
        data, pages, _ = pdf.html_to_pdf(html, on_page=_on_page(record))
    except Exception:
        # The reason goes to the log for the support team; the page says what to do.
        logger.exception("PDF of audit %s (partnership %s) failed", record.audit_id, partnership_id)
        fail(record, "The PDF could not be laid out. The error has been logged; try again.")
        return None
    record.refresh_from_db()
    if record.status != AuditPdf.Status.PREPARING:
        return None  # marked failed as stuck meanwhile
    record.file.save(file_name(record.audit), ContentFile(data), save=False)
    record.size = len(data)
    record.page_count = pages
    record.pages_done = pages
    record.status = AuditPdf.Status.READY
    record.finished_at = timezone.now()
    record.save()
    superseded_remove(record)
    return record


def superseded_remove(record):
    """Earlier versions of the same audit, and failed tries, are no longer offered."""
    older = (
        AuditPdf.objects.filter(audit_id=record.audit_id, created_at__lte=record.created_at)
        .exclude(pk=record.pk)
        .exclude(status__in=AuditPdf.ACTIVE)
    )
    for old in older:
        if old.file:
            old.file.delete(save=False)
    older.delete()


def fail(record, reason):
    AuditPdf.objects.filter(pk=record.pk, status__in=AuditPdf.ACTIVE).update(
        status=AuditPdf.Status.FAILED, failure_reason=reason[:300], finished_at=timezone.now()
    )
