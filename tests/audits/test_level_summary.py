"""Each audit's one-row summary of its levels (Audit.level_ranks and level_total), which
the portfolio's figures read, stays equal to its assessments through the workflow."""

from django.db.models import Sum

from audits import services
from audits.level_summary import levels_summary_refresh
from audits.models import Audit
from partnership.models import Role
from tests.factories.audits import fill_audit, start_audit, submit_audit


def summary(audit):
    return tuple(Audit.objects.filter(pk=audit.pk).values_list("level_ranks", "level_total")[0])


def from_assessments(audit):
    """The summary worked out here from the assessments themselves."""
    ranks = dict(
        audit.assessments.filter(level__isnull=False).values_list(
            "principle__number", "level__rank"
        )
    )
    numbers = audit.framework.principles.values_list("number", flat=True)
    total = audit.assessments.aggregate(total=Sum("level__rank"))["total"] or 0
    return "".join(str(ranks.get(n, 0)) for n in sorted(numbers)), total


def set_level(audit, membership, number, rank):
    assessment = audit.assessments.get(principle__number=number)
    services.assessment_save(
        assessment=assessment,
        membership=membership,
        level=audit.framework.levels.get(rank=rank) if rank else None,
        notes=f"Evidence for principle {number}.",
        expected_version=assessment.version,
    )


def test_the_summary_follows_each_level_saved_and_is_right_when_accepted(area):
    admin, reviewer = area.members[Role.ADMIN], area.members[Role.COMMISSIONER]
    audit = start_audit(area)
    set_level(audit, admin, 1, 3)
    set_level(audit, admin, 4, 1)
    assert summary(audit) == ("300100", 4) == from_assessments(audit)
    set_level(audit, admin, 1, None)  # a level taken back
    assert summary(audit) == ("000100", 1)
    fill_audit(audit, admin, rank=2)
    for number, rank in ((2, 1), (5, 3)):
        set_level(audit, admin, number, rank)
    submit_audit(audit, admin)
    accepted = services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    assert summary(accepted) == ("212232", 12) == from_assessments(accepted)
    # The instance handed back carries it too, so a later save keeps it.
    assert (accepted.level_ranks, accepted.level_total) == ("212232", 12)


def test_a_returned_audit_changed_and_accepted_has_the_new_levels(area):
    admin, reviewer = area.members[Role.ADMIN], area.members[Role.COMMISSIONER]
    audit = fill_audit(start_audit(area), admin, rank=2)
    submit_audit(audit, admin)
    services.audit_request_changes(
        audit=audit, membership=reviewer, by=reviewer.user, comments={None: "Principle 3?"}
    )
    assert summary(audit) == ("222222", 12)
    set_level(audit, admin, 3, 1)
    submit_audit(audit, admin)
    services.audit_accept(audit=audit, membership=reviewer, by=reviewer.user)
    assert summary(audit) == ("221222", 11) == from_assessments(audit)


def test_a_re_audit_starts_with_the_levels_carried_forward_and_keeps_its_own(area):
    admin, reviewer = area.members[Role.ADMIN], area.members[Role.COMMISSIONER]
    first = fill_audit(start_audit(area), admin, rank=3)
    submit_audit(first, admin)
    services.audit_accept(audit=first, membership=reviewer, by=reviewer.user)
    again = services.audit_start(
        project=area.project, by=admin.user, membership=admin, carry_forward=True
    )
    assert summary(again) == ("333333", 18) == (again.level_ranks, again.level_total)
    set_level(again, admin, 6, 1)
    assert summary(again) == ("333331", 16) == from_assessments(again)
    assert summary(first) == ("333333", 18)  # the accepted audit is untouched


def test_deleting_an_audit_leaves_the_others_summaries_alone(area):
    admin, reviewer = area.members[Role.ADMIN], area.members[Role.COMMISSIONER]
    first = fill_audit(start_audit(area), admin, rank=1)
    submit_audit(first, admin)
    services.audit_accept(audit=first, membership=reviewer, by=reviewer.user)
    second = fill_audit(start_audit(area), admin, rank=2)
    second.actions.all().delete()
    second.delete()
    assert not Audit.objects.filter(pk=second.pk).exists()
    assert summary(first) == ("111111", 6) == from_assessments(first)


def test_the_fill_for_stored_audits_matches_what_the_services_keep(area):
    """The migration's fill: audits whose summary is blank get it from their assessments."""
    admin = area.members[Role.ADMIN]
    audit = fill_audit(start_audit(area), admin, rank=2)
    set_level(audit, admin, 2, 3)
    set_level(audit, admin, 5, None)
    kept = summary(audit)
    Audit.objects.filter(pk=audit.pk).update(level_ranks="", level_total=0)
    assert levels_summary_refresh(Audit.objects.filter(pk=audit.pk)) == 1
    assert summary(audit) == kept == ("232202", 11)
