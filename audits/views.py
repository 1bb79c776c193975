"""Pages for starting, filling in and reading audits (evidence files are in
views_evidence.py, check and challenge in views_review.py).

Every view goes through `partnership_view`; audits are found only through
`Audit.objects.visible_to(request.membership)`, so another partnership's audit, or one
the person may not read, is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from partnership.access import ALL_ROLES, AUDIT_EDITORS, partnership_view
from partnership.models import Membership, Project
from partnership.participation import LadderLevel

from . import services
from .forms import (
    ActionFormSet,
    DetailsForm,
    PeopleFormSet,
    PrincipleForm,
    SignatureForm,
    SummaryForm,
    default_review_date,
)
from .models import Audit
from .selectors import audit_history, load_audit


def _url(request, name, **kwargs):
    return reverse(f"audits:{name}", kwargs={"slug": request.partnership.slug, **kwargs})


def _audit(request, pk):
    return get_object_or_404(
        Audit.objects.visible_to(request.membership).select_related(
            "project__service__organisation", "framework", "outcome", "partnership"
        ),
        pk=pk,
    )


def _editable_audit(request, pk):
    """The audit, if this person may change it now; otherwise a refusal or the read-only page."""
    audit = _audit(request, pk)
    if not services.can_edit(audit, request.membership):
        if request.method == "POST":
            raise PermissionDenied(
                f"This audit is {audit.get_status_display().lower()} and cannot be changed."
                if not audit.is_editable
                else "Your role does not allow you to change this audit."
            )
        return audit, redirect(_url(request, "audit_view", pk=audit.pk))
    return audit, None


def _conflict(request, audit, *, theirs, yours, form, back, title, version=None):
    """Both versions side by side; the typed one can still be saved on purpose."""
    return render(
        request,
        "audits/conflict.html",
        {
            "audit": audit,
            "theirs": theirs,
            "yours": yours,
            "form": form,
            "back": back,
            "title": title,
            "audit_version": version,
        },
        status=409,
    )


@partnership_view(AUDIT_EDITORS)
def audit_start(request, project_pk):
    """Editors of the project's service: start a blank audit or one carried forward."""
    project = get_object_or_404(
        Project.objects.visible_to(request.membership).select_related("service__organisation"),
        pk=project_pk,
    )
    last_accepted = (
        project.audits.filter(status=Audit.Status.ACCEPTED).order_by("-accepted_at").first()
    )
    if request.method == "POST":
        try:
            audit = services.audit_start(
                project=project,
                by=request.user,
                membership=request.membership,
                carry_forward=request.POST.get("carry_forward") == "1",
            )
        except services.AuditError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, "The audit has been started. It saves as you go.")
        return redirect(_url(request, "task_list", pk=audit.pk))
    return render(
        request, "audits/start.html", {"project": project, "last_accepted": last_accepted}
    )


@partnership_view(ALL_ROLES)
def audit_list(request):
    """Everyone: the audits they may read, with where each stands."""
    audits = (
        Audit.objects.visible_to(request.membership)
        .select_related("project__service__organisation", "outcome")
        .order_by("-updated_at")
    )
    status = request.GET.get("status", "")
    if status in Audit.Status.values:
        audits = audits.filter(status=status)
    elif status:
        messages.warning(request, "The filter “Status” was not recognised and has been ignored.")
        status = ""
    audits = list(audits[:200])
    editable = services.editable_service_ids(request.membership)
    for audit in audits:
        # One click to carry on: editors go to the task list, everyone else to the record.
        audit.continue_here = audit.is_editable and (
            editable is None or audit.project.service_id in editable
        )
    return render(
        request,
        "audits/audit_list.html",
        {"audits": audits, "status": status, "statuses": Audit.Status.choices},
    )


