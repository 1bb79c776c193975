from django import template

from partnership.models import Role

from ..selectors_family import comparison, invited_audits, review_of
from ..services_family import can_agree, can_invite

register = template.Library()


@register.inclusion_tag("audits/family/_home.html", takes_context=True)
def family_home(context):
    """A family partner's home: every audit they are asked to rate, and where it stands."""
    request = context["request"]
    membership = request.membership
    audits = list(invited_audits(membership)) if membership.role == Role.FAMILY_PARTNER else []
    return {"partnership": request.partnership, "audits": audits}


@register.inclusion_tag("audits/family/_panel.html", takes_context=True)
def family_panel(context, audit):
    """Families' check and challenge of `audit`, for the service's and reviewers' pages:
    whether families are invited and, only once they have sent them, their ratings."""
    request = context["request"]
    review = review_of(audit)
    submitted = review is not None and review.is_submitted
    return {
        "partnership": request.partnership,
        "audit": audit,
        "review": review,
        "compared": comparison(audit, review) if submitted else None,
        "can_invite": can_invite(audit, request.membership),
        "can_agree": can_agree(audit, request.membership),
    }
