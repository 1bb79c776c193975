from django import template

from ..models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """The header's link to the person's notifications, with the number unread."""
    request = context["request"]
    partnership = getattr(request, "partnership", None)
    if partnership is None or not request.user.is_authenticated:
        return {"show": False}
    unread = (
        Notification.objects.filter(partnership=partnership, recipient=request.user)
        .unread()
        .count()
    )
    return {"show": True, "partnership": partnership, "unread": unread}
