"""What needs a person's attention, for the top of their home page.

Each section is a small function of (membership, today) that returns a `Section`, or
None when there is nothing to show. `SECTIONS` lists them per role, in the order they
appear; a new kind of work (board packs, actions due) is one more function and one more
template in templates/reporting/attention/, added to the roles that act on it.

Every section makes a fixed number of queries (a count and the first few rows), however
much work is waiting, and every query starts from the member's partnership.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from audits.models import Action, Audit
from audits.selectors_family import invited_audits, with_levels_to_agree
from partnership.models import Invitation, Project, Role, Service

from . import selectors
from .filters import parse_filters
from .models import BoardPack

# How many rows a section lists before "See all"; the count always covers them all.
SHOWN = 5
# How far ahead a review counts as "due soon".
DUE_SOON_DAYS = 60
# How far ahead an action counts as due (as the reminders' first notice).
ACTIONS_DUE_DAYS = 14


@dataclass
class Section:
    key: str
    title: str
    template: str
    items: list
    total: int
    more_url: str = ""
    more_label: str = ""
    extra: dict = field(default_factory=dict)


def _url(membership, name, **kwargs):
    return reverse(name, kwargs={"slug": membership.partnership.slug, **kwargs})


def _section(key, title, queryset, *, template=None, more_url="", more_label=""):
    """Count and the first rows of `queryset`: two queries, or one when it is empty."""
    total = queryset.count()
    if not total:
        return None
    return Section(
        key=key,
        title=title,
        template=template or f"reporting/attention/{key}.html",
        items=list(queryset[:SHOWN]),
        total=total,
        more_url=more_url if total > SHOWN else "",
        more_label=more_label,
    )


def _lead_audits(membership):
    return Audit.objects.filter(
        partnership_id=membership.partnership_id,
        project__service__in=membership.services.filter(active=True),
    ).select_related("project__service__organisation")


def _portfolio_filters(membership):
    # The portfolio's own scoping: a service lead's filters carry their services.
    return parse_filters(QueryDict(), membership.partnership, membership)


# Service leads ---------------------------------------------------------------------------


def returned_to_lead(membership, today):
    audits = (
        _lead_audits(membership)
        .filter(status=Audit.Status.CHANGES_REQUESTED)
        .annotate(open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True)))
        .order_by("updated_at", "pk")
    )
    return _section(
        "returned",
        "Audits returned to you for changes",
        audits,
        more_url=_url(membership, "audits:audit_list") + "?status=changes_requested",
        more_label="See all audits returned for changes",
    )


def drafts_in_progress(membership, today):
    audits = _lead_audits(membership).filter(status=Audit.Status.DRAFT).order_by("-updated_at")
    return _section(
        "drafts",
        "Audits you have started",
        audits,
        more_url=_url(membership, "audits:audit_list") + "?status=draft",
        more_label="See all draft audits",
    )


def _reviews(membership, today, *, overdue):
    filters = _portfolio_filters(membership)
    partnership = membership.partnership
    if overdue:
        audits = selectors.reviews_overdue(partnership, filters, today)
        key, title, figure = "reviews_overdue", "Reviews overdue", "overdue"
    else:
        audits = selectors.reviews_due(partnership, filters, days=DUE_SOON_DAYS, today=today)
        key, title, figure = "reviews_due", "Reviews due soon", "due"
    audits = audits.select_related("project__service__organisation").order_by("review_date", "pk")
    section = _section(
        key,
        title,
        audits,
        template="reporting/attention/reviews.html",
        more_url=_url(membership, "reporting:drill_down") + f"?figure={figure}",
        more_label=f"See all {title.lower()}",
    )
    if section:
        section.extra = {"overdue": overdue, "days": DUE_SOON_DAYS}
    return section


def reviews_overdue(membership, today):
    return _reviews(membership, today, overdue=True)


def reviews_due_soon(membership, today):
    return _reviews(membership, today, overdue=False)


# Commissioners ---------------------------------------------------------------------------


def waiting_for_review(membership, today):
    audits = (
        Audit.objects.filter(partnership_id=membership.partnership_id)
        .submitted()
        .select_related("project__service__organisation")
        .order_by("submitted_at", "pk")
    )
    section = _section(
        "waiting",
        "Audits waiting for your review",
        audits,
        more_url=_url(membership, "audits:review_list"),
        more_label="See all audits waiting for review",
    )
    if section:
        now = timezone.now()
        for audit in section.items:
            audit.days_waiting = (now - audit.submitted_at).days if audit.submitted_at else 0
    return section


def actions_overdue(membership, today):
    filters = _portfolio_filters(membership)
    actions = (
        selectors.actions_overdue(membership.partnership, filters, today)
        .select_related("audit__project")
        .order_by("due_date", "pk")
    )
    return _section(
        "actions_overdue",
        "Actions overdue",
        actions,
        more_url=_url(membership, "reporting:drill_down") + "?figure=actions",
        more_label="See all audits with overdue actions",
    )


def own_actions_due(membership, today):
    """Open actions the lead owns, or that nobody in the partnership owns on their
    services, due within a fortnight or already overdue."""
    services = membership.services.filter(active=True)
    mine = Q(owner=membership) | Q(owner__isnull=True, audit__project__service__in=services)
    # Read first: a short list of ids lets PostgreSQL rank just those projects' audits
    # by index, where the same condition as a subquery has it scan the partnership's.
    projects = list(
        Project.objects.filter(
            Q(service__in=services) | Q(pk__in=Action.objects.owned_projects(membership)),
            partnership_id=membership.partnership_id,
        ).values_list("pk", flat=True)
    )
    actions = (
        Action.objects.live(membership.partnership, projects)
        .open()
        .filter(mine, due_date__lte=today + timezone.timedelta(days=ACTIONS_DUE_DAYS))
        .select_related("audit__project")
        .order_by("due_date", "pk")
    )
    section = _section(
        "own_actions",
        "Your actions due",
        actions,
        more_url=_url(membership, "audits:action_list") + "?status=open",
        more_label="See all actions",
    )
    if section:
        for action in section.items:
            action.overdue = action.due_date < today
    return section


# Board members ---------------------------------------------------------------------------


def board_packs(membership, today):
    packs = BoardPack.objects.filter(
        partnership_id=membership.partnership_id, status=BoardPack.Status.READY
    ).order_by("-created_at", "-pk")
    return _section(
        "packs",
        "Board packs ready to read",
        packs,
        more_url=_url(membership, "reporting:pack_list"),
        more_label="See all board packs",
    )


def latest_accepted(membership, today):
    audits = (
        Audit.objects.filter(partnership_id=membership.partnership_id, status=Audit.Status.ACCEPTED)
        .select_related("project__service__organisation", "outcome")
        .order_by("-accepted_at", "-pk")
    )
    return _section(
        "accepted",
        "Latest accepted audits",
        audits,
        more_url=_url(membership, "audits:audit_list") + "?status=accepted",
        more_label="See all accepted audits",
    )


# Partnership admins ----------------------------------------------------------------------


def pending_invitations(membership, today):
    invitations = (
        Invitation.objects.filter(partnership_id=membership.partnership_id)
        .pending()
        .order_by("expires_at", "pk")
    )
    return _section(
        "invitations",
        "Invitations not yet accepted",
        invitations,
        more_url=_url(membership, "partnership:people_list"),
        more_label="See all invitations",
    )


def services_without_lead(membership, today):
    leads = Q(
        memberships__role=Role.SERVICE_LEAD,
        memberships__active=True,
        memberships__partnership_id=membership.partnership_id,
    )
    services = (
        Service.objects.filter(partnership_id=membership.partnership_id, active=True)
        .annotate(leads=Count("memberships", filter=leads))
        .filter(leads=0)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    return _section(
        "no_lead",
        "Services with no service lead",
        services,
        more_url=_url(membership, "partnership:service_list") + "?active=yes",
        more_label="See all services",
    )


def family_levels_to_agree(membership, today):
    """The lead's audits where families rated a principle differently and no level is agreed."""
    return _section(
        "family_agree",
        "Agree levels with families",
        with_levels_to_agree(_lead_audits(membership))
        .select_related("family_review")
        .order_by("-family_review__submitted_at"),
    )


# Family partners --------------------------------------------------------------------------


def family_ratings_waiting(membership, today):
    """Audits this family partner is invited to whose ratings are not sent yet."""
    audits = invited_audits(membership).exclude(family_review__submitted_at__isnull=False)
    return _section(
        "family_waiting",
        "Audits waiting for your ratings",
        audits,
        more_url=_url(membership, "partnership:home") + "#family-audits",
        more_label="See all the audits you are asked to rate",
    )


SECTIONS = {
    Role.SERVICE_LEAD: [
        returned_to_lead,
        drafts_in_progress,
        reviews_overdue,
        reviews_due_soon,
        own_actions_due,
        family_levels_to_agree,
    ],
    Role.COMMISSIONER: [waiting_for_review, reviews_overdue, actions_overdue],
    Role.BOARD_MEMBER: [board_packs, latest_accepted],
    Role.ADMIN: [pending_invitations, services_without_lead],
    Role.FAMILY_PARTNER: [family_ratings_waiting],
}


def needs_attention(membership, today=None):
    """The sections with something in them for this member, in their role's order."""
    today = today or timezone.localdate()
    sections = (fn(membership, today) for fn in SECTIONS.get(membership.role, []))
    return [section for section in sections if section is not None]
