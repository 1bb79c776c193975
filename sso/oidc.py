"""allauth's OpenID Connect provider, with a nonce.

allauth sends a state (checked on return) but no nonce, so an ID token obtained for
another sign-in could be replayed into this one. Every sign-in here sends a fresh nonce,
kept with the state in the session, and the ID token must carry it back
(sso/adapters.py refuses the sign-in otherwise).
"""

import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider


class CouncilProvider(OpenIDConnectProvider):
    # allauth finds a provider's URLs in its package; these are allauth's own.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
