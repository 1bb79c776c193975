"""Demo "You said, we did" summaries: two approved on York's public page, one waiting for
a commissioner, and one on Herefordshire's page. An audit that has a summary is left
alone, so loading twice changes nothing."""

from django.db import transaction

from audits.models import Audit
from partnership.models import Membership, Partnership, Role

from . import yswd_services as services
from .yswd_models import YouSaidWeDid

# (partnership, project title, writer's role, approved?, you said, we did, next)
SUMMARIES = [
    (
        "york",
        "Redesign of the short breaks offer",
        Role.SERVICE_LEAD,
        True,
        "You said booking a short break was hard. You said there were not enough activities "
        "for older children.",
        "We made the booking form shorter with parents. It now has 5 questions. We added "
        "Saturday clubs for young people aged 14 to 18.",
        "We will ask families again in March. We will tell you what changed on this page.",
    ),
    (
        "york",
        "Family-friendly clinic letters",
        Role.ADMIN,
        True,
        "You said our letters were hard to read. You said you did not know who to call.",
        "We wrote the letters again with parent carers. The letters now use short words. "
        "Every letter has one phone number at the top.",
        "We will check the new letters with families every year.",
    ),
    (
        "york",
        "EHC needs assessment: advice written with families",
        Role.ADMIN,
        False,
        "You said you wanted to see the advice before it was sent.",
        "Families now read the advice first. They can ask for changes.",
        "We will ask young people how this works for them.",
    ),
    (
        "herefordshire",
        "Co-produced EHC plan template",
        Role.ADMIN,
        True,
        "You said plans did not sound like your child.",
        "We wrote a new plan template with families. It starts with what your child likes.",
        "We will use the new template for every plan from next term.",
    ),
]


def _member(partnership, role):
    return (
        Membership.objects.filter(partnership=partnership, role=role, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load():
    made = 0
    for slug, title, writer_role, approve, you_said, we_did, next_steps in SUMMARIES:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        audit = (
            Audit.objects.filter(partnership=partnership, project__title=title)
            .latest_accepted()
            .first()
        )
        if audit is None or YouSaidWeDid.objects.filter(audit=audit).exists():
            continue
        writer = _member(partnership, writer_role)
        summary = services.summary_save(
            audit=audit,
            membership=writer,
            by=writer.user,
            you_said=you_said,
            we_did=we_did,
            next_steps=next_steps,
            send=True,
        )
        if approve:
            commissioner = _member(partnership, Role.COMMISSIONER)
            services.summary_approve(summary=summary, membership=commissioner, by=commissioner.user)
        made += 1
    return made
