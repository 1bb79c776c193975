from django import template

from ..models import Audit

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("audits/_project_audits.html", takes_context=True)
def project_audits(context, project):
    """The audits of a project that the viewer may read, for the project page."""
    request = context["request"]
    membership = request.membership
    audits = list(
        Audit.objects.visible_to(membership)
        .filter(project=project)
        .select_related("outcome")
        .order_by("-created_at")
    )
    from ..services import can_edit, can_start

    open_audit = next((a for a in audits if a.status != Audit.Status.ACCEPTED), None)
    if open_audit is not None:
        open_audit.project = project
    return {
        "open_audit": open_audit,
        "can_continue": open_audit is not None and can_edit(open_audit, membership),
        "project": project,
        "audits": audits,
        "partnership": request.partnership,
        "can_start": can_start(project, membership) and project.active,
        "has_accepted": any(a.status == Audit.Status.ACCEPTED for a in audits),
        "has_open": open_audit is not None,
    }
