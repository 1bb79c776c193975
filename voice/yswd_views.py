""" "You said, we did": the public page, and the pages that write and approve summaries."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audits.models import Audit
from partnership.access import AUDIT_EDITORS, MANAGERS, REVIEWERS, partnership_view
from partnership.models import Partnership, Role

from . import yswd_services as services
from .yswd_forms import DecisionForm, PublicPageSettingsForm, SummaryForm
from .yswd_models import PublicPageSettings, YouSaidWeDid


def _url(request, name, **kwargs):
    return reverse(f"voice:{name}", kwargs={"slug": request.partnership.slug, **kwargs})


def public_page(request, slug):
    """Anyone, without signing in: the partnership's approved summaries, by service.

    Only the approved words are shown (and the ratings, when an admin chose to show
    them); never a person's name or anything else of the partnership.
    """
    partnership = get_object_or_404(Partnership, slug=slug)
    page_settings = PublicPageSettings.for_partnership(partnership)
    summaries = (
        YouSaidWeDid.objects.for_partnership(partnership)
        .approved()
        .select_related("audit__project__service", "audit__outcome")
        .order_by("audit__project__service__name", "audit__project__service_id", "-approved_at")
    )
    services_list = [
        (service, list(items))
        for service, items in groupby(summaries, key=lambda s: s.audit.project.service)
    ]
    return render(
        request,
        "voice/yswd/public.html",
        {
            "public_partnership": partnership,
            "services": services_list,
            "show_ratings": page_settings.show_ratings,
        },
    )


def _writable_audits(request):
    audits = Audit.objects.for_partnership(request.partnership).filter(status=Audit.Status.ACCEPTED)
    if request.membership.role == Role.SERVICE_LEAD:
        audits = audits.filter(project__service__in=request.membership.services.all())
    return audits


@partnership_view(AUDIT_EDITORS)
def manage(request):
    """Service leads (their services), commissioners and admins: every summary by state,
    and the accepted audits that have none yet."""
    summaries = (
        YouSaidWeDid.objects.filter(audit__in=_writable_audits(request))
        .select_related("audit__project__service")
        .order_by("audit__project__title", "-pk")
    )
    by_status = {status: [] for status in YouSaidWeDid.Status.values}
    for summary in summaries:
        by_status[summary.status].append(summary)
    without = (
        _writable_audits(request)
        .latest_accepted()
        .filter(partnership=request.partnership, you_said_we_did__isnull=True)
        .select_related("project__service")
        .order_by("project__title")
    )
    if request.membership.role == Role.SERVICE_LEAD:
        without = without.filter(project__service__in=request.membership.services.all())
    return render(
        request,
        "voice/yswd/manage.html",
        {
            "awaiting": by_status[YouSaidWeDid.Status.AWAITING_APPROVAL],
            "sent_back": by_status[YouSaidWeDid.Status.SENT_BACK],
            "drafts": by_status[YouSaidWeDid.Status.DRAFT],
            "approved": by_status[YouSaidWeDid.Status.APPROVED],
            "without": list(without[:200]),
            "can_decide": services.can_decide(request.membership),
        },
    )


@partnership_view(AUDIT_EDITORS)
def write(request, pk):
    """The audit's service's leads, commissioners and admins, once the audit is accepted."""
    audit = get_object_or_404(
        Audit.objects.for_partnership(request.partnership).select_related(
            "project__service", "outcome"
        ),
        pk=pk,
    )
    if not services.can_write(audit, request.membership):
        if audit.status != Audit.Status.ACCEPTED:
            messages.info(
                request, "A “You said, we did” summary is written once the audit is accepted."
            )
            return redirect(reverse("audits:audit_view", args=[request.partnership.slug, pk]))
        raise PermissionDenied("Only the service’s leads, commissioners and admins write this.")
    summary = YouSaidWeDid.objects.filter(audit=audit).first()
    initial = (
        {"you_said": summary.you_said, "we_did": summary.we_did, "next_steps": summary.next_steps}
        if summary
        else {}
    )
    form = SummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        send = "send" in request.POST
        summary = services.summary_save(
            audit=audit,
            membership=request.membership,
            by=request.user,
            send=send,
            **form.cleaned_data,
        )
        messages.success(
            request,
            "Sent to a commissioner for approval."
            if send
            else "Saved. Send it for approval when it is ready.",
        )
        return redirect(_url(request, "yswd_manage"))
    return render(
        request, "voice/yswd/write.html", {"audit": audit, "summary": summary, "form": form}
    )


@partnership_view(REVIEWERS)
def review(request, pk):
    """Commissioners and admins: approve the summary for the public page, or send it back."""
    summary = get_object_or_404(
        YouSaidWeDid.objects.for_partnership(request.partnership).select_related(
            "audit__project__service", "written_by"
        ),
        pk=pk,
    )
    refusal = services.decide_refusal(summary, request.membership)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            if form.cleaned_data["decision"] == "approve":
                services.summary_approve(
                    summary=summary, membership=request.membership, by=request.user
                )
                messages.success(request, "Approved. It is now on the public page.")
            else:
                services.summary_send_back(
                    summary=summary,
                    membership=request.membership,
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
                messages.success(request, "Sent back to the writer with your note.")
            return redirect(_url(request, "yswd_manage"))
    return render(
        request,
        "voice/yswd/review.html",
        {"summary": summary, "form": form, "refusal": refusal},
    )


@partnership_view(MANAGERS)
def public_settings(request):
    """Admins: whether the public page shows ratings."""
    current = PublicPageSettings.for_partnership(request.partnership)
    form = PublicPageSettingsForm(
        request.POST or None, initial={"show_ratings": current.show_ratings}
    )
    if request.method == "POST" and form.is_valid():
        services.public_page_settings_save(
            partnership=request.partnership, show_ratings=form.cleaned_data["show_ratings"]
        )
        messages.success(request, "The public page settings have been saved.")
        return redirect(_url(request, "yswd_settings"))
    return render(request, "voice/yswd/settings.html", {"form": form})
