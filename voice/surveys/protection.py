"""Keeping the survey open to people and closed to floods: a rate limit per device
(a cookie) and per address, and bot checks without a puzzle (a field people never see,
and answers sent faster than anyone could read the questions)."""

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from partnership.security import client_ip

DEVICE_COOKIE = "jpa_survey_device"
# The field no person sees (hidden by CSS, out of the tab order, labelled "leave empty").
TRAP_FIELD = "website"
HOUR = 60 * 60


def device_id(request):
    """The device's id from its signed cookie, or None when it has none (or it was changed)."""
    try:
        return request.get_signed_cookie(DEVICE_COOKIE, salt="survey-device", max_age=None)
    except (KeyError, signing.BadSignature):
        return None


def ensure_device_cookie(request, response):
    """Give a device its id the first time it opens a survey."""
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt="survey-device",
            max_age=365 * 24 * HOUR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _keys(request, link):
    keys = [(f"survey-rate:address:{link.pk}:{client_ip(request)}", settings.SURVEY_PER_ADDRESS)]
    device = device_id(request)
    if device:
        keys.append((f"survey-rate:device:{link.pk}:{device}", settings.SURVEY_PER_DEVICE))
    return keys


def rate_limited(request, link):
    """Whether this device or address has sent as many answers to this link this hour as
    it may. A family centre's shared tablet and its address get a higher limit."""
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, link))


def rate_count(request, link):
    for key, _ in _keys(request, link):
        if cache.add(key, 1, timeout=HOUR):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=HOUR)


def trap_sprung(request):
    return bool((request.POST.get(TRAP_FIELD) or "").strip())


def too_fast(started_at, now):
    return started_at is None or now - started_at < settings.SURVEY_MIN_SECONDS
