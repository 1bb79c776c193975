"""Who is signing in, and from where; and the security log of what they did.

The client's address and the name typed are one answer for the lockout, the rate
limits and the log.

django-axes and allauth each need the name typed and the client's address. allauth
posts the address as `email` in its credentials, which axes does not look for, and
behind a proxy REMOTE_ADDR is the proxy's: without these two functions every failure
would count against one shared address and lock out a whole office.
"""

import ipaddress
import json
import logging

from django.conf import settings


def sign_in_name(request, credentials):
    """The email typed, in lower case, from allauth's credentials or the posted form."""
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not name and request is not None:
        name = getattr(request, "POST", {}).get("login")
    return (name or "").strip().lower() or None


def client_ip(request):
    """The client's address: the one the trusted proxies saw (TRUSTED_PROXY_COUNT hops
    from the right of X-Forwarded-For), or REMOTE_ADDR when no proxy is trusted.

    Hops further left were written by the client and could be anything, so they are
    never believed; a malformed header falls back to REMOTE_ADDR rather than failing.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def provider_sign_in(request):
    """Whether the sign-in under way is through an organisation's own account (allauth
    keeps how the person proved who they are in the session until they sign out)."""
    session = getattr(request, "session", None) if request is not None else None
    records = session.get("account_authentication_methods") if session is not None else None
    return any(record.get("method") == "socialaccount" for record in records or [])


security_log = logging.getLogger("jpa.security")

# Never written to the log or the table, whatever a caller passes in `detail`.
SECRET_WORDS = ("password", "token", "secret", "key", "session", "code", "otp")


def _clean(detail):
    return {
        name: value
        for name, value in (detail or {}).items()
        if not any(word in name.lower() for word in SECRET_WORDS)
    }


def security_event_record(
    *, kind, request=None, user=None, partnership=None, email="", detail=None
):
    """Write one security event to the table and as one JSON line to the log.

    `request` supplies the client address and, when nobody else is named, the person.
    """
    from .models import SecurityEvent

    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if partnership is None and request is not None:
        partnership = getattr(request, "partnership", None)
    detail = _clean(detail)
    event = SecurityEvent.objects.create(
        kind=kind,
        partnership=partnership,
        user=user,
        email=(email or "")[:254],
        ip_address=client_ip(request) if request is not None else None,
        detail=detail,
    )
    security_log.info(
        json.dumps(
            {
                "event": kind,
                "at": event.at.isoformat(),
                "partnership": partnership.slug if partnership else None,
                "user_id": user.pk if user else None,
                "email": event.email or (user.email if user else ""),
                "ip": event.ip_address,
                "detail": detail,
            },
            default=str,
        )
    )
    return event
