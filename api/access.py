"""The API's access layer: the partnership comes from the URL, as on the pages.

A key works only on its own partnership's URLs, a signed-in person only where they have
an active membership; anything else is the same 404 as a partnership that does not
exist. The role (the membership's, or the one the key acts with) then decides what the
caller may do, with the same role sets as the pages (partnership/access.py).
"""

from rest_framework import exceptions, permissions

from partnership.access import ALL_ROLES, resolve_membership

from .models import PartnershipAPIKey


class PartnershipScopedMixin:
    """For API views whose URL starts with `<slug>`: sets request.partnership and
    request.membership (a Membership, or the key, which scopes the same way)."""

    read_roles = ALL_ROLES
    write_roles = frozenset()

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        self.perform_authentication(request)
        if not (request.user and request.user.is_authenticated):
            # Say how to authenticate before anything about the partnership.
            raise exceptions.NotAuthenticated()
        slug = kwargs.get("slug")
        key = request.auth if isinstance(request.auth, PartnershipAPIKey) else None
        if key is not None:
            scope = key if key.partnership.slug == slug else None
        else:
            scope = resolve_membership(request.user, slug)
        if scope is None:
            raise exceptions.NotFound()
        request.partnership = scope.partnership
        request.membership = scope
        request._request.partnership = scope.partnership
        request._request.membership = scope
        super().initial(request, *args, **kwargs)

    def get_permissions(self):
        return [*super().get_permissions(), RoleAllows()]


class RoleAllows(permissions.BasePermission):
    """Reads for the view's reading roles; writes for its writing roles, never by a
    read-only key. A member the role refuses gets 403: they know the partnership exists."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        scope = getattr(request, "membership", None)
        if scope is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return scope.role in view.read_roles
        if isinstance(scope, PartnershipAPIKey) and scope.read_only:
            self.message = "This API key is read-only."
            return False
        if scope.role not in view.write_roles:
            self.message = "Your role does not allow this."
            return False
        return True
