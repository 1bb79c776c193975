"""Demo of families' check and challenge in York: the parent carer forum's family partner
has rated two audits (one rated lower than the service on two principles, one agreed
already), is halfway through a third, and a parent with no account yet is invited by email.

An audit that already has a family review is left alone, so loading twice changes nothing.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from partnership.models import Invitation, Membership, Partnership, Role

from . import services_family as services
from .models import Audit, FamilyInvitation, FamilyRating, FamilyReview

COMMENTS = {
    1: "We were asked to join, but only after the plan was mostly written.",
    2: "We got a newsletter at the end. It was useful.",
    3: "Our ideas about the booking form were used.",
    4: "It was mostly the same parents as last time.",
    5: "The survey was online only. Some parents I know could not fill it in.",
    6: "My son’s idea for Saturday clubs is in the new offer.",
}

# (project title, families' levels by principle (None: not rated yet), sent, agreed levels)
PLAN = [
    (
        "Redesign of the short breaks offer",
        [2, 2, 2, 2, 1, 2],
        True,
        {
            1: (
                2,
                "Talked through at the forum's March meeting: families joined after the plan "
                "was drafted, so Good is fair until they are in from the start.",
            )
        },
    ),
    ("Speech and language therapy waiting list", [2, 2, 2, 1, 2, 2], True, {}),
    ("Neurodevelopmental pathway redesign", [2, 1, None, None, None, None], False, {}),
]


def _latest(partnership, title):
    return (
        Audit.objects.filter(partnership=partnership, project__title=title)
        .exclude(status=Audit.Status.DRAFT)
        .order_by("-audit_date", "-pk")
        .first()
    )


def load():
    partnership = Partnership.objects.filter(slug="york").first()
    if partnership is None:
        return
    family = Membership.objects.filter(
        partnership=partnership, role=Role.FAMILY_PARTNER, user__email="family@york.example"
    ).first()
    lead = Membership.objects.filter(
        partnership=partnership, user__email="lead@york.example"
    ).first()
    if family is None or lead is None:
        return
    for title, levels, sent, agreed in PLAN:
        audit = _latest(partnership, title)
        if audit is None or FamilyReview.objects.filter(audit=audit).exists():
            continue
        editor = lead if lead.may_work_on(audit.project.service_id) else _admin(partnership)
        services.family_invite(audit=audit, membership=editor, by=editor.user, members=[family])
        review = FamilyReview.objects.get(audit=audit)
        levels_by_rank = {level.rank: level for level in audit.framework.levels.all()}
        for rating in review.ratings.select_related("principle"):
            rank = levels[rating.principle.number - 1]
            if rank is None:
                continue
            services.family_rating_save(
                rating=rating,
                membership=family,
                by=family.user,
                level=levels_by_rank[rank],
                comment=COMMENTS[rating.principle.number],
            )
        if not sent:
            continue
        services.family_review_submit(review=review, membership=family, by=family.user)
        day = (audit.submitted_at or timezone.now()) + timedelta(days=3)
        FamilyReview.objects.filter(pk=review.pk).update(
            submitted_at=timezone.make_aware(datetime.combine(day.date(), time(19)))
        )
        service_levels = {a.principle.number: a.level for a in audit.assessments.all()}
        for number, (rank, note) in agreed.items():
            rating = FamilyRating.objects.get(review=review, principle__number=number)
            services.family_agreed_save(
                rating=rating,
                membership=editor,
                by=editor.user,
                agreed_level=levels_by_rank[rank],
                note=note,
                service_level=service_levels[number],
            )
    _email_invitation(partnership, lead)


def _admin(partnership):
    return Membership.objects.filter(partnership=partnership, role=Role.ADMIN).first()


def _email_invitation(partnership, lead):
    """A parent carer with no account, invited by email to one audit. Made directly, so
    loading the demo sends no email."""
    audit = _latest(partnership, "Autism training for mainstream schools")
    if audit is None or FamilyInvitation.objects.filter(audit=audit).exists():
        return
    editor = lead if lead.may_work_on(audit.project.service_id) else _admin(partnership)
    invitation = Invitation.objects.filter(
        partnership=partnership, email="parent.carer@york.example"
    ).first() or Invitation.objects.create(
        partnership=partnership,
        email="parent.carer@york.example",
        full_name="A parent carer",
        role=Role.FAMILY_PARTNER,
        invited_by=editor.user,
    )
    services.family_review_for(audit)
    FamilyInvitation.objects.create(audit=audit, invitation=invitation, invited_by=editor.user)
