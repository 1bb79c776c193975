"""Demo audits in every state over the last three years, so re-audits exist.

A project that already has audits is left alone, so loading twice changes nothing.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from partnership.models import Membership, Partnership, Project, Role

from . import demo_family, services
from .models import Action, Audit, AuditEvent, Evidence, ReviewComment

NOTES = {
    1: {
        1: "Parents were invited to one planning meeting; attendance was low and we did not "
        "follow up. "
        "Young people were not asked directly.",
        2: "Parent carers from York Inspirational Kids sat on the project group from the start and "
        "agreed the priorities. Two young people joined the design workshops.",
        3: "Families co-chaired the project group, set the priorities and agreed every decision. "
        "Young people led two of the six workshops and presented the findings to the board.",
    },
    2: {
        1: "We did not send a 'you said, we did' summary after the consultation closed. Two "
        "complaints were logged but not followed up within the timescale.",
        2: "A 'you said, we did' newsletter went to all participants, a month late in one case. "
        "Compliments and complaints are logged; most were followed up.",
        3: "Every participant received feedback within two weeks. We celebrated the new offer at a "
        "family event and shared the approach at the regional SEND network.",
    },
    3: {
        1: "Families attended meetings but decisions had already been made by officers.",
        2: "Families' views changed the eligibility criteria; the minutes show where.",
        3: "Decisions were explained and agreed with families as equal members; the group shares "
        "responsibility for the delivery plan.",
    },
    4: {
        1: "The same small group of parents was involved as in the last project; one survey.",
        2: "We reached new families through schools and the SENDIASS newsletter; 34 new people "
        "took part.",
        3: "New networks through youth clubs, the college and a Polish community group; online and "
        "evening sessions doubled the number of people involved.",
    },
    5: {
        1: "Materials were only in English and only online; feedback said the survey was hard to "
        "follow. We did not change it.",
        2: "Easy read and translated versions were offered; sessions were in accessible venues.",
        3: "Sessions were co-designed with disabled young people, with BSL interpreters and "
        "sensory "
        "packs. Families from groups we rarely hear from took part.",
    },
    6: {
        1: "There is little evidence that families' voices shaped the final offer.",
        2: "At least one change in the final offer came directly from young people's ideas.",
        3: "Parent carers now co-deliver the training for staff; several changes in the final "
        "offer came from families and are evidenced in the report.",
    },
}

SUMMARIES = {
    1: "The project involved families, but late and not consistently. The action plan focuses on "
    "involving families from the start and closing the feedback loop.",
    2: "Families shaped the main decisions and the feedback loop works. Reaching more families, "
    "especially young people, is the next step.",
    3: "Joint partnership ran through the whole project, with families as equal partners from "
    "start to finish. The approach is being shared across the partnership.",
}

# (project title, [(audit date, six levels, final state)]); states: accepted, submitted,
# returned, draft. Later rows of one project are re-audits carried forward from the earlier.
YORK_PLAN = [
    (
        "Redesign of the short breaks offer",
        [
            (date(2024, 3, 12), [2, 1, 2, 1, 2, 2], "accepted"),
            (date(2026, 2, 10), [3, 2, 2, 2, 3, 2], "accepted"),
            (None, None, "draft"),
        ],
    ),
    (
        "Holiday activity programme for disabled young people",
        [
            (date(2023, 6, 5), [1, 1, 2, 1, 1, 1], "accepted"),
        ],
    ),
    (
        "Speech and language therapy waiting list",
        [
            (date(2026, 11, 2), [2, 2, 2, 1, 2, 2], "submitted"),
        ],
    ),
    (
        "Autism training for mainstream schools",
        [
            (date(2026, 10, 14), [3, 2, 3, 2, 2, 3], "returned"),
        ],
    ),
    (
        "EHC needs assessment: advice written with families",
        [
            (date(2024, 5, 20), [3, 3, 2, 3, 3, 2], "accepted"),
            (date(2025, 6, 2), [2, 2, 2, 2, 1, 2], "accepted"),
        ],
    ),
    (
        "Preparing for Adulthood pathway",
        [
            (date(2024, 1, 15), [3, 3, 3, 3, 2, 3], "accepted"),
        ],
    ),
    (
        "Neurodevelopmental pathway redesign",
        [
            (date(2026, 11, 16), [2, 1, 1, 2, 2, 1], "submitted"),
        ],
    ),
    (
        "Local Offer website review",
        [
            (date(2026, 11, 18), [2, 2, None, None, None, None], "draft"),
        ],
    ),
    (
        "Family-friendly clinic letters",
        [
            (date(2023, 11, 8), [2, 2, 2, 2, 2, 2], "accepted"),
            (date(2026, 6, 15), [3, 2, 3, 2, 2, 3], "accepted"),
        ],
    ),
]

HEREFORDSHIRE_PLAN = [
    (
        "Co-produced EHC plan template",
        [
            (date(2025, 9, 9), [2, 3, 2, 2, 2, 3], "accepted"),
        ],
    ),
    (
        "Continence service information",
        [
            (date(2026, 11, 10), [1, 2, None, None, None, None], "draft"),
        ],
    ),
]


def _at(day, hours=10):
    return timezone.make_aware(datetime.combine(day, time(hours)))


def _outcome_rank(levels):
    if levels.count(3) >= 4 and 1 not in levels:
        return 3
    if levels.count(1) >= 2:
        return 1
    return 2


def _ladder_reached(levels):
    """A rung of the ladder that goes with the scores: mostly Excellent reached
    Co-production, mostly Room for Improvement only Information."""
    total = sum(levels)
    if total >= 16:
        return "co_production"
    if total >= 12:
        return "participation"
    if total >= 9:
        return "consultation"
    return "information"


def _fill(audit, membership, lead, levels, audit_date):
    framework = audit.framework
    level_by_rank = {level.rank: level for level in framework.levels.all()}
    services.audit_details_save(
        audit=audit,
        membership=membership,
        audit_date=audit_date,
        people=[
            (lead.full_name, "Service lead"),
            ("Parent carer representative", "York Inspirational Kids"),
        ],
        expected_version=audit.version,
    )
    audit.refresh_from_db()
    for assessment in audit.assessments.select_related("principle"):
        rank = levels[assessment.principle.number - 1]
        if rank is None:
            continue
        services.assessment_save(
            assessment=assessment,
            membership=membership,
            level=level_by_rank[rank],
            notes=NOTES[assessment.principle.number][rank],
            expected_version=assessment.version,
        )
        if assessment.principle.number == 2:
            Evidence.objects.create(
                audit=audit,
                assessment=assessment,
                kind=Evidence.Kind.LINK,
                title="'You said, we did' newsletter",
                url="https://www.example.org/you-said-we-did",
                added_by=lead,
            )
    if None in levels:
        return audit
    outcome = framework.outcomes.get(rank=_outcome_rank(levels))
    review = audit_date.replace(year=audit_date.year + 1)
    services.audit_summary_save(
        audit=audit,
        membership=membership,
        ladder_reached=_ladder_reached(levels),
        outcome=outcome,
        summary=SUMMARIES[outcome.rank],
        review_date=max(review, timezone.localdate() + timedelta(days=1)),
        actions=[
            {
                "what": "Send a 'you said, we did' summary to every participant within two weeks.",
                "who": "Service lead",
                "due_date": audit_date + timedelta(days=60),
            },
            {
                "what": "Hold an evening session and an online session for working parents.",
                "who": "Parent carer forum",
                "due_date": audit_date + timedelta(days=120),
            },
        ],
        expected_version=audit.version,
    )
    audit.refresh_from_db()
    # The real review date, which may already have passed for older audits.
    Audit.objects.filter(pk=audit.pk).update(review_date=review)
    audit.refresh_from_db()
    return audit


def _backdate(audit, day):
    Audit.objects.filter(pk=audit.pk).update(created_at=_at(day, 9))
    audit.events.update(at=_at(day, 9))


def _submit(audit, membership, lead, day):
    services.audit_submit(
        audit=audit,
        membership=membership,
        by=lead,
        name=lead.full_name,
        designation="Service lead",
        confirmed=True,
        today=day,
    )
    Audit.objects.filter(pk=audit.pk).update(submitted_at=_at(day, 15), signed_at=_at(day, 15))
    AuditEvent.objects.filter(audit=audit, kind__in=["submitted", "resubmitted"]).update(
        at=_at(day, 15)
    )


def _load_plan(partnership, plan):
    lead_membership = Membership.objects.get(
        partnership=partnership,
        role=Role.SERVICE_LEAD,
        user__email=f"lead@{partnership.slug}.example",
    )
    reviewer = Membership.objects.get(
        partnership=partnership,
        role=Role.COMMISSIONER,
        user__email=f"commissioner@{partnership.slug}.example",
    )
    admin = Membership.objects.get(partnership=partnership, role=Role.ADMIN)
    for title, rounds in plan:
        project = Project.objects.get(partnership=partnership, title=title)
        if project.audits.exists():
            continue
        # The demo lead covers some services; others are filled in by the admin.
        editor = lead_membership if lead_membership.may_work_on(project.service_id) else admin
        lead = editor.user
        for index, (day, levels, state) in enumerate(rounds):
            audit = services.audit_start(
                project=project, by=lead, membership=editor, carry_forward=index > 0
            )
            if day is None:  # an in-progress re-audit, carried forward as it is
                continue
            _backdate(audit, day)
            _fill(audit, editor, lead, levels, day)
            if state == "draft":
                continue
            _submit(audit, editor, lead, day)
            if state == "returned":
                services.audit_request_changes(
                    audit=audit,
                    membership=reviewer,
                    by=reviewer.user,
                    comments={
                        audit.framework.principles.get(number=4): "Who was involved beyond the "
                        "schools' SENCOs? Please add how young people themselves took part.",
                        None: "A strong audit overall; please add the evidence for principle 4.",
                    },
                )
                ReviewComment.objects.filter(audit=audit).update(
                    created_at=_at(day + timedelta(days=5))
                )
                AuditEvent.objects.filter(audit=audit, kind="returned").update(
                    at=_at(day + timedelta(days=5))
                )
            elif state == "accepted":
                reviewed = day + timedelta(days=14)
                services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
                Audit.objects.filter(pk=audit.pk).update(accepted_at=_at(reviewed))
                AuditEvent.objects.filter(audit=audit, kind="accepted").update(at=_at(reviewed))


def _reminders(partnership, today):
    """Reminder settings, and an action due today and one due in 14 days owned by the lead.

    Done once, on the day the demo is first loaded: the weekly day is that day, so the
    first morning's run sends the due and overdue reminders and the next day's sends
    nothing new.
    """
    from notifications.models import ReminderSettings

    if ReminderSettings.objects.filter(partnership=partnership).exists():
        return
    ReminderSettings.objects.create(partnership=partnership, digest_weekday=today.weekday())
    lead = Membership.objects.filter(
        partnership=partnership, user__email=f"lead@{partnership.slug}.example"
    ).first()
    latest = (
        Audit.objects.filter(partnership=partnership, project__service__in=lead.services.all())
        .latest_accepted()
        .order_by("-audit_date")
        .first()
        if lead
        else None
    )
    if latest is None:
        return
    for action, due in zip(latest.actions.all(), (today, today + timedelta(days=14)), strict=False):
        Action.objects.filter(pk=action.pk).update(
            owner=lead, who=lead.user.full_name, due_date=due, status=Action.Status.IN_PROGRESS
        )


@transaction.atomic
def load(today=None):
    today = today or timezone.localdate()
    for slug, plan in (("york", YORK_PLAN), ("herefordshire", HEREFORDSHIRE_PLAN)):
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership:
            _load_plan(partnership, plan)
            _reminders(partnership, today)
    demo_family.load()
    return Audit.objects.count()
