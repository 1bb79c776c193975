"""Audits built through the services, so they are in states the product can reach."""

from datetime import timedelta

from django.utils import timezone

from audits import services
from audits.models import Audit


def start_audit(area, membership=None, project=None):
    from partnership.models import Role

    membership = membership or area.members[Role.ADMIN]
    return services.audit_start(
        project=project or area.project, by=membership.user, membership=membership
    )


def fill_audit(audit, membership, rank=2):
    """Complete every task; `rank` is the level chosen for every principle."""
    today = timezone.localdate()
    services.audit_details_save(
        audit=audit,
        membership=membership,
        audit_date=today,
        people=[("Sam Lead", "Service manager")],
        expected_version=Audit.objects.get(pk=audit.pk).version,
    )
    levels = {level.rank: level for level in audit.framework.levels.all()}
    for assessment in audit.assessments.all():
        services.assessment_save(
            assessment=assessment,
            membership=membership,
            level=levels[rank],
            notes=f"Evidence for principle {assessment.principle.number}.",
            expected_version=assessment.version,
        )
    services.audit_summary_save(
        audit=audit,
        membership=membership,
        outcome=audit.framework.outcomes.get(rank=2),
        summary="Families shaped the main decisions.",
        review_date=today + timedelta(days=365),
        actions=[
            {"what": "Share the findings", "who": "Lead", "due_date": today + timedelta(days=30)}
        ],
        expected_version=Audit.objects.get(pk=audit.pk).version,
        ladder_reached="participation",
    )
    audit.refresh_from_db()
    return audit


def submitted_audit(area, membership=None):
    from partnership.models import Role

    membership = membership or area.members[Role.ADMIN]
    return submit_audit(fill_audit(start_audit(area, membership), membership), membership)


def submit_audit(audit, membership):
    """Sign and submit a completed audit."""
    return services.audit_submit(
        audit=audit,
        membership=membership,
        by=membership.user,
        name="Sam Lead",
        designation="Service manager",
        confirmed=True,
    )


def accepted_audit(area):
    from partnership.models import Role

    audit = submitted_audit(area)
    reviewer = area.members[Role.COMMISSIONER]
    return services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
