"""Who is calling: an API key (`Authorization: Api-Key <key>`) or a browser session."""

from datetime import datetime, time

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from partnership.models import SecurityEvent
from partnership.security import security_event_record

from .models import PartnershipAPIKey


class KeyRefused(exceptions.AuthenticationFailed):
    """401 with a code saying which: unknown, revoked or expired."""


class PartnershipKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"
    parser = KeyParser()

    def authenticate(self, request):
        text = self.parser.get(request)
        if text is None:
            return None
        key = self._find(text.strip())
        if key.revoked:
            self._refused(request, key, "revoked")
            raise KeyRefused("This API key has been revoked.", code="key_revoked")
        if key.has_expired:
            self._refused(request, key, "expired")
            raise KeyRefused("This API key has expired.", code="key_expired")
        user = key.created_by
        if user is None or not user.is_active:
            raise KeyRefused(
                "The person who made this API key no longer has an account.",
                code="key_owner_gone",
            )
        now = timezone.now()
        if self._first_use_today(key, now):
            security_event_record(
                kind=SecurityEvent.Kind.API_KEY_USED,
                request=request,
                user=user,
                partnership=key.partnership,
                detail={"name": key.name, "prefix": key.prefix, "path": request.path[:200]},
            )
        key.touch(now)
        return user, key

    @staticmethod
    def _first_use_today(key, now):
        """Claims the day's first use with one UPDATE, so two requests at once log it once.

        Every use would flood the log: a nightly sync makes thousands of requests.
        """
        midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
        if key.last_used_at and key.last_used_at >= midnight:
            return False  # used already today, as read with the key: no query
        claimed = (
            PartnershipAPIKey.objects.filter(pk=key.pk)
            .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=midnight))
            .update(last_used_at=now)
        )
        if claimed:
            key.last_used_at = now
        return bool(claimed)

    @staticmethod
    def _refused(request, key, why):
        # Logged at most once an hour per key: a forgotten script may keep trying.
        if cache.add(f"api-key-refused:{key.pk}", 1, timeout=60 * 60):
            security_event_record(
                kind=SecurityEvent.Kind.API_KEY_REFUSED,
                request=request,
                user=key.created_by,
                partnership=key.partnership,
                detail={"name": key.name, "prefix": key.prefix, "why": why},
            )

    def _find(self, text):
        prefix, dot, _ = text.partition(".")
        key = (
            PartnershipAPIKey.objects.select_related("partnership", "created_by")
            .filter(prefix=prefix)
            .first()
            if dot
            else None
        )
        if key is None or not key.is_valid(text):
            raise KeyRefused("This API key is not recognised.", code="key_unknown")
        return key

    def authenticate_header(self, request):
        # Makes an unauthenticated request a 401 (not 403), naming how to authenticate.
        return self.keyword