@partnership_view(ALL_ROLES)
def task_list(request, pk):
    """Everyone who can read the audit; editors see it as their task list."""
    audit, assessments = load_audit(_audit(request, pk))
    if not services.can_edit(audit, request.membership):
        return redirect(_url(request, "audit_view", pk=audit.pk))
    details, principle_status, summary = services.task_statuses(audit, assessments)
    open_comments = [c for c in audit.comments.all() if c.is_open]
    return render(
        request,
        "audits/task_list.html",
        {
            "audit": audit,
            "assessments": assessments,
            "details_status": details,
            "principle_status": principle_status,
            "summary_status": summary,
            "open_comments": open_comments,
            "all_complete": not services.submission_problems(audit, assessments),
        },
    )


@partnership_view(AUDIT_EDITORS)
def audit_details(request, pk):
    audit, refusal = _editable_audit(request, pk)
    if refusal:
        return refusal
    people = list(audit.people.all())
    initial_people = [{"name": p.name, "designation": p.designation} for p in people]
    rows = max(len(people) + 1, 2)
    if request.method == "POST":
        form = DetailsForm(request.POST)
        formset = PeopleFormSet(request.POST, prefix="people")
        if "add_person" in request.POST and formset.is_valid():
            # Show one more empty row and keep everything typed.
            data = request.POST.copy()
            data["people-TOTAL_FORMS"] = str(int(data.get("people-TOTAL_FORMS", rows)) + 1)
            form, formset = DetailsForm(data), PeopleFormSet(data, prefix="people")
        elif form.is_valid() and formset.is_valid():
            typed = [
                (f.cleaned_data["name"].strip(), f.cleaned_data["designation"].strip())
                for f in formset
                if f.cleaned_data.get("name")
            ]
            if not typed:
                form.add_error(None, "Add at least one person completing the audit")
            else:
                try:
                    services.audit_details_save(
                        audit=audit,
                        membership=request.membership,
                        audit_date=form.cleaned_data["audit_date"],
                        people=typed,
                        expected_version=form.cleaned_data["version"],
                    )
                except services.EditConflict as conflict:
                    data = request.POST.copy()
                    data["version"] = conflict.current.version
                    return _conflict(
                        request,
                        audit,
                        theirs={
                            "Date of audit": conflict.current.audit_date,
                            "People": ", ".join(str(p) for p in conflict.current.people.all()),
                        },
                        yours={
                            "Date of audit": form.cleaned_data["audit_date"],
                            "People": ", ".join(f"{n}, {d}" for n, d in typed),
                        },
                        form=None,
                        back=_url(request, "details", pk=audit.pk),
                        title="Audit details",
                        version=conflict.current.version,
                    )
                return _after_save(request, audit, "details")
    else:
        form = DetailsForm(initial={"audit_date": audit.audit_date, "version": audit.version})
        formset = PeopleFormSet(
            initial=initial_people + [{}] * (rows - len(initial_people)), prefix="people"
        )
        formset.extra = 0
    return render(
        request,
        "audits/details.html",
        {"audit": audit, "form": form, "formset": formset},
    )


def _after_save(request, audit, task, next_url=None):
    if request.POST.get("later"):
        messages.success(
            request, "Your answers have been saved. You can come back to them at any time."
        )
        return redirect(_url(request, "task_list", pk=audit.pk))
    messages.success(request, "Saved.")
    return redirect(next_url or _url(request, "task_list", pk=audit.pk))


