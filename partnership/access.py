"""The access layer every partnership view goes through.

`/<slug>/...` is resolved to a partnership only for a signed-in person with an
active membership of it; anyone else gets the same 404 as for a partnership that
does not exist, so the URL space leaks nothing. A member whose role may not use a
view gets 403: they already know the partnership exists.
"""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.defaults import page_not_found

from .models import Membership, Role


def provider_mfa_counts(request, partnership_id):
    """A sign-in through the partnership's own provider that counts as two-factor
    authentication (the sso app decides and keeps its answer in the session)."""
    from sso.mfa import session_mfa_counts

    return session_mfa_counts(request, partnership_id)


ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.ADMIN})
AUDIT_EDITORS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.SERVICE_LEAD})
REVIEWERS = frozenset({Role.ADMIN, Role.COMMISSIONER})
PORTFOLIO_VIEWERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.SERVICE_LEAD, Role.BOARD_MEMBER})


def resolve_membership(user, slug):
    """The active membership of `user` in the partnership `slug`, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("partnership", "user")
        .filter(user=user, partnership__slug=slug, active=True)
        .first()
    )


def _record_probe(request, slug, kwargs):
    """A signed-in person asking for an object of a partnership they do not belong to
    is recorded, against that partnership when it exists, so its admins can see it."""
    if not any(name == "pk" or name.endswith("_pk") for name in kwargs):
        return False
    from .models import Partnership, SecurityEvent
    from .security import security_event_record

    security_event_record(
        kind=SecurityEvent.Kind.PROBED,
        request=request,
        partnership=Partnership.objects.filter(slug=slug).first(),
        detail={"path": request.path[:300]},
    )
    return True


def partnership_view(roles=ALL_ROLES):
    """Decorate a view taking `slug`: sets request.partnership and request.membership."""

    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = resolve_membership(request.user, slug)
            if membership is None:
                not_found = Http404("No such partnership")
                if _record_probe(request, slug, kwargs):
                    # Answered rather than raised, so the request's transaction keeps the
                    # record; the page is the same 404 page as any other.
                    return page_not_found(request, not_found)
                raise not_found
            request.partnership = membership.partnership
            request.membership = membership
            if (
                membership.mfa_required
                and not is_mfa_enabled(request.user)
                and not provider_mfa_counts(request, membership.partnership_id)
            ):
                # No page of the partnership opens until the second factor is set up.
                messages.warning(
                    request,
                    f"{membership.partnership} asks you to use two-factor authentication. "
                    "Set it up with an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
            if membership.role not in allowed:
                raise PermissionDenied("Your role does not allow this")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator
