"""Check and challenge: the audits waiting for review, and returning or accepting one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from partnership.access import REVIEWERS, partnership_view

from . import services
from .forms import ReviewForm
from .models import Audit
from .selectors import load_audit
from .views import _audit, _url

REVIEWS_PER_PAGE = 50


@partnership_view(REVIEWERS)
def review_list(request):
    """Commissioners and admins: submitted audits, oldest first."""
    audits = (
        Audit.objects.for_partnership(request.partnership)
        .submitted()
        .select_related("project__service__organisation")
        .order_by("submitted_at", "pk")
    )
    # A page at a time: in audit season hundreds can be waiting, and the page must not
    # grow with them.
    page = Paginator(audits, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.now()
    rows = [
        (audit, (today - audit.submitted_at).days if audit.submitted_at else 0)
        for audit in page.object_list
    ]
    return render(request, "audits/review_list.html", {"rows": rows, "page": page})


@partnership_view(REVIEWERS)
def audit_review(request, pk):
    """Commissioners and admins: comment per principle, then return or accept."""
    audit, assessments = load_audit(_audit(request, pk))
    if audit.status != Audit.Status.SUBMITTED:
        if request.method == "POST":
            raise PermissionDenied(
                f"This audit is {audit.get_status_display().lower()}; "
                "only submitted audits are reviewed."
            )
        messages.warning(
            request,
            f"This audit is {audit.get_status_display().lower()}, so it is not waiting for review.",
        )
        return redirect(_url(request, "audit_view", pk=audit.pk))
    principles = [a.principle for a in assessments]
    form = ReviewForm(request.POST or None, principles=principles)
    accept_refusal = services.accept_refusal(audit, request.user)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("decision")
        if action == "accept" and accept_refusal:
            form.add_error(None, accept_refusal)
        elif action == "accept":
            # Accepting cannot be undone: show what is being accepted and ask once more.
            return render(
                request,
                "audits/review_confirm.html",
                {
                    "audit": audit,
                    "assessments": assessments,
                    "form": form,
                    "written": [
                        (principle, text)
                        for principle, text in form.comments().items()
                        if text.strip()
                    ],
                },
            )
        elif action == "back":
            # Back from the confirmation, with every comment as it was typed.
            pass
        else:
            try:
                _review_decide(request, audit, form, action)
            except services.AuditError as error:
                form.add_error(None, str(error))
            else:
                return redirect(_url(request, "review_list"))
    return render(
        request,
        "audits/review.html",
        {
            "audit": audit,
            "assessments": assessments,
            "form": form,
            "previous_comments": list(audit.comments.all()),
            "accept_refusal": accept_refusal,
        },
    )


def _review_decide(request, audit, form, action):
    """Return the audit, or accept it once the confirmation has been seen."""
    if action == "return":
        services.audit_request_changes(
            audit=audit, membership=request.membership, by=request.user, comments=form.comments()
        )
        messages.success(request, "The audit has been returned to the service with your comments.")
    elif action == "accept_confirmed":
        services.audit_accept(
            audit=audit, membership=request.membership, by=request.user, comments=form.comments()
        )
        messages.success(request, "The audit has been accepted.")
    else:
        raise services.AuditError("Choose whether to return the audit or accept it.")
