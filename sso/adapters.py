"""allauth's social accounts, fitted to partnerships: each partnership's provider comes
from its own settings, and only its members and invited people get in."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render
from django.utils.crypto import constant_time_compare

from partnership.models import SecurityEvent
from partnership.security import security_event_record

from .mfa import id_token_claims
from .models import SignInProvider
from .services import (
    provider_account_link,
    provider_email,
    provider_invitation_accept,
    provider_person_find,
)

Kind = SecurityEvent.Kind


def provider_for(sociallogin_or_provider_id):
    return (
        SignInProvider.objects.select_related("partnership")
        .filter(key=sociallogin_or_provider_id)
        .first()
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Nobody signs themselves up: a provider's account is only ever linked to a
        # member or an invited person (pre_social_login below).
        return False

    def list_apps(self, request, provider=None, client_id=None):
        providers = SignInProvider.objects.enabled().select_related("partnership")
        if provider and provider != "openid_connect":
            providers = providers.filter(key=provider)
        if client_id:
            providers = providers.filter(client_id=client_id)
        return [item.social_app() for item in providers]

    def pre_social_login(self, request, sociallogin):
        provider = provider_for(sociallogin.account.provider)
        if provider is None:
            self._refuse(request, None, "unknown provider", "sso/refused.html", status=400)
        claims = id_token_claims(sociallogin)
        expected = sociallogin.state.get("nonce") or ""
        if not expected or not constant_time_compare(str(claims.get("nonce") or ""), expected):
            self._refuse(request, provider, "nonce did not match", "sso/refused.html", status=400)
        email = provider_email(claims) or provider_email(
            sociallogin.account.extra_data.get("userinfo") or {}
        )
        context = {"provider": provider, "partnership": provider.partnership, "email": email}
        domain = email.rsplit("@", 1)[-1]
        if not email or domain not in provider.domain_list:
            # The admin vouches for the provider's accounts only within these domains.
            self._refuse(
                request, provider, "email domain not covered", "sso/not_invited.html", context
            )
        if sociallogin.is_existing:
            user, membership, invitation = provider_person_find(
                provider=provider, email=sociallogin.user.email
            )
            if membership is None and invitation is None:
                self._refuse(request, provider, "not a member", "sso/not_invited.html", context)
            if membership is None:
                # Linked before, left, and invited again.
                provider_invitation_accept(
                    request=request, provider=provider, user=sociallogin.user, invitation=invitation
                )
            return
        if (
            provider_account_link(
                request=request, provider=provider, sociallogin=sociallogin, email=email
            )
            is None
        ):
            self._refuse(request, provider, "not invited", "sso/not_invited.html", context)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        if "state_id" in extra_context and extra_context.get("state") is None:
            reason = "state not recognised"
        elif error:
            reason = f"error: {error}"
        else:
            reason = f"error: {type(exception).__name__}" if exception else "error"
        sign_in_provider = provider_for(getattr(provider.app, "provider_id", ""))
        security_event_record(
            kind=Kind.PROVIDER_REFUSED,
            request=request,
            partnership=sign_in_provider.partnership if sign_in_provider else None,
            detail={"reason": reason},
        )

    def _refuse(self, request, provider, reason, template, context=None, status=403):
        security_event_record(
            kind=Kind.PROVIDER_REFUSED,
            request=request,
            partnership=provider.partnership if provider else None,
            email=(context or {}).get("email", ""),
            detail={"reason": reason},
        )
        raise ImmediateHttpResponse(render(request, template, context or {}, status=status))
