"""One audit as a PDF laid out like York's Appendix 1 form, and the same page for printing.

Both come from templates/pdf/audit.html: the browser shows it as a printable page, and
WeasyPrint lays the same HTML out as a tagged PDF. Anyone who can open the audit (in any
state they may see) may have it; another partnership's audit is a 404.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from audits.models import Audit
from audits.selectors import load_audit
from partnership.access import ALL_ROLES, partnership_view

from . import pdf

WATERMARKS = {
    Audit.Status.DRAFT: "Draft: not yet accepted",
    Audit.Status.CHANGES_REQUESTED: "Draft: not yet accepted (returned for changes)",
    Audit.Status.SUBMITTED: "Submitted: not yet accepted",
}


def _context(request, pk):
    audit = get_object_or_404(Audit.objects.visible_to(request.membership), pk=pk)
    audit, assessments = load_audit(audit)
    made_at = timezone.localtime()
    partnership = request.partnership
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


@partnership_view(ALL_ROLES)
def audit_print(request, pk):
    """Everyone who can read the audit: the York form as a printable page."""
    return render(request, "pdf/audit.html", _context(request, pk))


@partnership_view(ALL_ROLES)
def audit_pdf(request, pk):
    """Everyone who can read the audit: the York form as a tagged PDF."""
    context = _context(request, pk)
    data, _, _ = pdf.html_to_pdf(render_to_string("pdf/audit.html", context, request=request))
    audit = context["audit"]
    name = slugify(f"audit {audit.project.title} {audit.audit_date or audit.status}")[:80]
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name or "audit"}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
