from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from .security import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join a partnership only by invitation.
        return False

    def get_login_stages(self):
        # The code step is skipped for a sign-in whose provider says it asked for one.
        return [
            "sso.stages.ProviderAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def get_client_ip(self, request):
        # The same address the lockout uses, so the limits and the lockout agree.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
