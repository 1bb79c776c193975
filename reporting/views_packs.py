"""Board packs: ask for one from the portfolio's filters, watch it being made, download it.

Admins, commissioners and board members only (the roles table in DESIGN.md); anyone else
in the partnership gets 403, and every pack is looked up from `request.partnership`, so
another partnership's pack is a 404. Files are streamed only through these views.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.access import MANAGERS, partnership_view
from partnership.models import Role, SecurityEvent
from partnership.security import security_event_record

from . import packs, selectors, services
from .filters import parse_filters
from .forms import MeetingForm
from .models import BoardMeeting, BoardPack

PACK_ROLES = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.BOARD_MEMBER})


def _pack(request, pk):
    return get_object_or_404(
        BoardPack.objects.filter(partnership=request.partnership).select_related(
            "requested_by", "meeting", "partnership"
        ),
        pk=pk,
    )


def _fresh(pack):
    """A pack whose worker stopped is shown failed as soon as anyone looks."""
    if pack.status == BoardPack.Status.PREPARING:
        services.board_packs_fail_stuck(partnership=pack.partnership)
        pack.refresh_from_db()
    return pack


@partnership_view(PACK_ROLES)
def pack_list(request):
    """Every pack of the partnership, newest first, and the board's meeting dates."""
    pack_rows = list(
        BoardPack.objects.filter(partnership=request.partnership).select_related(
            "requested_by", "meeting", "partnership"
        )[:200]
    )
    meetings = BoardMeeting.objects.filter(
        partnership=request.partnership, date__gte=timezone.localdate()
    )[:10]
    return render(
        request,
        "reporting/packs/pack_list.html",
        {"packs": pack_rows, "meetings": meetings},
    )


@partnership_view(PACK_ROLES)
def pack_create(request):
    """Ask for a pack of the filters in the query (GET shows them; POST asks)."""
    source = request.POST if request.method == "POST" else request.GET
    filters = parse_filters(source, request.partnership, request.membership)
    for label in filters.problems:
        messages.warning(request, f"The filter “{label}” was not recognised and has been ignored.")
    if request.method == "POST":
        pack, created = services.board_pack_request(
            partnership=request.partnership, by=request.user, filters=filters
        )
        if not created:
            messages.info(
                request,
                "A pack of these filters on the same data was already asked for; this is it.",
            )
        return redirect(pack.get_absolute_url())
    accepted = len(selectors.portfolio_rows(request.partnership, filters))
    return render(
        request,
        "reporting/packs/pack_create.html",
        {
            "filters": filters,
            "filters_text": packs.filters_in_words(filters),
            "audit_count": accepted,
            "hidden": packs.kept_filters(filters),
        },
    )


@partnership_view(PACK_ROLES)
def pack_detail(request, pk):
    """Where the pack is: queued, preparing (n of N audits), ready, or failed."""
    pack = _fresh(_pack(request, pk))
    return render(request, "reporting/packs/pack_detail.html", {"pack": pack})


@partnership_view(PACK_ROLES)
def pack_status(request, pk):
    """The pack's state for the page's own script."""
    pack = _fresh(_pack(request, pk))
    response = JsonResponse(
        {
            "status": pack.status,
            "done": pack.progress_done,
            "total": pack.progress_total,
            "message": _message(pack),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _message(pack):
    if pack.status == BoardPack.Status.QUEUED:
        return "Queued: the pack will be made as soon as the service that makes packs is free."
    if pack.status == BoardPack.Status.PREPARING:
        if pack.progress_total:
            return f"Preparing: {pack.progress_done} of {pack.progress_total} audits"
        return "Preparing: reading the figures"
    if pack.status == BoardPack.Status.READY:
        return "Ready"
    return f"Failed: {pack.failure_reason}"


def _missing(request, pack):
    return render(request, "reporting/packs/pack_missing.html", {"pack": pack}, status=404)


def _stream(request, pack, field, content_type, attachment):
    if pack.status != BoardPack.Status.READY:
        return redirect(pack.get_absolute_url())
    if pack.file_removed_at or not field:
        return _missing(request, pack)
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        return _missing(request, pack)
    stamp = (pack.data_read_at or pack.created_at).strftime("%Y-%m-%d")
    extension = "pdf" if attachment else "html"
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=f"board-pack-{request.partnership.slug}-{stamp}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@partnership_view(PACK_ROLES)
def pack_download(request, pk):
    """The PDF, streamed after the access check."""
    pack = _pack(request, pk)
    response = _stream(request, pack, pack.file, "application/pdf", True)
    if isinstance(response, FileResponse):
        security_event_record(
            kind=SecurityEvent.Kind.BOARD_PACK_DOWNLOADED,
            request=request,
            detail={"pack": pack.pk, "period": pack.period_label},
        )
    return response


@partnership_view(PACK_ROLES)
def pack_html_view(request, pk):
    """The same pack as a web page, for screen readers and large text."""
    pack = _pack(request, pk)
    response = _stream(request, pack, pack.html_file, "text/html; charset=utf-8", False)
    if isinstance(response, FileResponse):
        # The stored page runs no script and loads nothing from elsewhere. It was written
        # by a worker, with no request and so no nonce, so its own <style> blocks are
        # allowed as inline styles; nothing else is.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
            f"report-uri {settings.CSP_REPORT_PATH}; report-to csp"
        )
    return response


@partnership_view(PACK_ROLES)
@require_POST
def pack_retry(request, pk):
    pack = _pack(request, pk)
    if pack.status != BoardPack.Status.FAILED:
        return redirect(pack.get_absolute_url())
    new_pack, _ = services.board_pack_retry(pack=pack, by=request.user)
    return redirect(new_pack.get_absolute_url())


@partnership_view(PACK_ROLES)
def meeting_list(request):
    """The board's meeting dates; admins add them (a pack is made before each)."""
    form = None
    if request.membership.role in MANAGERS:
        form = MeetingForm(request.POST or None, partnership=request.partnership)
        if request.method == "POST" and form.is_valid():
            meeting = services.board_meeting_add(
                partnership=request.partnership,
                date=form.cleaned_data["date"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
            messages.success(request, f"The meeting on {meeting.date:%-d %B %Y} has been added.")
            return redirect("reporting:meeting_list", slug=request.partnership.slug)
    elif request.method == "POST":
        raise PermissionDenied("Only admins record board meetings")
    meetings = BoardMeeting.objects.filter(partnership=request.partnership).prefetch_related(
        Prefetch("packs", queryset=BoardPack.objects.select_related("partnership"))
    )
    return render(
        request,
        "reporting/packs/meeting_list.html",
        {
            "meetings": meetings,
            "form": form,
            "today": timezone.localdate(),
            "days_before": _days_before(),
        },
    )


def _days_before():
    return settings.BOARD_PACK_DAYS_BEFORE_MEETING


@partnership_view(MANAGERS)
def meeting_remove(request, pk):
    meeting = get_object_or_404(BoardMeeting.objects.filter(partnership=request.partnership), pk=pk)
    back = reverse("reporting:meeting_list", args=[request.partnership.slug])
    if request.method == "POST":
        services.board_meeting_remove(meeting=meeting)
        messages.success(request, f"The meeting on {meeting.date:%-d %B %Y} has been removed.")
        return redirect(back)
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Remove the meeting on {meeting.date:%-d %B %Y}?",
            "consequence": "No pack will be made automatically for it. Packs already made "
            "are kept.",
            "action": "Yes, remove it",
            "back": back,
        },
    )
