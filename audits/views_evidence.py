"""Evidence files of an audit: downloaded and removed only after the access check."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from partnership.access import ALL_ROLES, AUDIT_EDITORS, partnership_view
from partnership.models import SecurityEvent
from partnership.security import security_event_record

from . import services
from .models import Evidence
from .views import _audit, _editable_audit, _url


@partnership_view(ALL_ROLES)
def evidence_download(request, pk, evidence_pk):
    """Anyone who can read the audit: the file, streamed after the access check."""
    audit = _audit(request, pk)
    evidence = get_object_or_404(
        audit.evidence.filter(kind=Evidence.Kind.FILE, file_removed_at__isnull=True),
        pk=evidence_pk,
    )
    safe_title = "".join(ch for ch in evidence.title if ch.isalnum() or ch in " -_.")[:80].strip()
    name = f"{safe_title or 'evidence'}.{evidence.extension}"
    if not name.lower().endswith(f".{evidence.extension}"):
        name = f"{name}.{evidence.extension}"
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored") from error
    security_event_record(
        kind=SecurityEvent.Kind.EVIDENCE_DOWNLOADED,
        request=request,
        detail={"audit": audit.pk, "evidence": evidence.pk, "title": evidence.title},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@partnership_view(AUDIT_EDITORS)
def evidence_remove(request, pk, evidence_pk):
    audit, refusal = _editable_audit(request, pk)
    if refusal:
        return refusal
    evidence = get_object_or_404(
        audit.evidence.select_related("assessment__principle"), pk=evidence_pk
    )
    back = _url(request, "principle", pk=audit.pk, number=evidence.assessment.principle.number)
    if request.method == "POST":
        services.evidence_remove(evidence=evidence, membership=request.membership)
        messages.success(request, f"“{evidence.title}” has been removed.")
        return redirect(back)
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Remove “{evidence.title}”?",
            "consequence": "The evidence will be removed from this audit. The history of the "
            "audit keeps a record that it was there.",
            "action": "Yes, remove it",
            "back": back,
        },
    )
