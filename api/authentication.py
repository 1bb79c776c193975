"""Who is calling: an API key (`Authorization: Api-Key <key>`) or a browser session."""

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

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
            raise KeyRefused("This API key has been revoked.", code="key_revoked")
        if key.has_expired:
            raise KeyRefused("This API key has expired.", code="key_expired")
        user = key.created_by
        if user is None or not user.is_active:
            raise KeyRefused(
                "The person who made this API key no longer has an account.",
                code="key_owner_gone",
            )
        key.touch(timezone.now())
        return user, key

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
