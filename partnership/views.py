"""Pages of the partnership directory: home, organisations, services, projects, people.

Every view here goes through `partnership_view`, so `request.partnership` is the
partnership named in the URL and every query starts from it.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .access import ALL_ROLES, MANAGERS, partnership_view
from .forms import (
    DirectoryFilterForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    ProjectForm,
    ServiceForm,
)
from .models import (
    Invitation,
    Membership,
    Organisation,
    Project,
    Role,
    SecurityEvent,
    Service,
)
from .security import security_event_record

PAGE_SIZE = 50


def _url(request, name, **kwargs):
    return reverse(f"partnership:{name}", kwargs={"slug": request.partnership.slug, **kwargs})


@login_required
def chooser(request):
    """Signed-in people: pick a partnership, or go straight to the only one."""
    memberships = list(
        request.user.memberships.active()
        .select_related("partnership")
        .order_by("partnership__name")
    )
    if len(memberships) == 1:
        return redirect(memberships[0].partnership)
    return render(request, "partnership/chooser.html", {"memberships": memberships})


@partnership_view()
def home(request):
    """Every member: what they can act on in this partnership."""
    membership = request.membership
    partnership = request.partnership
    context = {}
    if membership.role == Role.ADMIN:
        context["counts"] = {
            "organisations": partnership.organisations.filter(active=True).count(),
            "services": partnership.services.filter(active=True).count(),
            "projects": partnership.projects.filter(active=True).count(),
            "people": partnership.memberships.filter(active=True).count(),
            "invitations": partnership.invitations.pending().count(),
        }
    if membership.role == Role.SERVICE_LEAD:
        context["my_services"] = (
            membership.services.filter(active=True)
            .select_related("organisation")
            .annotate(project_count=Count("projects", filter=Q(projects__active=True)))
        )
    context["recent_projects"] = (
        Project.objects.visible_to(membership)
        .filter(active=True)
        .select_related("service__organisation")
        .order_by("-created_at")[:10]
    )
    return render(request, "partnership/home.html", context)


def _filtered(request, queryset, fields):
    form = DirectoryFilterForm(request.GET or None, partnership=request.partnership, fields=fields)
    values, ignored = form.filters() if request.GET else ({}, [])
    for label in ignored:
        messages.warning(request, f"The filter “{label}” was not recognised and has been ignored.")
    if values.get("q"):
        field = "title" if queryset.model is Project else "name"
        queryset = queryset.filter(**{f"{field}__icontains": values["q"]})
    if values.get("sector"):
        key = "sector" if queryset.model is Organisation else "organisation__sector"
        queryset = queryset.filter(**{key: values["sector"]})
    if values.get("organisation"):
        key = "service__organisation" if queryset.model is Project else "organisation"
        queryset = queryset.filter(**{key: values["organisation"]})
    if values.get("service"):
        queryset = queryset.filter(service=values["service"])
    if values.get("status"):
        queryset = queryset.filter(status=values["status"])
    if values.get("active"):
        queryset = queryset.filter(active=values["active"] == "yes")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return form, page, query.urlencode()


def _form_page(request, form, *, title, back, template="partnership/form.html", **extra):
    return render(request, template, {"form": form, "title": title, "back": back, **extra})


def _confirm_deactivate(request, obj, *, kind, back, consequence):
    """GET asks for confirmation; POST deactivates. Nothing is deleted."""
    if request.method == "POST":
        services.directory_set_active(obj=obj, active=False)
        messages.success(request, f"{kind} “{obj}” has been deactivated.")
        return redirect(back)
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Deactivate {kind.lower()} “{obj}”?",
            "consequence": consequence,
            "action": "Yes, deactivate",
            "back": back,
        },
    )


# Organisations ------------------------------------------------------------------------


@partnership_view(MANAGERS)
def organisation_list(request):
    """Admins: the partnership's organisations with filters."""
    queryset = (
        Organisation.objects.for_partnership(request.partnership)
        .annotate(service_count=Count("services"))
        .order_by("name")
    )
    form, page, query = _filtered(request, queryset, ["q", "sector", "active"])
    return render(
        request,
        "partnership/organisation_list.html",
        {"filter_form": form, "page": page, "query": query},
    )


@partnership_view(MANAGERS)
def organisation_create(request):
    form = OrganisationForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, f"Organisation “{organisation}” has been added.")
        return redirect(_url(request, "organisation_list"))
    return _form_page(
        request, form, title="Add an organisation", back=_url(request, "organisation_list")
    )


