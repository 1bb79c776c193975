from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PartnershipAPIKey


class PerKeyThrottle(SimpleRateThrottle):
    """One budget per API key, and one per signed-in person for session calls."""

    def get_rate(self):
        return None  # chosen per request in allow_request

    def allow_request(self, request, view):
        is_key = isinstance(request.auth, PartnershipAPIKey)
        self.scope = "api_key" if is_key else "api_user"
        # Read on each request, so a changed setting applies without a restart of the class.
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnershipAPIKey):
            ident = f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
