"""A sign-in through a partnership's provider: what the session may rely on, and the log."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from partnership.models import SecurityEvent
from partnership.security import security_event_record

from .mfa import SESSION_KEY, id_token_claims, provider_mfa
from .models import SignInProvider


@receiver(user_logged_in, dispatch_uid="sso_signed_in")
def _signed_in_with_provider(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return
    provider = (
        SignInProvider.objects.select_related("partnership")
        .filter(key=sociallogin.account.provider)
        .first()
    )
    if provider is None:
        return
    mfa = provider_mfa(provider, id_token_claims(sociallogin))
    request.session[SESSION_KEY] = mfa
    security_event_record(
        kind=SecurityEvent.Kind.SIGNED_IN_WITH_PROVIDER,
        request=request,
        user=user,
        partnership=provider.partnership,
        detail={
            "provider": provider.get_kind_display(),
            "two_factor": "said by the provider"
            if mfa["amr"]
            else "trusted to the provider"
            if mfa["trusted_partnership"]
            else "not said by the provider",
        },
    )