@partnership_view(AUDIT_EDITORS)
def principle_edit(request, pk, number):
    audit, refusal = _editable_audit(request, pk)
    if refusal:
        return refusal
    audit, assessments = load_audit(audit, whole=False)
    assessment = next((a for a in assessments if a.principle.number == number), None)
    if assessment is None:
        raise Http404("No such principle in this audit's framework")
    principle = assessment.principle
    levels = list(audit.framework.levels.all())
    descriptors = {d.level_id: d.text for d in principle.descriptors.all()}
    open_comments = [c for c in assessment.principle_comments if c.is_open]
    kwargs = {
        "principle": principle,
        "levels": levels,
        "descriptors": descriptors,
        "comments": open_comments,
    }
    if request.method == "POST":
        form = PrincipleForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            responses = form.responses()
            try:
                services.assessment_save(
                    assessment=assessment,
                    membership=request.membership,
                    level=form.chosen_level(),
                    notes=data["notes"],
                    expected_version=data["version"],
                    responses=responses,
                )
            except services.EditConflict as conflict:
                theirs = conflict.current
                fresh = PrincipleForm(
                    initial={
                        "level": data["level"],
                        "notes": data["notes"],
                        "version": theirs.version,
                    },
                    **kwargs,
                )
                return _conflict(
                    request,
                    audit,
                    theirs={
                        "Score": theirs.level or "Not scored",
                        "Notes or evidence": theirs.notes,
                    },
                    yours={
                        "Score": form.chosen_level() or "Not scored",
                        "Notes or evidence": data["notes"],
                    },
                    form=fresh,
                    back=_url(request, "principle", pk=audit.pk, number=number),
                    title=f"Principle {number}",
                )
            if data.get("evidence_file"):
                services.evidence_add(
                    assessment=assessment,
                    membership=request.membership,
                    by=request.user,
                    title=data["evidence_file_title"],
                    upload=data["evidence_file"],
                    kind_info=form.file_kind,
                )
            if data.get("evidence_url"):
                services.evidence_add(
                    assessment=assessment,
                    membership=request.membership,
                    by=request.user,
                    title=data["evidence_url_title"],
                    url=data["evidence_url"],
                )
            if request.POST.get("stay"):
                messages.success(request, "Saved. The evidence has been added.")
                return redirect(_url(request, "principle", pk=audit.pk, number=number))
            following = next((a for a in assessments if a.principle.number > number), None)
            next_url = (
                _url(request, "principle", pk=audit.pk, number=following.principle.number)
                if following
                else _url(request, "summary", pk=audit.pk)
            )
            return _after_save(request, audit, f"principle-{number}", next_url)
    else:
        form = PrincipleForm(
            initial={
                "level": str(assessment.level_id or ""),
                "notes": assessment.notes,
                "version": assessment.version,
            },
            **kwargs,
        )
    return render(
        request,
        "audits/principle.html",
        {
            "audit": audit,
            "assessment": assessment,
            "principle": principle,
            "form": form,
            "open_comments": open_comments,
            "resolved_comments": [c for c in assessment.principle_comments if not c.is_open],
            "principle_count": len(assessments),
        },
    )


@partnership_view(AUDIT_EDITORS)
def audit_summary(request, pk):
    audit, refusal = _editable_audit(request, pk)
    if refusal:
        return refusal
    audit, assessments = load_audit(audit)
    outcomes = list(audit.framework.outcomes.all())
    suggested, reason = audit.framework.suggest_outcome(
        [a.level.rank if a.level_id else None for a in assessments]
    )
    actions = list(audit.actions.all())
    initial_actions = [
        {
            "id": a.pk,
            "what": a.what,
            "who": "" if a.owner_id else a.who,
            "owner": str(a.owner_id or ""),
            "due_date": a.due_date,
            "done": a.done,
        }
        for a in actions
    ]
    carried = {a.pk for a in actions if a.carried_forward}
    action_kwargs = {
        "audit_date": audit.audit_date,
        "carried_dates": {a.pk: a.due_date for a in actions if a.carried_forward},
        "people": list(
            Membership.objects.filter(partnership=request.partnership, active=True)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        ),
    }
    if request.method == "POST":
        form = SummaryForm(request.POST, outcomes=outcomes)
        formset = ActionFormSet(request.POST, prefix="actions", form_kwargs=action_kwargs)
        if "add_action" in request.POST and formset.is_valid():
            data = request.POST.copy()
            data["actions-TOTAL_FORMS"] = str(int(data.get("actions-TOTAL_FORMS", 1)) + 1)
            form, formset = (
                SummaryForm(data, outcomes=outcomes),
                ActionFormSet(data, prefix="actions", form_kwargs=action_kwargs),
            )
        elif form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset if not f.is_blank]
            try:
                services.audit_summary_save(
                    audit=audit,
                    membership=request.membership,
                    outcome=form.chosen_outcome(),
                    summary=form.cleaned_data["summary"],
                    review_date=form.cleaned_data["review_date"],
                    actions=rows,
                    expected_version=form.cleaned_data["version"],
                    ladder_reached=form.cleaned_data["ladder_reached"],
                )
            except services.EditConflict as conflict:
                current = conflict.current
                return _conflict(
                    request,
                    audit,
                    theirs={
                        "Level of participation reached": current.get_ladder_reached_display()
                        or "Not chosen",
                        "Overall outcome": current.outcome or "Not chosen",
                        "Summary": current.summary,
                        "Review date": current.review_date,
                    },
                    yours={
                        "Level of participation reached": dict(LadderLevel.choices).get(
                            form.cleaned_data["ladder_reached"], "Not chosen"
                        ),
                        "Overall outcome": form.chosen_outcome() or "Not chosen",
                        "Summary": form.cleaned_data["summary"],
                        "Review date": form.cleaned_data["review_date"],
                    },
                    form=None,
                    back=_url(request, "summary", pk=audit.pk),
                    title="Overall summary",
                    version=current.version,
                )
            return _after_save(request, audit, "summary", _url(request, "check", pk=audit.pk))
    else:
        form = SummaryForm(
            initial={
                "ladder_reached": audit.ladder_reached,
                "outcome": str(audit.outcome_id or ""),
                "summary": audit.summary,
                "review_date": audit.review_date or default_review_date(audit.audit_date),
                "version": audit.version,
            },
            outcomes=outcomes,
        )
        formset = ActionFormSet(
            initial=initial_actions + [{}], prefix="actions", form_kwargs=action_kwargs
        )
    return render(
        request,
        "audits/summary.html",
        {
            "audit": audit,
            "form": form,
            "formset": formset,
            "suggested": suggested,
            "reason": reason,
            "assessments": assessments,
            "carried": carried,
            "open_comments": [
                c for c in audit.comments.all() if c.is_open and c.principle_id is None
            ],
        },
    )


