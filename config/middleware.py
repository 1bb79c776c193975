"""Request-wide protections that belong to no single app."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is over the limit before reading any of it.

    Django reads a whole upload before a form can say it is too big; a 300 MB post would
    be read in full only to be refused. The declared length is all a WSGI server will
    hand over (it never reads past it), so checking it first is enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            html = render_to_string(
                "413.html", {"limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024)}
            )
            response = HttpResponse(html, status=413)
            # The unread body cannot be used for another request on this connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and files for a signed-in person are never kept by the browser or a proxy,
    so on a shared computer the back button or the cache cannot show them to the next
    person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


SIGNED_IN_AT = "signed_in_at"
RENEWED_AT = "renewed_at"


def _renewal_due(session, now):
    return session.modified or now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS


def session_seconds_left(request):
    """Seconds until the session ends if nothing else happens, as stored once this request
    is answered (the expiry warning counts down from it)."""
    session = request.session
    now = int(time.time())
    if _renewal_due(session, now):
        return settings.SESSION_COOKIE_AGE
    return max(settings.SESSION_COOKIE_AGE - (now - session[RENEWED_AT]), 0)


class SessionRenewalMiddleware:
    """Move a session's idle expiry on at most once every SESSION_RENEW_SECONDS.

    Saving the session on every request would write and commit its row for every page
    anyone opens: the most frequent write in the product, and one that waits for the
    database's disk. Once a minute keeps the idle limit within a minute of exact, and
    session_seconds_left() tells the page what the stored expiry really is.
    Sits after SessionMiddleware, so that its answer is seen (and the session saved)
    after this has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        due = _renewal_due(session, now)
        # Reading the session may find that its cookie named none: make no new one.
        if due and not session.is_empty():
            session[RENEWED_AT] = now
        return response


class SessionLifetimeMiddleware:
    """End a session that has lasted longer than SESSION_MAX_SECONDS, however active.

    The idle limit is the session's own expiry (renewed on every request); this is the
    absolute one, counted from sign-in, so a session left open on a shared computer
    does not last for ever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
            if time.time() - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                hours = settings.SESSION_MAX_SECONDS // 3600
                messages.info(
                    request,
                    f"You have been signed out because you were signed in for {hours} hours.",
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class BrowserPolicyMiddleware:
    """The headers that go with the content security policy on every response: which
    browser features pages may use (none that the product does not need), and where the
    browser sends its reports of violations (the `report-to` group named in the policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        try:
            report_url = request.build_absolute_uri(settings.CSP_REPORT_PATH)
        except DisallowedHost:
            # The request is already refused (400); there is no page to report on.
            return response
        response.setdefault("Reporting-Endpoints", f'csp="{report_url}"')
        return response