@partnership_view(MANAGERS)
def organisation_edit(request, pk):
    organisation = get_object_or_404(request.partnership.organisations, pk=pk)
    form = OrganisationForm(
        request.POST or None, instance=organisation, partnership=request.partnership
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Organisation “{organisation}” has been updated.")
        return redirect(_url(request, "organisation_list"))
    return _form_page(
        request,
        form,
        title=f"Edit {organisation}",
        back=_url(request, "organisation_list"),
        deactivate=organisation.active and _url(request, "organisation_deactivate", pk=pk),
    )


@partnership_view(MANAGERS)
def organisation_deactivate(request, pk):
    organisation = get_object_or_404(request.partnership.organisations, pk=pk, active=True)
    return _confirm_deactivate(
        request,
        organisation,
        kind="Organisation",
        back=_url(request, "organisation_list"),
        consequence="It will no longer be offered for new services. Its services, projects "
        "and audits are kept.",
    )


# Services ------------------------------------------------------------------------------


@partnership_view(MANAGERS)
def service_list(request):
    """Admins: the partnership's services with filters."""
    queryset = (
        Service.objects.for_partnership(request.partnership)
        .select_related("organisation")
        .annotate(project_count=Count("projects"))
        .order_by("organisation__name", "name")
    )
    form, page, query = _filtered(request, queryset, ["q", "organisation", "active"])
    return render(
        request,
        "partnership/service_list.html",
        {"filter_form": form, "page": page, "query": query},
    )


@partnership_view(MANAGERS)
def service_create(request):
    form = ServiceForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        service = form.save()
        messages.success(request, f"Service “{service}” has been added.")
        return redirect(_url(request, "service_list"))
    return _form_page(request, form, title="Add a service", back=_url(request, "service_list"))


@partnership_view(MANAGERS)
def service_edit(request, pk):
    service = get_object_or_404(request.partnership.services, pk=pk)
    form = ServiceForm(request.POST or None, instance=service, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Service “{service}” has been updated.")
        return redirect(_url(request, "service_list"))
    return _form_page(
        request,
        form,
        title=f"Edit {service}",
        back=_url(request, "service_list"),
        deactivate=service.active and _url(request, "service_deactivate", pk=pk),
    )


@partnership_view(MANAGERS)
def service_deactivate(request, pk):
    service = get_object_or_404(request.partnership.services, pk=pk, active=True)
    return _confirm_deactivate(
        request,
        service,
        kind="Service",
        back=_url(request, "service_list"),
        consequence="It will no longer be offered for new projects or to service leads. "
        "Its projects and audits are kept.",
    )


# Projects ------------------------------------------------------------------------------


@partnership_view(ALL_ROLES)
def project_list(request):
    """Every member: the projects within their scope, with filters."""
    queryset = (
        Project.objects.visible_to(request.membership)
        .select_related("service__organisation")
        .order_by("service__organisation__name", "service__name", "title")
    )
    form, page, query = _filtered(
        request, queryset, ["q", "organisation", "service", "status", "active"]
    )
    return render(
        request,
        "partnership/project_list.html",
        {"filter_form": form, "page": page, "query": query},
    )


@partnership_view(ALL_ROLES)
def project_detail(request, pk):
    """Every member who can see the project."""
    project = get_object_or_404(
        Project.objects.visible_to(request.membership).select_related("service__organisation"),
        pk=pk,
    )
    return render(request, "partnership/project_detail.html", {"project": project})


@partnership_view(MANAGERS)
def project_create(request):
    form = ProjectForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, f"Project “{project}” has been added.")
        return redirect(_url(request, "project_detail", pk=project.pk))
    return _form_page(request, form, title="Add a project", back=_url(request, "project_list"))


@partnership_view(MANAGERS)
def project_edit(request, pk):
    project = get_object_or_404(request.partnership.projects, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Project “{project}” has been updated.")
        return redirect(_url(request, "project_detail", pk=pk))
    return _form_page(
        request,
        form,
        title=f"Edit {project}",
        back=_url(request, "project_detail", pk=pk),
        deactivate=project.active and _url(request, "project_deactivate", pk=pk),
    )


@partnership_view(MANAGERS)
def project_deactivate(request, pk):
    project = get_object_or_404(request.partnership.projects, pk=pk, active=True)
    return _confirm_deactivate(
        request,
        project,
        kind="Project",
        back=_url(request, "project_list"),
        consequence="It will be hidden from active lists. Its audits are kept.",
    )


# People --------------------------------------------------------------------------------


@partnership_view(MANAGERS)
def people_list(request):
    """Admins: members and open invitations."""
    memberships = (
        Membership.objects.filter(partnership=request.partnership)
        .select_related("user")
        .prefetch_related("services")
        .order_by("-active", "user__full_name", "user__email")
    )
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = (
        Invitation.objects.filter(partnership=request.partnership)
        .pending()
        .select_related("invited_by")
        .prefetch_related("services")
    )
    return render(
        request, "partnership/people_list.html", {"page": page, "invitations": invitations}
    )


@partnership_view(MANAGERS)
def person_invite(request):
    form = InvitationForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = services.invitation_create(
            partnership=request.partnership,
            by=request.user,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            services=data["services"],
            base_url=request.build_absolute_uri("/"),
        )
        security_event_record(
            kind=SecurityEvent.Kind.INVITATION_SENT,
            request=request,
            detail={"email": invitation.email, "role": invitation.role},
        )
        messages.success(request, f"An invitation has been sent to {data['email']}.")
        return redirect(_url(request, "people_list"))
    return _form_page(request, form, title="Invite a person", back=_url(request, "people_list"))


@partnership_view(MANAGERS)
def person_edit(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(partnership=request.partnership).select_related("user"), pk=pk
    )
    initial = {"role": membership.role, "services": list(membership.services.all())}
    form = MembershipForm(request.POST or None, initial=initial, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        before = membership.role
        services.membership_update(
            membership=membership,
            role=form.cleaned_data["role"],
            services=form.cleaned_data["services"],
        )
        security_event_record(
            kind=SecurityEvent.Kind.ROLE_CHANGED,
            request=request,
            detail={
                "member": membership.user.email,
                "from": before,
                "to": membership.role,
                "services": [s.name for s in form.cleaned_data["services"]],
            },
        )
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        return redirect(_url(request, "people_list"))
    return _form_page(
        request,
        form,
        title=f"Change role of {membership.user}",
        back=_url(request, "people_list"),
        deactivate=membership.active
        and membership.user_id != request.user.pk
        and _url(request, "person_deactivate", pk=pk),
        mfa_reset=Authenticator.objects.filter(user=membership.user).exists()
        and _url(request, "person_mfa_reset", pk=pk),
        erase=membership.user_id != request.user.pk and _url(request, "person_erase", pk=pk),
    )


@partnership_view(MANAGERS)
def person_deactivate(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(partnership=request.partnership, active=True)
        .exclude(user=request.user)
        .select_related("user"),
        pk=pk,
    )
    if request.method == "POST":
        services.membership_set_active(membership=membership, active=False)
        security_event_record(
            kind=SecurityEvent.Kind.MEMBER_DEACTIVATED,
            request=request,
            detail={"member": membership.user.email},
        )
        messages.success(request, f"{membership.user} no longer has access to this partnership.")
        return redirect(_url(request, "people_list"))
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Remove {membership.user}’s access?",
            "consequence": f"{membership.user} will lose access to {request.partnership} "
            "straight away, including any page they have open. Their past work is kept.",
            "action": "Yes, remove access",
            "back": _url(request, "people_list"),
        },
    )


@partnership_view(MANAGERS)
@require_POST
def person_reactivate(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(partnership=request.partnership, active=False), pk=pk
    )
    services.membership_set_active(membership=membership, active=True)
    security_event_record(
        kind=SecurityEvent.Kind.MEMBER_REACTIVATED,
        request=request,
        detail={"member": membership.user.email},
    )
    messages.success(request, f"{membership.user} has access again.")
    return redirect(_url(request, "people_list"))


@partnership_view(MANAGERS)
def invitation_revoke(request, pk):
    """Admins: GET asks for confirmation (a withdrawn link never works again); POST withdraws."""
    invitation = get_object_or_404(
        Invitation.objects.filter(partnership=request.partnership).pending(), pk=pk
    )
    back = _url(request, "people_list")
    if request.method == "POST":
        services.invitation_revoke(invitation=invitation)
        security_event_record(
            kind=SecurityEvent.Kind.INVITATION_REVOKED,
            request=request,
            detail={"email": invitation.email},
        )
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
        return redirect(back)
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Withdraw the invitation to {invitation.email}?",
            "consequence": "The link in their email will stop working and cannot be turned "
            "back on. You can send a new invitation later.",
            "action": "Yes, withdraw the invitation",
            "back": back,
        },
    )