@partnership_view(AUDIT_EDITORS)
def audit_check(request, pk):
    """Check your answers, sign and submit."""
    audit, refusal = _editable_audit(request, pk)
    if refusal:
        return refusal
    audit, assessments = load_audit(audit)
    problems = services.submission_problems(audit, assessments)
    if request.method == "POST":
        form = SignatureForm(request.POST)
        if form.is_valid() and not problems:
            try:
                services.audit_submit(
                    audit=audit,
                    membership=request.membership,
                    by=request.user,
                    name=form.cleaned_data["signed_name"],
                    designation=form.cleaned_data["signed_designation"],
                    confirmed=form.cleaned_data["confirmed"],
                )
            except services.AuditError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The audit has been submitted for review.")
                return redirect(_url(request, "audit_view", pk=audit.pk))
    else:
        form = SignatureForm(
            initial={
                "signed_name": audit.signed_name or request.user.full_name,
                "signed_designation": audit.signed_designation,
            }
        )
    return render(
        request,
        "audits/check.html",
        {
            "audit": audit,
            "assessments": assessments,
            "form": form,
            "problems": problems,
            "task_urls": _task_urls(request, audit),
        },
    )


def _task_urls(request, audit):
    urls = {
        "details": _url(request, "details", pk=audit.pk),
        "summary": _url(request, "summary", pk=audit.pk),
        "signature": "#id_signed_name",
    }
    for assessment in audit.assessments.all():
        number = assessment.principle.number
        urls[f"principle-{number}"] = _url(request, "principle", pk=audit.pk, number=number)
    return urls


@partnership_view(ALL_ROLES)
def audit_view(request, pk):
    """Everyone who can read the audit: the whole record, read-only, with its timeline."""
    audit, assessments = load_audit(_audit(request, pk))
    return render(
        request,
        "audits/audit_view.html",
        {
            "audit": audit,
            "assessments": assessments,
            "can_edit": services.can_edit(audit, request.membership),
            "can_review": services.can_review(audit, request.membership),
            "overall_comments": [c for c in audit.comments.all() if c.principle_id is None],
        },
    )


@partnership_view(ALL_ROLES)
def audit_history_view(request, pk):
    """Everyone who can read the audit: every change, who made it and when."""
    audit = _audit(request, pk)
    return render(request, "audits/history.html", {"audit": audit, "changes": audit_history(audit)})
