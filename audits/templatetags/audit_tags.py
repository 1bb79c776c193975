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
    from ..services import can_start

    return {
        "project": project,
        "audits": audits,
        "partnership": request.partnership,
        "can_start": can_start(project, membership) and project.active,
        "has_accepted": any(a.status == Audit.Status.ACCEPTED for a in audits),
        "has_open": any(a.status != Audit.Status.ACCEPTED for a in audits),
    }
