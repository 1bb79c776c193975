"""The action plan after acceptance, the partnership's Actions page and the Programme.

Every view goes through `partnership_view`; actions are found only among the live
action plans of `request.partnership`, so another partnership's action is a 404.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from partnership.access import AUDIT_EDITORS, PORTFOLIO_VIEWERS, partnership_view
from partnership.models import Membership, Organisation, Service
from partnership.spreadsheets import safe_row

from . import services
from .forms import ActionUpdateForm
from .models import Action, ActionUpdate
from .programme import programme

PAGE_SIZE = 50
DUE_CHOICES = [("", "Any date"), ("overdue", "Overdue"), ("next30", "Due in the next 30 days")]
STATUS_CHOICES = [("", "Any status"), ("open", "Not started or in progress")] + list(
    Action.Status.choices
)


def _live(request):
    return Action.objects.live(request.partnership)


def _filters(request):
    """Read the filters; a value that is not the partnership's own is dropped with a note."""
    p = request.partnership
    params, chosen, ignored = request.GET, {}, []

    def pick(name, label, valid):
        value = params.get(name, "")
        if value and value not in valid:
            ignored.append(label)
            return ""
        chosen[name] = value
        return value

    pick("status", "Status", {v for v, _ in STATUS_CHOICES})
    pick("due", "Due", {v for v, _ in DUE_CHOICES})
    people = list(
        Membership.objects.filter(partnership=p, owned_actions__isnull=False)
        .select_related("user")
        .distinct()
        .order_by("user__full_name", "user__email")
    )
    services_ = list(Service.objects.filter(partnership=p).select_related("organisation"))
    organisations = list(Organisation.objects.filter(partnership=p))
    pick("owner", "Responsible", {str(m.pk) for m in people} | {"typed"})
    pick("service", "Service", {str(s.pk) for s in services_})
    pick("organisation", "Organisation", {str(o.pk) for o in organisations})
    for label in ignored:
        messages.warning(request, f"The filter “{label}” was not recognised and has been ignored.")
    options = {
        "statuses": STATUS_CHOICES,
        "dues": DUE_CHOICES,
        "people": people,
        "services": services_,
        "organisations": organisations,
    }
    return chosen, options


def filtered_actions(partnership, chosen, today):
    qs = Action.objects.live(partnership)
    status = chosen.get("status")
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if chosen.get("due") == "overdue":
        qs = qs.overdue(today)
    elif chosen.get("due") == "next30":
        qs = qs.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=30))
    owner = chosen.get("owner")
    if owner == "typed":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=int(owner))
    if chosen.get("service"):
        qs = qs.filter(audit__project__service_id=int(chosen["service"]))
    if chosen.get("organisation"):
        qs = qs.filter(audit__project__service__organisation_id=int(chosen["organisation"]))
    return qs


def _with_latest_update(qs):
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
    return qs.annotate(
        latest_note=Subquery(latest.values("note")[:1]),
        latest_at=Subquery(latest.values("at")[:1]),
        latest_by=Subquery(latest.values("by__full_name")[:1]),
    ).select_related("audit__project__service__organisation", "owner__user")


@partnership_view(PORTFOLIO_VIEWERS)
def action_list(request):
    """Everyone who reads accepted audits: the partnership's delivery plan, filtered."""
    today = timezone.localdate()
    chosen, options = _filters(request)
    qs = filtered_actions(request.partnership, chosen, today).order_by("due_date", "pk")
    page = Paginator(_with_latest_update(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/action_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "chosen": chosen,
            "today": today,
            "overdue_count": _live(request).overdue(today).count(),
            **options,
        },
    )


XLSX_HEADINGS = [
    "Action",
    "Project",
    "Service",
    "Organisation",
    "Who is responsible",
    "Status",
    "By when",
    "Overdue",
    "Date done",
    "Update and evidence of achievement",
    "Update by",
    "Update on",
    "Carried forward",
]


@partnership_view(PORTFOLIO_VIEWERS)
def action_export(request):
    """The filtered delivery plan as a spreadsheet; every cell written through safe_row."""
    today = timezone.localdate()
    chosen, _ = _filters(request)
    qs = _with_latest_update(
        filtered_actions(request.partnership, chosen, today).order_by("due_date", "pk")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actions")
    sheet.append(safe_row(XLSX_HEADINGS))
    for action in qs.iterator(chunk_size=2000):
        project = action.audit.project
        sheet.append(
            safe_row(
                [
                    action.what,
                    project.title,
                    project.service.name,
                    project.service.organisation.name,
                    action.owner_name,
                    action.get_status_display(),
                    action.due_date,
                    "Yes" if action.is_overdue(today) else "No",
                    action.done_on,
                    action.latest_note,
                    action.latest_by,
                    timezone.localtime(action.latest_at).date() if action.latest_at else None,
                    "Yes" if action.carried_forward else "No",
                ]
            )
        )
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{request.partnership.slug}-actions-{today:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    book.save(response)
    return response


@partnership_view(PORTFOLIO_VIEWERS)
def action_detail(request, pk):
    """Readers of accepted audits see an action's progress; its leads, owner,
    commissioners and admins record progress (the audit itself stays read-only)."""
    action = get_object_or_404(
        Action.objects.for_partnership(request.partnership).select_related(
            "audit__project__service__organisation", "owner__user", "audit__partnership"
        ),
        pk=pk,
        audit__status="accepted",
    )
    may_update = services.can_update_action(action, request.membership)
    people = list(
        Membership.objects.filter(partnership=request.partnership, active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    initial = {
        "status": action.status,
        "done_on": action.done_on,
        "owner": str(action.owner_id or ""),
        "who": "" if action.owner_id else action.who,
    }
    form = ActionUpdateForm(request.POST or None, initial=initial, people=people, action=action)
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied("Your role does not allow you to update this action.")
        if form.is_valid():
            try:
                services.action_update(
                    action=action,
                    membership=request.membership,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    done_on=form.cleaned_data["done_on"],
                    owner=form.chosen_owner(),
                    who=form.cleaned_data["who"],
                )
            except services.AuditError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The action has been updated.")
                return redirect(
                    reverse(
                        "audits:action_detail", kwargs={"slug": request.partnership.slug, "pk": pk}
                    )
                )
    return render(
        request,
        "audits/action_detail.html",
        {
            "action": action,
            "form": form,
            "may_update": may_update,
            "updates": action.updates.select_related("by"),
            "today": timezone.localdate(),
        },
    )


@partnership_view(AUDIT_EDITORS)
def programme_view(request):
    """Commissioners and admins: the year's audit programme; a service lead sees their own."""
    today = timezone.localdate()
    text = request.GET.get("year", "")
    year = today.year
    if text:
        if text.isdigit() and 2000 <= int(text) <= 2100:
            year = int(text)
        else:
            messages.warning(request, "The year was not recognised; showing this year.")
    plan = programme(request.partnership, request.membership, year, today)
    return render(
        request,
        "audits/programme.html",
        {
            "plan": plan,
            "today": today,
            "years": [today.year - 1, today.year, today.year + 1],
            "start_of_year": date(year, 1, 1),
        },
    )
