"""Making and revoking API keys, each written to the security log."""

from django.db import transaction
from django.utils import timezone

from partnership.models import Role, SecurityEvent
from partnership.security import security_event_record

from .models import PartnershipAPIKey


@transaction.atomic
def api_key_create(
    *, partnership, by, name, role, access, expires_at=None, services=(), request=None
):
    """Make a key; returns (key, the key's text). The text is shown once and never stored."""
    key, text = PartnershipAPIKey.objects.create_key(
        partnership=partnership,
        name=name,
        role=role,
        access=access,
        expiry_date=expires_at,
        created_by=by,
    )
    if role == Role.SERVICE_LEAD:
        key.services.set(services)
    security_event_record(
        kind=SecurityEvent.Kind.API_KEY_CREATED,
        request=request,
        user=by,
        partnership=partnership,
        detail={
            "name": name,
            "prefix": key.prefix,
            "role": role,
            "access": access,
            "expires": expires_at.isoformat() if expires_at else None,
        },
    )
    return key, text


@transaction.atomic
def api_key_revoke(*, key: PartnershipAPIKey, by, request=None):
    """Revoking takes effect on the key's next request: every request checks `revoked`."""
    if key.revoked:
        return key
    key.revoked = True
    key.revoked_at = timezone.now()
    key.revoked_by = by
    key.save(update_fields=["revoked", "revoked_at", "revoked_by"])
    security_event_record(
        kind=SecurityEvent.Kind.API_KEY_REVOKED,
        request=request,
        user=by,
        partnership=key.partnership,
        detail={"name": key.name, "prefix": key.prefix},
    )
    return key
