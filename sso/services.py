"""Writes for sign-in through a partnership's own provider."""

from django.contrib.auth import get_user_model
from django.db import transaction

from partnership import services as partnership_services
from partnership.models import Invitation, Membership, SecurityEvent
from partnership.security import security_event_record

from .models import SignInProvider

Kind = SecurityEvent.Kind
FIELD_NAMES = {
    "kind": "provider",
    "tenant_id": "tenant ID",
    "issuer_url": "issuer URL",
    "client_id": "client ID",
    "email_domains": "email domains",
    "trust_mfa": "trust for two-factor authentication",
    "enabled": "switched on or off",
}


@transaction.atomic
def sign_in_provider_save(*, partnership, by, values, client_secret="", request=None):
    """Create or change the partnership's provider. A blank `client_secret` keeps the
    saved one. The change is written to the security log, naming what changed."""
    provider = SignInProvider.objects.filter(partnership=partnership).first()
    created = provider is None
    if created:
        provider = SignInProvider(partnership=partnership, key=partnership.slug)
    changed = [
        label
        for name, label in FIELD_NAMES.items()
        if created or getattr(provider, name) != values[name]
    ]
    for name in FIELD_NAMES:
        setattr(provider, name, values[name])
    if client_secret:
        provider.set_client_secret(client_secret)
        changed.append("client secret")
    provider.updated_by = by
    provider.save()
    security_event_record(
        kind=Kind.PROVIDER_SETTINGS_CHANGED,
        request=request,
        user=by,
        partnership=partnership,
        detail={"changed": ", ".join(changed) or "nothing", "provider": provider.kind},
    )
    return provider


def provider_email(claims):
    """The person's email as the provider gives it: Entra ID puts a work address in
    `email` when the mailbox has one, and in `preferred_username` (the sign-in name)."""
    for name in ("email", "preferred_username", "upn"):
        value = (claims.get(name) or "").strip().lower()
        if "@" in value:
            return value
    return ""


def provider_person_find(*, provider, email):
    """Who `email` is in the provider's partnership: (user, membership, invitation), any
    of which may be None. Only a member or a person with an open invitation may sign in."""
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    membership = (
        Membership.objects.filter(partnership=provider.partnership, user=user, active=True).first()
        if user
        else None
    )
    invitation = (
        Invitation.objects.pending()
        .filter(partnership=provider.partnership, email__iexact=email)
        .first()
        if email and membership is None
        else None
    )
    return user, membership, invitation


@transaction.atomic
def provider_account_link(*, request, provider, sociallogin, email):
    """The first sign-in of a member or invited person: their account (made now for an
    invited person who has none, with no password) is linked to the provider's account,
    and an open invitation is accepted. Returns the user, or None when the person is
    neither a member nor invited, in which case nothing is created."""
    user, membership, invitation = provider_person_find(provider=provider, email=email)
    if membership is None and invitation is None:
        return None
    if user is None:
        claims = sociallogin.account.extra_data.get("id_token") or {}
        user = get_user_model().objects.create_user(
            email=invitation.email, password=None, full_name=(claims.get("name") or "")[:150]
        )
    if membership is None:
        provider_invitation_accept(
            request=request, provider=provider, user=user, invitation=invitation
        )
    sociallogin.connect(request, user)
    security_event_record(
        kind=Kind.PROVIDER_LINKED,
        request=request,
        user=user,
        partnership=provider.partnership,
        detail={"provider": provider.get_kind_display()},
    )
    return user


def provider_invitation_accept(*, request, provider, user, invitation):
    """Signing in through the provider proves the invited address is the person's, as
    opening the emailed link would."""
    membership = partnership_services.invitation_accept(invitation=invitation, user=user)
    security_event_record(
        kind=Kind.INVITATION_ACCEPTED,
        request=request,
        user=user,
        partnership=provider.partnership,
        detail={"email": invitation.email, "role": invitation.role, "with": "provider"},
    )
    return membership
