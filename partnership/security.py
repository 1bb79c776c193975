"""Who is signing in, and from where: one answer for the lockout and the rate limits.

django-axes and allauth each need the name typed and the client's address. allauth
posts the address as `email` in its credentials, which axes does not look for, and
behind a proxy REMOTE_ADDR is the proxy's: without these two functions every failure
would count against one shared address and lock out a whole office.
"""

import ipaddress

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
