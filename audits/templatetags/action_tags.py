from django import template
from django.utils import timezone

from ..models import Action

register = template.Library()


@register.inclusion_tag("audits/_my_actions.html", takes_context=True)
def my_actions(context, limit=10):
    """The open actions the signed-in member owns, for their home page."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"actions": []}
    qs = (
        Action.objects.live(request.partnership, Action.objects.owned_projects(membership))
        .open()
        .filter(owner=membership)
        .select_related("audit__project")
        .order_by("due_date", "pk")
    )
    actions = list(qs[: limit + 1])
    return {
        "actions": actions[:limit],
        "more": len(actions) > limit,
        "partnership": request.partnership,
        "membership": membership,
        "today": timezone.localdate(),
    }
