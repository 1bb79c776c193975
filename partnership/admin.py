from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .models import Invitation, Membership, Organisation, Partnership, Project, Service, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    filter_horizontal = ["services"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "local_area", "board_name"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "sector", "active"]
    list_filter = ["partnership", "sector", "active"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "partnership", "active"]
    list_filter = ["partnership", "active"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "partnership", "status", "active"]
    list_filter = ["partnership", "status", "active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role", "active"]
    list_filter = ["partnership", "role", "active"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "partnership", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["partnership"]


# The operators' admin signs in only through the product's own sign-in, so the second
# factor is always asked for; and an operator without one set up is sent to set it up.
def _operator_may_enter(request):
    user = request.user
    return user.is_active and user.is_staff and is_mfa_enabled(user)


def operator_login(request, extra_context=None):
    """Replaces the admin's password-only form."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied("The admin is for platform operators only.")
    if not is_mfa_enabled(request.user):
        messages.warning(
            request,
            "Set up two-factor authentication before you use the platform admin.",
        )
        return redirect("mfa_activate_totp")
    return redirect(next_url)


admin.site.login = operator_login
admin.site.has_permission = _operator_may_enter
