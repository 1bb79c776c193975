"""Survey results and the check-and-challenge flag on pages of lower apps (the audit page,
the review page, the audit PDF), which load these tags rather than import voice."""

from django import template

from partnership.models import Role

from ..surveys import selectors

register = template.Library()


def _until(audit):
    # An accepted audit is a record of its day: later answers are for the next audit.
    return audit.accepted_at if audit.status == "accepted" else None


def _may_manage(context, audit):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    if membership.role in (Role.ADMIN, Role.COMMISSIONER):
        return True
    return membership.role == Role.SERVICE_LEAD and any(
        s.pk == audit.project.service_id for s in membership.services.all()
    )


@register.inclusion_tag("voice/surveys/_audit_results.html", takes_context=True)
def survey_results_for_audit(context, audit, assessments, pdf=False, flags=True):
    """The survey results of the audit's project and any check-and-challenge flags."""
    partnership = audit.partnership
    results = selectors.project_results(partnership, audit.project, until=_until(audit))
    found = (
        selectors.principle_flags(partnership, audit.project, assessments, until=_until(audit))
        if flags or pdf
        else []
    )
    return {
        "audit": audit,
        "results": results,
        "flags": found,
        "show_flags": flags,
        "pdf": pdf,
        "partnership": partnership,
        "can_manage": not pdf and _may_manage(context, audit),
    }


@register.inclusion_tag("voice/surveys/_flags.html")
def survey_flags(audit, assessments):
    """Only the check-and-challenge flags, for the review page."""
    return {
        "audit": audit,
        "flags": selectors.principle_flags(
            audit.partnership, audit.project, assessments, until=_until(audit)
        ),
        "partnership": audit.partnership,
    }


@register.inclusion_tag("voice/surveys/_project_survey.html", takes_context=True)
def project_survey(context, project):
    """The project page's survey section, for the people who manage its audits."""
    request = context["request"]
    membership = request.membership
    if not membership.may_work_on(project.service_id):
        return {"show": False}
    links = list(project.survey_links.all())
    counts = selectors.response_counts(request.partnership, [link.pk for link in links])
    return {
        "show": True,
        "project": project,
        "partnership": request.partnership,
        "open_links": sum(1 for link in links if link.is_open),
        "responses": sum(counts.values()),
    }
