"""Pages open without signing in: invitation acceptance and health checks."""

from celery import current_app
from django.contrib import messages
from django.contrib.auth import login
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import AcceptInvitationForm
from .models import Invitation, Partnership, SecurityEvent, User
from .security import security_event_record


@never_cache
def invitation_accept(request, token):
    """Anyone holding the emailed link.

    With no account for the address: choose a name and password, then join.
    With an account: sign in as that account first, then confirm.
    """
    invitation = get_object_or_404(
        Invitation.objects.select_related("partnership", "invited_by"), token=token
    )
    context = {"invitation": invitation}
    try:
        services.invitation_check(invitation)
    except services.InvitationError as error:
        context["problem"] = str(error)
        return render(request, "partnership/invitation_unusable.html", context, status=410)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    user = request.user if request.user.is_authenticated else None
    if user and user.email.lower() != invitation.email.lower():
        context["problem"] = (
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out, then open the link in the email again."
        )
        context["wrong_account"] = True
        return render(request, "partnership/invitation_unusable.html", context, status=403)
    if existing and not user:
        context["needs_sign_in"] = True
        return render(request, "partnership/invitation_accept.html", context)

    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        membership = services.invitation_accept(
            invitation=invitation,
            user=user,
            full_name=data.get("full_name", ""),
            password=data.get("password1", ""),
        )
        security_event_record(
            kind=SecurityEvent.Kind.INVITATION_ACCEPTED,
            request=request,
            user=membership.user,
            partnership=invitation.partnership,
            detail={"email": invitation.email, "role": invitation.role},
        )
        if not user:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.partnership}.")
        return redirect(invitation.partnership)
    context["form"] = form
    return render(request, "partnership/invitation_accept.html", context)


# Health checks must not open the request's transaction: with ATOMIC_REQUESTS that
# touches the database before the view runs, so an unreachable database would turn
# both answers into a 500 instead of "alive" and "not ready".
@transaction.non_atomic_requests
def healthz(request):
    """Load balancers: the process is alive."""
    return HttpResponse("ok", content_type="text/plain")


@transaction.non_atomic_requests
@never_cache
def readyz(request):
    """Load balancers: the database and the broker answer; 503 when either does not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready
        checks["database"] = f"unavailable: {error.__class__.__name__}"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as error:
        checks["broker"] = f"unavailable: {error.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


@require_POST
@never_cache
def keep_alive(request):
    """Signed-in people: renew the session when the expiry warning offers it."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True
    return JsonResponse({"signed_in": True, "expires_in": request.session.get_expiry_age()})


def _public_partnership(slug):
    return get_object_or_404(
        Partnership.objects.only(
            "name",
            "slug",
            "contact_email",
            "data_controller",
            "local_area",
            "idle_months",
            "anonymise_months",
            "invitation_days",
            "security_log_months",
            "evidence_file_years",
        ),
        slug=slug,
    )


def privacy_notice(request, slug=None):
    """Anyone: what personal data the product holds, why, for how long, and people's rights."""
    partnership = _public_partnership(slug) if slug else None
    return render(
        request,
        "public/privacy.html",
        # A partnership's notice shows its own periods; the general one the defaults.
        {"public_partnership": partnership, "retention": partnership or Partnership()},
    )


def accessibility_statement(request, slug=None):
    """Anyone: how accessible the product is, and how to report a problem."""
    partnership = _public_partnership(slug) if slug else None
    return render(request, "public/accessibility.html", {"public_partnership": partnership})
