from allauth.mfa.stages import AuthenticateStage

from .mfa import id_token_claims, token_says_mfa


class ProviderAwareAuthenticateStage(AuthenticateStage):
    """allauth's "enter your code" step, skipped when the ID token says the person has just
    used a second factor at their organisation's provider, so they are not asked twice.

    An admin's trust in the provider is not enough here: it holds for one partnership,
    and a code entered now would count for every partnership of the person."""

    def _should_handle(self, request):
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None:
            if token_says_mfa(id_token_claims(sociallogin)):
                return False
        return super()._should_handle(request)
